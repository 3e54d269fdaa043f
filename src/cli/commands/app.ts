// `torque app …`: list, create, seed, export, import, delete.
import { purgeHiddenData } from "../../services/purge";
import { seedApp } from "../../services/seed/seed";
import { exportApp, importApp } from "../../services/transfer";
import { type Command, JSON_OPTION } from "../command";
import { table } from "../table";
import { intOption, readJsonFile, writeOutput } from "./io";
import { seedProgress } from "./seed-progress";

const json = JSON_OPTION;

export const appCommand: Command = {
  name: "app",
  summary: "run models as apps: list, create, seed, export, import, purge, delete",
  usage: "COMMAND [ARGS]",
  subcommands: [
    {
      name: "list",
      summary: "list apps with their model and version",
      usage: "[--json]",
      options: { json },
      positionals: [0, 0],
      async run(ctx) {
        const apps = await (await ctx.services()).apps.list(await ctx.actor());
        if (ctx.opts.json)
          return ctx.json(apps.map((a) => ({ slug: a.slug, model: a.model.name, modelId: a.model.id, version: a.version, createdAt: a.createdAt })));
        ctx.out(
          apps.length
            ? table(
                ["SLUG", "MODEL", "VERSION", "CREATED"],
                apps.map((a) => [a.slug, a.model.name, a.version, a.createdAt]),
              )
            : "no apps yet: try `torque app create MODEL --slug S`",
        );
      },
    },
    {
      name: "create",
      summary: "create an app of a model (by id or name)",
      usage: "MODEL --slug S [--json]",
      positionals: [1, 1],
      options: { json, slug: { type: "string", description: "the app's slug (default: from the model name)" } },
      async run(ctx) {
        const s = await ctx.services();
        const model = await s.models.get(ctx.args[0]!);
        const slug = typeof ctx.opts.slug === "string" ? ctx.opts.slug : await s.apps.freeSlug(model.name);
        const app = await s.apps.create(model.id, slug, await ctx.actor());
        if (ctx.opts.json) return ctx.json({ slug: app.slug, model: model.name, modelId: model.id, version: model.version });
        ctx.out(`created app ${app.slug} (model ${model.name} version ${model.version})`);
      },
    },
    {
      name: "seed",
      summary: "fill every entity type with plausible records",
      usage: "SLUG [--count N] [--seed N] [--json]",
      positionals: [1, 1],
      options: {
        json,
        count: { type: "string", short: "n", description: "records per entity type (default 100)" },
        seed: { type: "string", description: "random seed, to repeat a run" },
      },
      async run(ctx) {
        const count = intOption(ctx, "count") ?? 100;
        const t0 = performance.now();
        const progress = seedProgress(ctx);
        let r: Record<string, number>;
        try {
          r = await seedApp(await ctx.services(), ctx.args[0]!, {
            count,
            seed: intOption(ctx, "seed"),
            actor: await ctx.actor(),
            onPlan: progress.onPlan,
            onProgress: progress.onProgress,
          });
        } finally {
          progress.end();
        }
        const ms = Math.round(performance.now() - t0);
        if (ctx.opts.json) return ctx.json({ app: ctx.args[0], created: r, ms });
        const made = Object.entries(r);
        // A model of many types gets a sum; a list of 300 counts says nothing more.
        const what =
          made.length <= 8
            ? made.map(([k, n]) => `${n} ${k}`).join(", ")
            : `${made.reduce((a, [, n]) => a + n, 0).toLocaleString("en-US")} records of ${made.length} entity types`;
        ctx.out(`seeded ${ctx.args[0]}: ${what} in ${(ms / 1000).toFixed(1)} s`);
      },
    },
    {
      name: "export",
      summary: "write an app's model, records and links as JSON",
      usage: "SLUG [--out FILE] [--json]",
      positionals: [1, 1],
      options: { json, out: { type: "string", short: "o", description: "file to write (default: stdout)" } },
      async run(ctx) {
        const x = await exportApp(await ctx.services(), ctx.args[0]!);
        await writeOutput(ctx, `${JSON.stringify(x, null, 1)}\n`, `exported ${x.entities.length} record(s) of ${x.app}`);
      },
    },
    {
      name: "import",
      summary: "load an app export into an app (created from the file's model if missing)",
      usage: "SLUG FILE [--json]",
      options: { json },
      positionals: [2, 2],
      async run(ctx) {
        const doc = await readJsonFile(ctx.args[1]!);
        const r = await importApp(await ctx.services(), ctx.args[0]!, doc, await ctx.actor());
        if (ctx.opts.json) return ctx.json(r);
        ctx.out(
          `${r.created ? "created" : "loaded into"} app ${r.app}: ${
            Object.entries(r.loaded)
              .map(([k, n]) => `${n} ${k}`)
              .join(", ") || "no records"
          }${r.links ? `, ${r.links} link(s)` : ""}`,
        );
      },
    },
    {
      name: "purge",
      summary: "remove data a model change left hidden (removed fields and entity types)",
      usage: "SLUG [--json]",
      positionals: [1, 1],
      options: { json },
      help: "A model change never deletes data: values of removed fields and records of removed entity types stay,\nhidden, and come back if the field or type is added again. purge removes them for good.",
      async run(ctx) {
        const r = await purgeHiddenData(await ctx.services(), ctx.args[0]!, await ctx.actor());
        if (ctx.opts.json) return ctx.json(r);
        const f = Object.entries(r.fieldsPurged).map(([k, n]) => `${n} ${k}`);
        const d = Object.entries(r.recordsDeleted).map(([k, n]) => `${n} ${k}`);
        ctx.out(
          !f.length && !d.length
            ? "nothing hidden to purge"
            : [f.length ? `removed hidden field values from ${f.join(", ")}` : "", d.length ? `deleted records of removed types: ${d.join(", ")}` : ""]
                .filter(Boolean)
                .join("; "),
        );
      },
    },
    {
      name: "delete",
      summary: "delete an app and all its data",
      usage: "SLUG [--json]",
      positionals: [1, 1],
      options: { json },
      async run(ctx) {
        await (await ctx.services()).apps.delete(ctx.args[0]!, await ctx.actor());
        if (ctx.opts.json) return ctx.json({ deleted: ctx.args[0] });
        ctx.out(`deleted app ${ctx.args[0]}`);
      },
    },
  ],
};

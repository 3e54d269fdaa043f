// `torque model …`: list, create, show, versions, export, import, validate, diff, rollback, delete.
import { existsSync } from "node:fs";
import { diffModels, formatDiff } from "../../model/diff";
import { isLegacyModel } from "../../model/legacy/convert";
import type { Model } from "../../model/schema";
import { canonicalModel, checkModel } from "../../services/models";
import { importModel } from "../../services/transfer";
import { type Command, type CommandContext, JSON_OPTION, UsageError } from "../command";
import { table } from "../table";
import { intOption, readJsonFile, writeOutput } from "./io";

const json = JSON_OPTION;

async function show(ctx: CommandContext) {
  const s = await ctx.services();
  const m = await s.models.get(ctx.args[0]!, intOption(ctx, "version"));
  if (ctx.opts.json) return ctx.json({ id: m.id, name: m.name, version: m.version, model: m.doc });
  const d = m.doc;
  const lines = [`${m.name}  (id ${m.id}, version ${m.version})`];
  if (d.description) lines.push(d.description);
  lines.push("", "Entities:");
  for (const e of d.entities)
    lines.push(`  ${e.name}${e.label ? ` (${e.label})` : ""}: ${e.fields.map((f) => `${f.name}:${f.type}${f.required ? "!" : ""}`).join(", ")}`);
  if (d.relationships?.length)
    lines.push("", "Relationships:", ...d.relationships.map((r) => `  ${r.name}: ${r.from} ${r.kind} ${r.to}${r.onDelete ? ` (onDelete ${r.onDelete})` : ""}`));
  if (d.pages?.length)
    lines.push("", "Pages:", ...d.pages.map((p) => `  ${p.name}${p.name === d.startPage ? " (start)" : ""}: ${p.components.length} component(s)`));
  if (d.xflows?.length) lines.push("", "XFlows:", ...d.xflows.map((x) => `  ${x.name} (${x.trigger?.type ?? "manual"})`));
  ctx.out(lines.join("\n"));
}

/** A diff side: a model file, or MODEL[@VERSION] in the database. */
async function side(ctx: CommandContext, ref: string): Promise<{ label: string; doc: Model }> {
  if (existsSync(ref) && !ref.includes("@")) {
    const doc = await readJsonFile(ref);
    return { label: ref, doc: canonicalModel(doc) as Model };
  }
  const at = ref.lastIndexOf("@");
  const id = at > 0 ? ref.slice(0, at) : ref;
  const v = at > 0 ? Number(ref.slice(at + 1)) : undefined;
  if (v !== undefined && !Number.isInteger(v)) throw new UsageError(`"${ref}": the version after @ must be a number`);
  const m = await (await ctx.services()).models.get(id, v);
  return { label: `${m.name}@${m.version}`, doc: m.doc };
}

export const modelCommand: Command = {
  name: "model",
  summary: "design models: list, create, show, versions, export, import, update, validate, diff, rollback, delete",
  usage: "COMMAND [ARGS]",
  subcommands: [
    {
      name: "list",
      summary: "list models with their version and apps",
      usage: "[--json]",
      options: { json },
      positionals: [0, 0],
      async run(ctx) {
        const list = await (await ctx.services()).models.list();
        if (ctx.opts.json) return ctx.json(list);
        ctx.out(
          list.length
            ? table(
                ["ID", "NAME", "VERSION", "APPS", "UPDATED"],
                list.map((m) => [m.id, m.name, m.version, m.apps.join(","), m.updatedAt]),
              )
            : "no models yet: try `torque model import FILE` or `torque model create NAME`",
        );
      },
    },
    {
      name: "create",
      summary: "create an empty model",
      usage: "NAME [--json]",
      options: { json },
      positionals: [1, 1],
      async run(ctx) {
        const m = await (await ctx.services()).models.create({ name: ctx.args[0], entities: [] }, await ctx.actor());
        if (ctx.opts.json) return ctx.json({ id: m.id, name: m.name, version: m.version });
        ctx.out(`created model ${m.name} (id ${m.id})`);
      },
    },
    {
      name: "show",
      summary: "describe a model (by id or name)",
      usage: "ID [--version N] [--json]",
      positionals: [1, 1],
      options: { json, version: { type: "string", description: "an older version" } },
      run: show,
    },
    {
      name: "versions",
      summary: "list the saved versions of a model",
      usage: "ID [--json]",
      options: { json },
      positionals: [1, 1],
      async run(ctx) {
        const v = await (await ctx.services()).models.versions(ctx.args[0]!);
        if (ctx.opts.json) return ctx.json(v);
        ctx.out(
          table(
            ["VERSION", "SAVED", "BY", "NOTE"],
            v.map((x) => [x.version, x.createdAt, x.actor, x.note]),
          ),
        );
      },
    },
    {
      name: "export",
      summary: "write a model as canonical JSON",
      usage: "ID [--version N] [--out FILE] [--json]",
      positionals: [1, 1],
      options: {
        json,
        out: { type: "string", short: "o", description: "file to write (default: stdout)" },
        version: { type: "string", description: "an older version" },
      },
      async run(ctx) {
        const m = await (await ctx.services()).models.get(ctx.args[0]!, intOption(ctx, "version"));
        await writeOutput(ctx, `${JSON.stringify(m.doc, null, 2)}\n`, `exported ${m.name} version ${m.version}`);
      },
    },
    {
      name: "import",
      summary: "import a model file (canonical or legacy Torque) and create its app",
      usage: "FILE [--name N] [--slug S] [--no-app] [--json]",
      positionals: [1, 1],
      help: "Imports a model file. Canonical files and files of the original (Rust) Torque are both read; the latter are\nconverted and a report lists what could not be represented. Unless --no-app, an app is created (slug from the\nmodel name, or --slug) and any sample data in the file is loaded into it.",
      options: {
        json,
        name: { type: "string", description: "name the model differently" },
        slug: { type: "string", description: "slug of the app to create" },
        "no-app": { type: "boolean", description: "import the model only" },
      },
      async run(ctx) {
        const doc = await readJsonFile(ctx.args[0]!);
        const r = await importModel(await ctx.services(), doc, {
          name: ctx.opts.name as string | undefined,
          slug: ctx.opts.slug as string | undefined,
          noApp: !!ctx.opts["no-app"],
          actor: await ctx.actor(),
        });
        if (ctx.opts.json)
          return ctx.json({
            model: { id: r.model.id, name: r.model.name, version: r.model.version },
            app: r.app ?? null,
            format: r.format,
            loaded: r.loaded,
            report: r.report,
          });
        ctx.out(`imported model ${r.model.name} (id ${r.model.id}) from a ${r.format} file`);
        if (r.app)
          ctx.out(
            `created app ${r.app}${
              Object.keys(r.loaded).length
                ? `; loaded ${Object.entries(r.loaded)
                    .map(([k, n]) => `${n} ${k}`)
                    .join(", ")}`
                : ""
            }`,
          );
        if (r.report.length) {
          ctx.out(`\nNot imported as is (${r.report.length}):`);
          for (const i of r.report) ctx.out(`  ${i.severity.padEnd(7)} ${i.path || "/"}: ${i.message}`);
        }
      },
    },
    {
      name: "validate",
      summary: "check a model file and list every problem with its JSON path",
      usage: "FILE [--json]",
      options: { json },
      positionals: [1, 1],
      async run(ctx) {
        const doc = await readJsonFile(ctx.args[0]!);
        const legacy = isLegacyModel(doc);
        const issues = checkModel(doc); // converts a legacy file first
        if (ctx.opts.json) ctx.json({ valid: issues.length === 0, format: legacy ? "legacy" : "canonical", issues });
        else if (!issues.length) ctx.out(`${ctx.args[0]}: valid${legacy ? " (legacy format; converts cleanly)" : ""}`);
        else {
          ctx.err(`${ctx.args[0]}: ${issues.length} problem(s)`);
          for (const i of issues) ctx.err(`  ${i.path || "/"}: ${i.message} [${i.rule}]`);
        }
        return issues.length ? 1 : 0;
      },
    },
    {
      name: "diff",
      summary: "what changed between two models (files or ID@VERSION)",
      usage: "A B [--json]",
      options: { json },
      positionals: [2, 2],
      help: "Compares two models. Each side is a model file, or a model in the database as ID or NAME with an optional\n@VERSION (default: the current version), e.g. `torque model diff todo@1 todo@3`.",
      async run(ctx) {
        const a = await side(ctx, ctx.args[0]!),
          b = await side(ctx, ctx.args[1]!);
        const d = diffModels(a.doc, b.doc);
        if (ctx.opts.json) return ctx.json({ from: a.label, to: b.label, ...d });
        ctx.out(d.identical ? `${a.label} and ${b.label} are identical` : [`--- ${a.label}`, `+++ ${b.label}`, ...formatDiff(d)].join("\n"));
      },
    },
    {
      name: "update",
      summary: "save a model file as the next version of an existing model",
      usage: "ID FILE [--expect-version N] [--json]",
      positionals: [2, 2],
      help: "Validates FILE and saves it as a new version of model ID (older versions stay, for diff and rollback).\nEvery app of the model follows it at once: indexes are adjusted; no data is deleted.",
      options: { json, "expect-version": { type: "string", description: "refuse if the model is no longer at this version" } },
      async run(ctx) {
        const doc = await readJsonFile(ctx.args[1]!);
        const m = await (await ctx.services()).models.save(ctx.args[0]!, doc, await ctx.actor(), {
          expectedVersion: intOption(ctx, "expect-version"),
          note: `from ${ctx.args[1]}`,
        });
        if (ctx.opts.json) return ctx.json({ id: m.id, name: m.name, version: m.version });
        ctx.out(`saved model ${m.name} as version ${m.version}`);
      },
    },
    {
      name: "rollback",
      summary: "restore an old version (saved as a new version)",
      usage: "ID VERSION [--json]",
      options: { json },
      positionals: [2, 2],
      async run(ctx) {
        const v = Number(ctx.args[1]);
        if (!Number.isInteger(v) || v < 1) throw new UsageError(`VERSION must be a version number, not "${ctx.args[1]}"`);
        const m = await (await ctx.services()).models.rollback(ctx.args[0]!, v, await ctx.actor());
        if (ctx.opts.json) return ctx.json({ id: m.id, name: m.name, version: m.version, restored: v });
        ctx.out(`model ${m.name} is now version ${m.version}, restored from version ${v}`);
      },
    },
    {
      name: "delete",
      summary: "delete a model and its history",
      usage: "ID [--with-apps] [--json]",
      positionals: [1, 1],
      options: { json, "with-apps": { type: "boolean", description: "also delete the apps that use it, with all their data" } },
      async run(ctx) {
        const r = await (await ctx.services()).models.delete(ctx.args[0]!, await ctx.actor(), { withApps: !!ctx.opts["with-apps"] });
        if (ctx.opts.json) return ctx.json({ deleted: r.name, appsDeleted: r.appsDeleted });
        ctx.out(`deleted model ${r.name}${r.appsDeleted.length ? ` and app(s) ${r.appsDeleted.join(", ")}` : ""}`);
      },
    },
  ],
};

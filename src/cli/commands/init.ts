// `torque init [DIR]`: a new project: torque.json, the database with its schema, a model
// from a template, an app of it and some sample records to look at.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { TorqueError } from "../../lib/errors";
import { TEMPLATE_NAMES, type TemplateName, templates } from "../../model/templates";
import { openServices } from "../../services";
import { seedApp } from "../../services/seed/seed";
import { type Command, UsageError } from "../command";
import { PROJECT_FILE } from "../config";

export const initCommand: Command = {
  name: "init",
  summary: "create a project: config, database and a sample app",
  usage: `[DIR] [--template ${TEMPLATE_NAMES.join("|")}] [--db URL]`,
  help: `Creates a Torque project in DIR (default: the current folder): ${PROJECT_FILE}, the database, a model from the\ntemplate (default todo), an app of it, and sample records (none for blank).`,
  positionals: [0, 1],
  options: {
    template: { type: "string", short: "t", description: `model to start from: ${TEMPLATE_NAMES.join(", ")} (default todo)` },
    json: { type: "boolean", description: "print the result as JSON" },
  },
  async run(ctx) {
    const template = (ctx.opts.template ?? "todo") as TemplateName;
    if (!TEMPLATE_NAMES.includes(template)) throw new UsageError(`unknown template "${template}"; choose one of ${TEMPLATE_NAMES.join(", ")}`);
    const dir = resolve(ctx.args[0] ?? ".");
    const configFile = join(dir, PROJECT_FILE);
    if (existsSync(configFile)) throw new TorqueError("conflict", `${configFile} exists: this folder already holds a Torque project`);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new TorqueError("conflict", `${dir} exists and is not a folder`);
    const db = typeof ctx.opts.db === "string" ? ctx.opts.db : process.env.TORQUE_DB || "torque.db";
    const dbPath = /^\w+:\/\//.test(db) ? db : resolve(dir, db);
    if (existsSync(dbPath)) throw new TorqueError("conflict", `${dbPath} exists; init makes a new database (use --db to choose another file)`);
    mkdirSync(dir, { recursive: true });
    const s = await openServices(dbPath);
    try {
      const model = await s.models.create(structuredClone(templates[template]), await ctx.actor(), `from template ${template}`);
      const app = await s.apps.create(model.id, template, await ctx.actor());
      const seeded = template === "blank" ? {} : await seedApp(s, app.slug, { count: 25, seed: 42, actor: await ctx.actor() });
      await Bun.write(configFile, `${JSON.stringify({ db, bind: "127.0.0.1:8080" }, null, 2)}\n`);
      if (ctx.opts.json) return ctx.json({ dir, db: dbPath, model: { id: model.id, name: model.name }, app: app.slug, seeded });
      ctx.out(`created a Torque project in ${dir}`);
      ctx.out(`  database  ${dbPath}`);
      ctx.out(`  model     ${model.name} (id ${model.id})`);
      ctx.out(
        `  app       ${app.slug}${
          Object.keys(seeded).length
            ? ` with ${Object.entries(seeded)
                .map(([k, n]) => `${n} ${k}`)
                .join(", ")}`
            : ""
        }`,
      );
    } finally {
      await s.close();
    }
  },
};

// `torque migrate-data --from SOURCE --to TARGET`: copy a whole project between databases
// (a SQLite file or a postgres:// URL on either side) and verify the copy.
import { migrateData } from "../../services/system";
import { type Command, JSON_OPTION, UsageError } from "../command";
import { resolveDb } from "../config";
import { copyProgress, printCopyReport } from "./copy-progress";

export const migrateDataCommand: Command = {
  name: "migrate-data",
  summary: "copy a whole project to another, empty database (SQLite file or PostgreSQL URL) and verify it",
  usage: "--to TARGET [--from SOURCE] [--json]",
  help: [
    "Copies everything a project holds from SOURCE into TARGET: models with every version, apps (with their ids),",
    "records (ids, versions and timestamps kept), relationship links, workflow runs, the audit log, seeds in",
    "progress and schedule claims. Each side is a SQLite file path or a postgres:// URL, in any combination.",
    "",
    "The source is only read, in one consistent snapshot, while servers may go on writing to it; its schema must",
    "be up to date (`torque migrate --db SOURCE`). The target must be empty: a database that holds data is",
    "refused and left as it is (a new SQLite file is created). The target's indexes, full-text tables and",
    "rollups are rebuilt from the models. Every table is then read back from the target and its row count and",
    "SHA-256 checksum compared with the source's; any difference fails the command naming the table.",
    "",
    "SOURCE defaults to the project's database (--db, TORQUE_DB or torque.json).",
  ].join("\n"),
  positionals: [0, 0],
  options: {
    from: { type: "string", description: "the database to copy (default: the project's)" },
    to: { type: "string", description: "the empty database to copy into: a new SQLite file or a postgres:// URL" },
    json: JSON_OPTION,
  },
  async run(ctx) {
    const to = ctx.opts.to;
    if (typeof to !== "string" || !to) throw new UsageError("--to TARGET is required");
    const from = typeof ctx.opts.from === "string" && ctx.opts.from ? ctx.opts.from : resolveDb(ctx.opts.db as string | undefined);
    const progress = copyProgress(ctx);
    try {
      const r = await migrateData(from, to, { onProgress: progress.onProgress });
      progress.end();
      const rows = r.tables.reduce((n, t) => n + t.rows, 0);
      printCopyReport(ctx, r, `copied ${r.from} to ${r.to}: ${rows} row(s) in ${(r.ms / 1000).toFixed(1)} s`);
    } finally {
      progress.end();
    }
  },
};

// `torque backup FILE`: a consistent copy of the database in a new SQLite file, taken while
// a server may be writing (SQLite: VACUUM INTO; PostgreSQL: the copier of `migrate-data`).
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { TorqueError } from "../../lib/errors";
import { type Command, JSON_OPTION } from "../command";
import { copyProgress } from "./copy-progress";

export const backupCommand: Command = {
  name: "backup",
  summary: "write a consistent online copy of the database to a new SQLite FILE",
  usage: "FILE [--json]",
  help: "Writes a consistent copy of the whole database to the new SQLite file FILE while others keep writing.\nOf a PostgreSQL database the copy is made as `torque migrate-data --to FILE` makes it, verified table by table.",
  positionals: [1, 1],
  options: { json: JSON_OPTION },
  async run(ctx) {
    const target = ctx.args[0]!;
    if (existsSync(target)) throw new TorqueError("conflict", `${target} already exists; choose a new file name`);
    if (!existsSync(dirname(resolve(target)))) throw new TorqueError("not_found", `folder ${dirname(resolve(target))} does not exist`);
    const s = await ctx.services();
    const t0 = performance.now();
    const progress = copyProgress(ctx);
    let copy: Awaited<ReturnType<typeof s.system.backup>>;
    try {
      copy = await s.system.backup(target, { onProgress: progress.onProgress });
    } finally {
      progress.end();
    }
    const ms = Math.round(performance.now() - t0);
    const database = s.system.info().location;
    if (ctx.opts.json) return ctx.json({ database, backup: target, ms, ...(copy && { tables: copy.tables, rebuilt: copy.rebuilt }) });
    ctx.out(`backed up ${database} to ${target} in ${ms} ms${copy ? ` (${copy.tables.reduce((n, t) => n + t.rows, 0)} rows, verified)` : ""}`);
  },
};

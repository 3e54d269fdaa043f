// `torque backup FILE`: a consistent copy of the database, taken while a server may be writing.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { TorqueError } from "../../lib/errors";
import { type Command, JSON_OPTION } from "../command";

export const backupCommand: Command = {
  name: "backup",
  summary: "write a consistent online copy of the database to FILE",
  usage: "FILE [--json]",
  positionals: [1, 1],
  options: { json: JSON_OPTION },
  async run(ctx) {
    const target = ctx.args[0]!;
    if (existsSync(target)) throw new TorqueError("conflict", `${target} already exists; choose a new file name`);
    if (!existsSync(dirname(resolve(target)))) throw new TorqueError("not_found", `folder ${dirname(resolve(target))} does not exist`);
    const s = await ctx.services();
    const t0 = performance.now();
    await s.system.backup(target);
    const ms = Math.round(performance.now() - t0);
    const database = s.system.info().location;
    if (ctx.opts.json) return ctx.json({ database, backup: target, ms });
    ctx.out(`backed up ${database} to ${target} in ${ms} ms`);
  },
};

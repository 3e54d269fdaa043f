// `torque migrate`: apply, revert or list the system schema migrations in schema/migrations.

import { openSchema } from "../../services/system";
import { type Command, UsageError } from "../command";
import { resolveDb } from "../config";
import { table } from "../table";

export const migrateCommand: Command = {
  name: "migrate",
  summary: "apply (--up, the default), revert (--down) or list (--status) system schema migrations",
  usage: "[--up|--down|--status] [--json]",
  help: "Applies pending system schema migrations (idempotent; every command also applies them on start).\n--down reverts the latest one: for migration 1 that drops every system table and all data.",
  positionals: [0, 0],
  options: {
    up: { type: "boolean", description: "apply pending migrations (default)" },
    down: { type: "boolean", description: "revert the latest applied migration" },
    status: { type: "boolean", description: "list migrations and whether each is applied" },
    json: { type: "boolean", description: "print data as JSON" },
  },
  async run(ctx) {
    const modes = ["up", "down", "status"].filter((m) => ctx.opts[m]);
    if (modes.length > 1) throw new UsageError(`choose one of --up, --down, --status (got ${modes.map((m) => `--${m}`).join(" ")})`);
    const schema = await openSchema(resolveDb(ctx.opts.db as string | undefined));
    try {
      if (ctx.opts.status) {
        const st = await schema.status();
        if (ctx.opts.json) return ctx.json(st);
        ctx.out(
          table(
            ["VERSION", "NAME", "STATUS", "APPLIED"],
            st.map((s) => [s.version, s.name, s.applied ? "applied" : "pending", s.appliedAt]),
          ),
        );
      } else if (ctx.opts.down) {
        const v = await schema.down();
        if (ctx.opts.json) return ctx.json({ reverted: v });
        ctx.out(v === null ? "nothing to revert" : `reverted migration ${v}`);
      } else {
        const done = await schema.up();
        if (ctx.opts.json) return ctx.json({ applied: done });
        ctx.out(done.length ? `applied migration(s) ${done.join(", ")}` : "database is up to date");
      }
    } finally {
      await schema.close();
    }
  },
};

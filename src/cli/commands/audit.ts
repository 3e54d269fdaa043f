// `torque audit …`: read the audit log (every change and every refused attempt, with who,
// through which door, before and after) and set how long it is kept.
import { type Command, JSON_OPTION, UsageError } from "../command";
import { table } from "../table";
import { intOption } from "./io";

const json = JSON_OPTION;

export const auditCommand: Command = {
  name: "audit",
  summary: "the audit log: list, retention, prune",
  usage: "COMMAND [ARGS]",
  subcommands: [
    {
      name: "list",
      summary: "entries, newest first",
      usage: "[--app S] [--entity TYPE] [--id ID] [--actor KIND[:ID]] [--action A|PREFIX*] [--door D] [--since T] [--until T] [--limit N] [--json]",
      help: "--action denied.* lists refused attempts; --door is one of cli, rpc, ws, graphql, mcp, webhook, schedule, workflow, http.",
      positionals: [0, 0],
      options: {
        json,
        app: { type: "string", description: "one app's entries" },
        entity: { type: "string", description: "one entity type's entries" },
        id: { type: "string", description: "one record's entries" },
        actor: { type: "string", description: "user, token, agent, workflow, cli or system, optionally :ID" },
        action: { type: "string", description: "an action (entity.update), or a prefix ending in * (denied.*)" },
        door: { type: "string", description: "the door the change came through" },
        since: { type: "string", description: "from this time on (ISO 8601)" },
        until: { type: "string", description: "before this time (ISO 8601)" },
        limit: { type: "string", short: "n", description: "how many (default 100, at most 1,000)" },
      },
      async run(ctx) {
        const o = ctx.opts as Record<string, string | undefined>;
        const entries = await (await ctx.services()).audit.query(
          {
            app: o.app,
            entityType: o.entity,
            entityId: o.id,
            actor: o.actor,
            action: o.action,
            door: o.door,
            since: o.since,
            until: o.until,
            limit: intOption(ctx, "limit"),
          },
          await ctx.actor(),
        );
        if (ctx.opts.json) return ctx.json(entries);
        ctx.out(
          entries.length
            ? table(
                ["AT", "ACTOR", "DOOR", "ACTION", "ENTITY", "ID"],
                entries.map((e) => [
                  e.at,
                  e.actor.id ? `${e.actor.kind}:${e.actor.id}` : e.actor.kind,
                  e.door ?? "",
                  e.action,
                  e.entityType ?? "",
                  e.entityId ?? "",
                ]),
              )
            : "no entries",
        );
      },
    },
    {
      name: "retention",
      summary: "show or set how many days entries are kept (off: for ever)",
      usage: "[DAYS|off] [--json]",
      positionals: [0, 1],
      options: { json },
      async run(ctx) {
        const s = await ctx.services();
        const arg = ctx.args[0];
        if (arg === undefined) {
          const days = await s.audit.retention(await ctx.actor());
          if (ctx.opts.json) return ctx.json({ days: days ?? null });
          return ctx.out(days === undefined ? "audit entries are kept for ever" : `audit entries are kept ${days} days`);
        }
        if (arg !== "off" && !/^\d+$/.test(arg)) throw new UsageError(`retention takes a number of days or "off", not "${arg}"`);
        const pruned = await s.audit.setRetention(arg === "off" ? null : Number(arg), await ctx.actor());
        if (ctx.opts.json) return ctx.json({ days: arg === "off" ? null : Number(arg), removed: pruned });
        ctx.out(
          `${arg === "off" ? "audit entries are kept for ever" : `audit entries are kept ${arg} days`}${pruned ? `; ${pruned} older entries removed` : ""}`,
        );
      },
    },
    {
      name: "prune",
      summary: "remove entries older than the retention now (a server does it daily)",
      usage: "[--json]",
      positionals: [0, 0],
      options: { json },
      async run(ctx) {
        const n = await (await ctx.services()).audit.prune();
        if (ctx.opts.json) return ctx.json({ removed: n });
        ctx.out(`${n} entries removed`);
      },
    },
  ],
};

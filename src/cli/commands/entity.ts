// `torque entity …`: records of an app from the command line, through the same entity
// service as every API (validation, workflows, audit as the CLI user).
import { parseJson } from "../../lib/json";
import { type Command, type CommandContext, JSON_OPTION, UsageError } from "../command";
import { table } from "../table";
import { intOption } from "./io";

const json = JSON_OPTION;
const data = { type: "string", short: "d", description: "field values as a JSON object" } as const;

function dataOf(ctx: CommandContext): unknown {
  if (typeof ctx.opts.data !== "string") throw new UsageError("--data JSON is required");
  return parseJson(ctx.opts.data, "--data");
}

/** Records are printed as JSON with or without --json (which every data command accepts). */
const print = (ctx: CommandContext, v: unknown) => ctx.json(v);

export const entityCommand: Command = {
  name: "entity",
  summary: "records of an app: list, get, create, update, delete",
  usage: "COMMAND APP ENTITY [ARGS]",
  subcommands: [
    {
      name: "list",
      summary: "records, filtered and sorted (a page; --cursor for the next)",
      usage: "APP ENTITY [--filter JSON] [--sort FIELD|-FIELD] [--limit N] [--cursor C] [--json]",
      positionals: [2, 2],
      options: {
        json,
        filter: { type: "string", short: "f", description: 'JSON filter, e.g. {"status":"open"}' },
        sort: { type: "string", short: "s", description: "field to sort by; a leading - sorts descending" },
        limit: { type: "string", short: "n", description: "page size (default 50)" },
        cursor: { type: "string", description: "nextCursor of the previous page" },
      },
      async run(ctx) {
        const page = await (await ctx.services()).entities.query(
          ctx.args[0]!,
          ctx.args[1]!,
          {
            filter: typeof ctx.opts.filter === "string" ? parseJson(ctx.opts.filter, "--filter") : undefined,
            sort: typeof ctx.opts.sort === "string" ? [ctx.opts.sort] : undefined,
            limit: intOption(ctx, "limit"),
            cursor: ctx.opts.cursor as string | undefined,
          },
          await ctx.actor(),
        );
        if (ctx.opts.json) return print(ctx, page);
        const fields = [...new Set(page.data.flatMap((r) => Object.keys(r.data)))].slice(0, 6);
        ctx.out(
          table(
            ["ID", ...fields.map((f) => f.toUpperCase())],
            page.data.map((r) => [
              r.id,
              ...fields.map((f) => {
                const v = Object.hasOwn(r.data, f) ? r.data[f] : undefined;
                return v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v).slice(0, 40);
              }),
            ]),
          ),
        );
        if (page.pagination.nextCursor) ctx.err(`more: --cursor ${page.pagination.nextCursor}`);
      },
    },
    {
      name: "get",
      summary: "one record as JSON",
      usage: "APP ENTITY ID [--json]",
      positionals: [3, 3],
      options: { json },
      async run(ctx) {
        print(ctx, await (await ctx.services()).entities.get(ctx.args[0]!, ctx.args[1]!, ctx.args[2]!, {}, await ctx.actor()));
      },
    },
    {
      name: "create",
      summary: "create a record; prints it as JSON",
      usage: "APP ENTITY --data JSON [--json]",
      positionals: [2, 2],
      options: { json, data },
      async run(ctx) {
        print(ctx, await (await ctx.services()).entities.create(ctx.args[0]!, ctx.args[1]!, dataOf(ctx), { actor: await ctx.actor(), lenient: true }));
      },
    },
    {
      name: "update",
      summary: "change fields of a record (null clears one); prints it as JSON",
      usage: "APP ENTITY ID --data JSON [--expect-version N] [--json]",
      positionals: [3, 3],
      options: { json, data, "expect-version": { type: "string", description: "refuse if the record changed since this version" } },
      async run(ctx) {
        print(
          ctx,
          await (await ctx.services()).entities.update(ctx.args[0]!, ctx.args[1]!, ctx.args[2]!, dataOf(ctx), {
            actor: await ctx.actor(),
            lenient: true,
            expectedVersion: intOption(ctx, "expect-version"),
          }),
        );
      },
    },
    {
      name: "delete",
      summary: "delete a record (relationships' onDelete rules apply)",
      usage: "APP ENTITY ID [--json]",
      positionals: [3, 3],
      options: { json },
      async run(ctx) {
        print(ctx, await (await ctx.services()).entities.delete(ctx.args[0]!, ctx.args[1]!, ctx.args[2]!, { actor: await ctx.actor() }));
      },
    },
  ],
};

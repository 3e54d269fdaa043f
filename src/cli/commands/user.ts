// `torque user …` and `torque token …`: the people who sign in, and the tokens programs and
// agents use. The command line opens the database itself, so it acts with every right
// (whoever can read the file holds the data anyway); this is how the first admin is made.
import { ROLES } from "../../model/schema";
import { type Command, type CommandContext, JSON_OPTION, UsageError } from "../command";
import { table } from "../table";
import { intOption } from "./io";

const json = JSON_OPTION;
const passwordStdin = { type: "boolean" as const, description: "read the password from standard input (one line) instead of asking" };

/** A password: one line of stdin with --password-stdin, else asked on the terminal without echo. */
async function readPassword(ctx: CommandContext, prompt: string): Promise<string> {
  if (ctx.opts["password-stdin"]) {
    const text = await Bun.stdin.text();
    return text.replace(/\r?\n$/, "");
  }
  if (!process.stdin.isTTY) throw new UsageError("no terminal to ask for the password on: pipe it in with --password-stdin");
  const ask = async (p: string) => {
    process.stderr.write(p);
    process.stdin.setRawMode(true);
    let pw = "";
    try {
      for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n") return pw;
          if (ch === "\u0003") throw new UsageError("cancelled");
          if (ch === "\u007f" || ch === "\b") pw = pw.slice(0, -1);
          else pw += ch;
        }
      }
      return pw;
    } finally {
      process.stdin.setRawMode(false);
      process.stdin.pause();
      process.stderr.write("\n");
    }
  };
  const first = await ask(prompt);
  if ((await ask("again: ")) !== first) throw new UsageError("the two passwords differ");
  return first;
}

const roleOption = { type: "string" as const, description: `${ROLES.join(", ")}` };

export const userCommand: Command = {
  name: "user",
  summary: "people who sign in: add, list, passwd, signout, role, remove",
  usage: "COMMAND [ARGS]",
  subcommands: [
    {
      name: "add",
      summary: "add a user (the first admin lets the server listen beyond the loopback)",
      usage: "NAME --role admin|editor|viewer [--password-stdin] [--json]",
      positionals: [1, 1],
      options: { json, role: roleOption, "password-stdin": passwordStdin },
      async run(ctx) {
        if (typeof ctx.opts.role !== "string") throw new UsageError(`--role is required: one of ${ROLES.join(", ")}`);
        const s = await ctx.services();
        const pw = await readPassword(ctx, `password for ${ctx.args[0]}: `);
        const u = await s.users.add(ctx.args[0], pw, ctx.opts.role, await ctx.actor());
        if (ctx.opts.json) return ctx.json(u);
        ctx.out(`added ${u.role} ${u.name}`);
      },
    },
    {
      name: "list",
      summary: "list users and their roles",
      usage: "[--json]",
      positionals: [0, 0],
      options: { json },
      async run(ctx) {
        const users = await (await ctx.services()).users.list(await ctx.actor());
        if (ctx.opts.json) return ctx.json(users);
        ctx.out(
          users.length
            ? table(
                ["NAME", "ROLE", "CREATED"],
                users.map((u) => [u.name, u.role, u.createdAt]),
              )
            : "no users yet: a server on the loopback runs without sign-in; `torque user add NAME --role admin` adds the first",
        );
      },
    },
    {
      name: "passwd",
      summary: "set a user's password (their sessions end)",
      usage: "NAME [--password-stdin] [--json]",
      positionals: [1, 1],
      options: { json, "password-stdin": passwordStdin },
      async run(ctx) {
        const s = await ctx.services();
        await s.users.setPassword(ctx.args[0], await readPassword(ctx, `new password for ${ctx.args[0]}: `), await ctx.actor());
        if (ctx.opts.json) return ctx.json({ name: ctx.args[0], passwordChanged: true });
        ctx.out(`password of ${ctx.args[0]} changed; their sessions have ended`);
      },
    },
    {
      name: "signout",
      summary: "end every session of a user (they sign in again; tokens stay)",
      usage: "NAME [--json]",
      positionals: [1, 1],
      options: { json },
      async run(ctx) {
        const n = await (await ctx.services()).users.endSessions(ctx.args[0], await ctx.actor());
        if (ctx.opts.json) return ctx.json({ name: ctx.args[0], sessionsEnded: n });
        ctx.out(`ended ${n} session${n === 1 ? "" : "s"} of ${ctx.args[0]}`);
      },
    },
    {
      name: "role",
      summary: "change a user's role",
      usage: "NAME ROLE [--json]",
      positionals: [2, 2],
      options: { json },
      async run(ctx) {
        const u = await (await ctx.services()).users.setRole(ctx.args[0], ctx.args[1], await ctx.actor());
        if (ctx.opts.json) return ctx.json(u);
        ctx.out(`${u.name} is now ${u.role}`);
      },
    },
    {
      name: "remove",
      summary: "remove a user with their sessions and tokens",
      usage: "NAME [--json]",
      positionals: [1, 1],
      options: { json },
      async run(ctx) {
        await (await ctx.services()).users.remove(ctx.args[0], await ctx.actor());
        if (ctx.opts.json) return ctx.json({ name: ctx.args[0], removed: true });
        ctx.out(`removed ${ctx.args[0]}`);
      },
    },
  ],
};

export const tokenCommand: Command = {
  name: "token",
  summary: "API tokens for programs and agents: create, list, revoke",
  usage: "COMMAND [ARGS]",
  subcommands: [
    {
      name: "create",
      summary: "create a token for a user (shown once: store it now)",
      usage: "USER --name NAME [--role ROLE] [--app SLUG,…] [--days N] [--json]",
      help: "The token acts with the user's rights, or fewer: --role lowers them, --app limits them to some apps.\nSend it as `Authorization: Bearer <token>` to /rpc, /graphql, /ws and /mcp.",
      positionals: [1, 1],
      options: {
        json,
        name: { type: "string", description: "what the token is for (e.g. ci, claude)" },
        role: { type: "string", description: "at most the user's role (default: the user's)" },
        app: { type: "string", description: "limit the token to these apps (comma-separated slugs)" },
        days: { type: "string", description: "days until it expires (default 90)" },
      },
      async run(ctx) {
        if (typeof ctx.opts.name !== "string") throw new UsageError("--name is required: what the token is for");
        const apps = typeof ctx.opts.app === "string" ? ctx.opts.app.split(",").map((a) => a.trim()) : undefined;
        const r = await (await ctx.services()).users.createToken(
          { user: ctx.args[0], name: ctx.opts.name, role: ctx.opts.role, apps, expiresInDays: intOption(ctx, "days") },
          await ctx.actor(),
        );
        if (ctx.opts.json) return ctx.json({ token: r.token, ...r.info });
        ctx.out(r.token);
        ctx.err(
          `token ${r.info.id} for ${r.info.user} (${r.info.role}${r.info.apps ? `, apps ${r.info.apps.join(", ")}` : ""}), expires ${r.info.expiresAt}; it is not shown again`,
        );
      },
    },
    {
      name: "list",
      summary: "list tokens (never their secret)",
      usage: "[USER] [--json]",
      positionals: [0, 1],
      options: { json },
      async run(ctx) {
        const tokens = await (await ctx.services()).users.listTokens(ctx.args[0], await ctx.actor());
        if (ctx.opts.json) return ctx.json(tokens);
        ctx.out(
          tokens.length
            ? table(
                ["ID", "NAME", "USER", "ROLE", "APPS", "EXPIRES", "LAST USED", "STATE"],
                tokens.map((t) => [
                  t.id,
                  t.name,
                  t.user,
                  t.role,
                  t.apps?.join(",") ?? "all",
                  t.expiresAt ?? "",
                  t.usedAt ?? "never",
                  t.revoked ? "revoked" : "active",
                ]),
              )
            : "no tokens",
        );
      },
    },
    {
      name: "revoke",
      summary: "revoke a token by its id",
      usage: "ID [--json]",
      positionals: [1, 1],
      options: { json },
      async run(ctx) {
        await (await ctx.services()).users.revokeToken(ctx.args[0], await ctx.actor());
        if (ctx.opts.json) return ctx.json({ id: ctx.args[0], revoked: true });
        ctx.out(`revoked token ${ctx.args[0]}`);
      },
    },
  ],
};

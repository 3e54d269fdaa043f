// The command line: finds the command, parses its arguments, runs it and maps the
// outcome to an exit code: 0 success, 1 failure (one line on stderr), 2 bad usage.
import { TorqueError } from "../lib/errors";
import { openServices, type Services } from "../services";
import { cliActor } from "../services/actor";
import { VERSION } from "../version";
import { type Command, type CommandContext, GLOBAL_OPTIONS, helpText, parse, UsageError } from "./command";
import { appCommand } from "./commands/app";
import { auditCommand } from "./commands/audit";
import { backupCommand } from "./commands/backup";
import { entityCommand } from "./commands/entity";
import { initCommand } from "./commands/init";
import { mcpCommand } from "./commands/mcp";
import { migrateCommand } from "./commands/migrate";
import { migrateDataCommand } from "./commands/migrate-data";
import { modelCommand } from "./commands/model";
import { serverCommand } from "./commands/server";
import { tokenCommand, userCommand } from "./commands/user";
import { xflowCommand } from "./commands/xflow";
import { resolveDb } from "./config";

export const rootCommand: Command = {
  name: "torque",
  summary: "Torque: a model-driven application platform in one executable.",
  usage: "[--db FILE] COMMAND [ARGS]",
  subcommands: [
    initCommand,
    migrateCommand,
    serverCommand,
    modelCommand,
    appCommand,
    entityCommand,
    xflowCommand,
    mcpCommand,
    userCommand,
    tokenCommand,
    auditCommand,
    backupCommand,
    migrateDataCommand,
  ],
};

export async function runCli(argv: string[]): Promise<number> {
  if (argv[0] === "--version" || argv[0] === "-v") {
    console.log(`torque ${VERSION}`);
    return 0;
  }
  let cmd = rootCommand;
  let path = "torque";
  let rest = argv;
  // Global options may come before the command too (`torque --db F app list`): they are
  // moved after it, where the command's own parser reads them.
  const globals: string[] = [];
  // Walk down sub-commands: `torque model import FILE` → model → import.
  while (cmd.subcommands) {
    const taken = leadingGlobal(rest);
    if (taken) {
      globals.push(...rest.slice(0, taken));
      rest = rest.slice(taken);
      continue;
    }
    const name = rest[0];
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      (name === undefined ? console.error : console.log)(helpText(cmd, path));
      return name === undefined ? 2 : 0;
    }
    const next = cmd.subcommands.find((c) => c.name === name);
    if (!next) {
      console.error(`${path}: unknown command "${name}"\nRun '${path} --help' to see the commands.`);
      return 2;
    }
    cmd = next;
    path += ` ${name}`;
    rest = rest.slice(1);
  }
  rest = [...rest, ...globals];
  let services: Services | undefined;
  // The server owns its services and closes them itself when it stops.
  try {
    const { opts, args } = parse(cmd, rest);
    if (opts.help) {
      console.log(helpText(cmd, path));
      return 0;
    }
    const [min, max] = cmd.positionals ?? [0, 0];
    if (args.length < min) throw new UsageError(`missing argument(s): ${cmd.usage}`, cmd);
    if (args.length > max) throw new UsageError(`unexpected argument "${args[max]}"`, cmd);
    const ctx: CommandContext = {
      args,
      opts,
      services: async () => (services ??= await openServices(resolveDb(opts.db as string | undefined))),
      async actor() {
        if (typeof opts.as !== "string") return cliActor;
        const grant = await (await this.services()).users.grantOf(opts.as, "--as");
        return { kind: "user", id: grant.user, door: "cli", grant };
      },
      out: (t) => console.log(t),
      json: (v) => console.log(JSON.stringify(v, null, 2)),
      err: (t) => console.error(t),
    };
    return (await cmd.run!(ctx)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${path}: ${e.message}\nUsage: ${path} ${cmd.usage}`);
      return 2;
    }
    console.error(`torque: ${oneLine(e)}`);
    if (process.env.TORQUE_DEBUG && e instanceof Error) console.error(e.stack);
    return 1;
  } finally {
    await services?.close();
  }
}

/** How many words at the start of `argv` are a global option taking a value (`--db F`, `--db=F`): 0 when none. */
function leadingGlobal(argv: string[]): number {
  const a = argv[0];
  for (const [name, o] of Object.entries(GLOBAL_OPTIONS)) {
    if (o.type !== "string") continue;
    if (a === `--${name}`) return Math.min(argv.length, 2); // alone: its missing value is a usage error
    if (a?.startsWith(`--${name}=`)) return 1;
  }
  return 0;
}

function oneLine(e: unknown): string {
  if (e instanceof TorqueError) return e.message.replace(/\s*\n\s*/g, " ");
  const msg = e instanceof Error ? e.message : String(e);
  return `internal error: ${msg.replace(/\s*\n\s*/g, " ")}`;
}

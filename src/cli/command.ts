// A tiny command framework over node:util parseArgs: each command declares its options,
// positional arguments and help; unknown flags and missing arguments are usage errors
// (exit 2), failures of the work itself exit 1 with a one-line reason.
import { parseArgs } from "node:util";
import type { Services } from "../services";
import type { Actor } from "../services/actor";

export type OptionSpec = { type: "string" | "boolean"; short?: string; description: string; default?: string | boolean };

export interface CommandContext {
  args: string[];
  opts: Record<string, string | boolean | undefined>;
  /** Opens the database (once) named by --db, TORQUE_DB or the project file. */
  services(): Promise<Services>;
  /** Who acts: the command line itself (every right), or the user named by --as, with that user's rights. */
  actor(): Promise<Actor>;
  out(text: string): void;
  json(value: unknown): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Longer help shown by `torque COMMAND --help`. */
  help?: string;
  options?: Record<string, OptionSpec>;
  /** Number of positional arguments: [min, max]. */
  positionals?: [number, number];
  /** Sub-commands (model list, app seed, …); a command has either these or run. */
  subcommands?: Command[];
  run?(ctx: CommandContext): Promise<number | void>;
}

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

/** The --json flag of every command whose output is data. */
export const JSON_OPTION: OptionSpec = { type: "boolean", description: "print data as JSON" };

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  db: { type: "string", description: "database: a SQLite file path (default: the project's, else ./torque.db)" },
  as: { type: "string", description: "act as this user, with their rights (default: every right, as the database's owner)" },
  help: { type: "boolean", short: "h", description: "show help" },
};

/**
 * parseArgs reads `--sort -prio` as two options and refuses it (only `--sort=-prio` works).
 * Here the word after an option that takes a value is its value even when it starts with
 * "-" (a descending sort, a negative number), unless it is itself one of the command's
 * options: `--sort --json` stays a usage error rather than sorting by "--json".
 */
function attachDashValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const flags = new Map<string, [name: string, takesValue: boolean]>();
  for (const [name, o] of Object.entries(options)) {
    flags.set(`--${name}`, [name, o.type === "string"]);
    if (o.short) flags.set(`-${o.short}`, [name, o.type === "string"]);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!,
      next = argv[i + 1];
    if (a === "--") return out.concat(argv.slice(i));
    const flag = flags.get(a);
    if (flag?.[1] && next?.startsWith("-") && next !== "--" && !flags.has(next.split("=")[0]!)) {
      out.push(`--${flag[0]}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parse(cmd: Command, argv: string[]) {
  const options = { ...GLOBAL_OPTIONS, ...cmd.options };
  let parsed;
  try {
    parsed = parseArgs({
      args: attachDashValues(argv, options),
      options: Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short && { short: o.short }) }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ""), cmd);
  }
  return { opts: parsed.values as Record<string, string | boolean | undefined>, args: parsed.positionals };
}

export function helpText(cmd: Command, path: string): string {
  const lines = [`Usage: ${path} ${cmd.usage}`.trimEnd(), "", cmd.help ?? cmd.summary];
  if (cmd.subcommands) {
    lines.push("", "Commands:");
    const w = Math.max(...cmd.subcommands.map((c) => c.name.length));
    for (const c of cmd.subcommands) lines.push(`  ${c.name.padEnd(w)}  ${c.summary}`);
    lines.push("", `Run '${path} COMMAND --help' for more.`);
  }
  const opts = { ...cmd.options, ...GLOBAL_OPTIONS };
  lines.push("", "Options:");
  for (const [k, o] of Object.entries(opts)) {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${k}${o.type === "string" ? " VALUE" : ""}`;
    lines.push(`  ${flag.padEnd(24)} ${o.description}`);
  }
  return lines.join("\n");
}

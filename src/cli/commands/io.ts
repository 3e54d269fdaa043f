// File input and output shared by the commands.
import { TorqueError } from "../../lib/errors";
import { parseJson } from "../../lib/json";
import { type CommandContext, UsageError } from "../command";

const MAX_FILE_BYTES = 512 * 1024 * 1024;

export async function readJsonFile(path: string): Promise<unknown> {
  const f = Bun.file(path);
  if (!(await f.exists())) throw new TorqueError("not_found", `file ${path} does not exist`);
  if (f.size > MAX_FILE_BYTES) throw new TorqueError("bad_request", `file ${path} is larger than ${MAX_FILE_BYTES >> 20} MiB`);
  return parseJson(await f.text(), path);
}

/** Write to --out FILE (and say so: on stderr, or as JSON on stdout with --json) or to stdout. */
export async function writeOutput(ctx: CommandContext, text: string, done: string): Promise<void> {
  const out = ctx.opts.out;
  if (typeof out === "string") {
    const bytes = await Bun.write(out, text);
    if (ctx.opts.json) ctx.json({ out, bytes });
    else ctx.err(`${done} to ${out}`);
  } else process.stdout.write(text);
}

export function intOption(ctx: CommandContext, name: string, min = 1): number | undefined {
  const v = ctx.opts[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || n < min) throw new UsageError(`--${name} takes a whole number ≥ ${min}, not "${v}"`);
  return n;
}

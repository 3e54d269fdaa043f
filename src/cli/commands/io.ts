// File input and output shared by the commands.
import { type Stats, statSync } from "node:fs";
import { TorqueError } from "../../lib/errors";
import { parseJson } from "../../lib/json";
import { type CommandContext, UsageError } from "../command";

const MAX_FILE_BYTES = 512 * 1024 * 1024;

/** Read a JSON file, saying what is wrong when it cannot be: missing, not a regular file (/dev/zero), empty, too large, not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    throw new TorqueError("not_found", `file ${path} does not exist`);
  }
  if (!st.isFile())
    throw new TorqueError("bad_request", `${path} is not a regular file (${st.isDirectory() ? "a folder" : "a device, pipe or socket"}); give a JSON file`);
  if (st.size === 0) throw new TorqueError("bad_request", `file ${path} is empty; expected JSON`);
  if (st.size > MAX_FILE_BYTES) throw new TorqueError("bad_request", `file ${path} is larger than ${MAX_FILE_BYTES >> 20} MiB`);
  return parseJson(await Bun.file(path).text(), `file ${path}`);
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

/**
 * A whole-number option. One rule for every such option: text that is not a whole number
 * ("ten", "1.5") is a usage error (exit 2); a whole number is handed to the service, whose
 * range check refuses one out of range with the same sentence at every door (exit 1):
 * `--limit -1` and `--limit 1001` alike say "limit must be a whole number from 1 to 1,000".
 */
export function intOption(ctx: CommandContext, name: string): number | undefined {
  const v = ctx.opts[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw new UsageError(`--${name} takes a whole number, not "${v}"`);
  return Number(v);
}

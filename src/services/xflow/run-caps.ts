// Size caps of a stored workflow run: every field a script or caller controls (input,
// output, error, each node's error and logs) is cut to a byte budget with a marker that
// says so, so one run cannot put megabytes into the history (a 10 MB error message was
// stored before). Pure functions; runs.ts applies them before a record is kept.
import type { NodeRun, RunRecord } from "../../xflow/types";

/** Input, output and the run's error message: at most this many bytes each. */
export const FIELD_BYTES = 64 * 1024;
/** Per node: its error message and its log lines (together). */
export const NODE_ERROR_BYTES = 4 * 1024;
export const NODE_LOG_BYTES = 16 * 1024;
/** Per node: what it was given and what it gave, each (beyond it, a preview). */
export const NODE_VALUE_BYTES = 8 * 1024;
/** All node records of a run together; beyond it, later nodes lose their logs. */
export const NODES_BYTES = 256 * 1024;
/** How much of an oversized JSON value is kept as a preview. */
const PREVIEW_BYTES = 4 * 1024;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** `s` cut to at most `max` bytes of UTF-8 (at a character boundary), marked when cut. */
export function capText(s: string, max: number): string {
  const size = bytes(s);
  if (size <= max) return s;
  let kept = Buffer.from(s, "utf8").subarray(0, max).toString("utf8");
  if (kept.endsWith("\uFFFD")) kept = kept.slice(0, -1); // a character cut in half
  return `${kept}… [truncated: ${size} bytes, the first ${max} kept]`;
}

/**
 * Capped forms already worked out, by value (object identity) and cap: a run passes the
 * same object from step to step (log, delay, condition), and writing megabytes as JSON
 * again at every step cost seconds per run. One cache serves one run.
 */
export type CapCache = WeakMap<object, unknown>;

/** A JSON value, or in its place a marker with a preview when its JSON passes `max` bytes. */
export function capValue(v: unknown, max: number, what: string, cache?: CapCache): unknown {
  if (v === undefined) return v;
  const obj = typeof v === "object" && v !== null;
  const memo = obj && cache ? (cache.get(v) as Map<string, unknown> | undefined) : undefined;
  const k = `${max}:${what}`;
  if (memo?.has(k)) return memo.get(k);
  const out = capFresh(v, max, what);
  if (obj && cache) {
    const m = memo ?? new Map<string, unknown>();
    m.set(k, out);
    if (!memo) cache.set(v, m);
  }
  return out;
}

function capFresh(v: unknown, max: number, what: string): unknown {
  const text = JSON.stringify(v);
  if (text === undefined) return v;
  // Characters are at most 3 bytes of UTF-8 each (a surrogate pair is 4 for 2): small texts need no count.
  const size = text.length * 3 <= max ? text.length : bytes(text);
  if (size <= max) return v;
  return { $truncated: `the ${what} was ${size} bytes of JSON; at most ${max} are kept, so only a preview is`, preview: capText(text, PREVIEW_BYTES) };
}

function capLogs(lines: string[], max: number): string[] {
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    used += bytes(lines[i]!);
    if (used > max) {
      const dropped = lines.slice(i);
      const size = dropped.reduce((n, l) => n + bytes(l), 0);
      return [...lines.slice(0, i), `(${dropped.length} more log lines, ${size} bytes, dropped: at most ${max} bytes of logs are kept per node)`];
    }
  }
  return lines;
}

/** A node's record as it is kept and sent: the same object when nothing needed cutting. */
export function capNode(n: NodeRun, cache?: CapCache): NodeRun {
  const error = n.error === undefined ? undefined : capText(n.error, NODE_ERROR_BYTES);
  const logs = capLogs(n.logs, NODE_LOG_BYTES);
  const input = capValue(n.input, NODE_VALUE_BYTES, "node's value", cache);
  const output = capValue(n.output, NODE_VALUE_BYTES, "node's value", cache);
  if (error === n.error && logs === n.logs && input === n.input && output === n.output) return n;
  return { ...n, ...(error !== undefined && { error }), logs, ...(input !== undefined && { input }), ...(output !== undefined && { output }) };
}

/** The record as it is stored: the same object when nothing needed cutting. */
export function capRun(run: RunRecord, cache: CapCache = new WeakMap()): RunRecord {
  const input = capValue(run.input, FIELD_BYTES, "input", cache);
  const output = capValue(run.output, FIELD_BYTES, "output", cache);
  const message = run.error ? capText(run.error.message, FIELD_BYTES) : undefined;
  let nodes = run.nodes.map((n) => capNode(n, cache));
  let total = 0;
  nodes = nodes.map((n) => {
    total += bytes(JSON.stringify(n));
    if (total <= NODES_BYTES || (!n.logs.length && n.input === undefined && n.output === undefined)) return n;
    const { input: _i, output: _o, ...rest } = n;
    return { ...rest, logs: [`(logs, input and output dropped: this run's node records passed ${NODES_BYTES} bytes)`] };
  });
  const same = input === run.input && output === run.output && message === run.error?.message && nodes.every((n, i) => n === run.nodes[i]);
  if (same) return run;
  return { ...run, input, output, ...(run.error && { error: { ...run.error, message: message! } }), nodes };
}

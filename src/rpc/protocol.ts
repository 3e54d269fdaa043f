// JSON-RPC 2.0, strictly: parse error -32700, invalid request -32600, unknown method
// -32601, invalid params -32602, internal error -32603; batches answer each member;
// notifications get no answer. Knows nothing of Torque: methods come in as a table.
// Answers are bounded (AnswerBudget): a batch yields to the event loop between members,
// stops starting members when its time is spent, and no answer grows past a byte budget.
import { type ErrorCode, TorqueError } from "../lib/errors";

/** A number id that a JS number cannot hold exactly is kept as its source text (JSON.rawJSON). */
export type RawId = { readonly rawJSON: string };
export type Id = string | number | null | RawId;

// JSON.rawJSON/isRawJSON (TC39 "JSON.parse source text access"): in Bun, not yet in TypeScript's lib.
declare global {
  interface JSON {
    rawJSON(text: string): RawId;
    isRawJSON(value: unknown): value is RawId;
  }
}
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
export type RpcResponse = { jsonrpc: "2.0"; id: Id; result: unknown } | { jsonrpc: "2.0"; id: Id; error: RpcError };

export const PARSE_ERROR = -32700,
  INVALID_REQUEST = -32600,
  METHOD_NOT_FOUND = -32601,
  INVALID_PARAMS = -32602,
  INTERNAL_ERROR = -32603;
export const MAX_BATCH = 1000;
/** A member of a batch that was not started (time or answer budget spent): sending it again is safe. */
export const NOT_RUN = -32010;
/** A call that ran but whose answer is over the byte budget: ask for less. */
export const ANSWER_TOO_LARGE = -32011;

/**
 * What one message may cost the server. A read runs on the server's one thread, so a
 * batch of 1,000 slow or large reads used to hold every other client for seconds (a
 * batch of 15 slow queries: /health unanswered for 12.6 s; 1,000 pages of 1,000 rows:
 * a 412 MB answer and 1.5 GB of memory).
 */
export interface AnswerBudget {
  /** Wall-clock milliseconds a batch may run; members not started by then are answered NOT_RUN. */
  batchMs: number;
  /** Bytes (UTF-8) of one answer, a whole batch's together. */
  answerBytes: number;
}
export const DEFAULT_ANSWER_BUDGET: AnswerBudget = { batchMs: 2000, answerBytes: 32 * 1024 * 1024 };

/** Application errors in -32000..-32099, one code per kind of problem. */
export const APP_ERROR_CODES: Record<ErrorCode, number> = {
  bad_request: -32000,
  validation: -32001,
  forbidden: -32003,
  not_found: -32004,
  conflict: -32009,
  unavailable: -32005,
  internal: INTERNAL_ERROR,
};

export interface MethodTable<C> {
  /** Resolve a method, or undefined when there is none by that name. */
  find(name: string): ((params: unknown, ctx: C) => Promise<unknown>) | undefined;
}

const ok = (id: Id, result: unknown): RpcResponse => ({ jsonrpc: "2.0", id, result: result === undefined ? null : result });
const fail = (id: Id, code: number, message: string, data?: unknown): RpcResponse => ({
  jsonrpc: "2.0",
  id,
  error: data === undefined ? { code, message } : { code, message, data },
});

/** Params of the wrong shape (a missing app, a number where a name goes): the protocol's -32602. */
export class InvalidParams extends Error {
  constructor(readonly issues: { field: string; rule: string; message: string }[]) {
    super(`invalid params: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  }
}

export function errorResponse(id: Id, e: unknown): RpcResponse {
  if (e instanceof InvalidParams) return fail(id, INVALID_PARAMS, e.message, e.issues);
  if (e instanceof TorqueError) {
    if (e.code === "internal") return fail(id, INTERNAL_ERROR, "internal error");
    return fail(id, APP_ERROR_CODES[e.code], e.message, e.data);
  }
  console.error("torque: rpc method failed:", e);
  return fail(id, INTERNAL_ERROR, "internal error");
}

const validId = (id: unknown): id is Id => id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) || JSON.isRawJSON(id);

/** A number id whose value JSON.parse may have rounded (12345678901234567890, 0.1000000000000000055). */
const inexactId = (m: unknown): boolean =>
  typeof m === "object" && m !== null && typeof (m as { id?: unknown }).id === "number" && !Number.isSafeInteger((m as { id: number }).id);

/**
 * Parse again, keeping the source text of every number `id` of a request object (the
 * top level or a batch member) as JSON.rawJSON, which JSON.stringify writes back verbatim:
 * the reply carries the id byte for byte. Only for messages with such an id, so the hot
 * path (small integer or string ids) pays one typeof check and no reviver.
 */
function parseKeepingIds(text: string): unknown {
  const sources = new Map<object, string>();
  const msg: unknown = JSON.parse(text, function (this: object, key, value, context?: { source?: string }) {
    if (key === "id" && typeof value === "number" && context?.source !== undefined) sources.set(this, context.source);
    return value;
  });
  for (const m of Array.isArray(msg) ? msg : [msg]) {
    const source = typeof m === "object" && m !== null ? sources.get(m) : undefined;
    if (source !== undefined) m.id = JSON.rawJSON(source);
  }
  return msg;
}

async function one<C>(req: unknown, methods: MethodTable<C>, ctx: C): Promise<RpcResponse | null> {
  if (typeof req !== "object" || req === null || Array.isArray(req)) return fail(null, INVALID_REQUEST, "invalid request: expected an object");
  const r = req as Record<string, unknown>;
  const isNotification = !("id" in r);
  const id: Id = validId(r.id) ? r.id : null;
  if (r.jsonrpc !== "2.0") return fail(id, INVALID_REQUEST, 'invalid request: "jsonrpc" must be "2.0"');
  if (typeof r.method !== "string") return fail(id, INVALID_REQUEST, 'invalid request: "method" must be a string');
  if ("id" in r && !validId(r.id)) return fail(null, INVALID_REQUEST, 'invalid request: "id" must be a string, a number or null');
  if ("params" in r && (typeof r.params !== "object" || r.params === null))
    return isNotification ? null : fail(id, INVALID_PARAMS, "invalid params: params must be an object of named parameters");
  if (Array.isArray(r.params))
    return isNotification ? null : fail(id, INVALID_PARAMS, "invalid params: Torque methods take named parameters (an object), not a list");
  const method = methods.find(r.method);
  if (!method) return isNotification ? null : fail(id, METHOD_NOT_FOUND, `method not found: ${r.method}`);
  try {
    const result = await method(r.params ?? {}, ctx);
    return isNotification ? null : ok(id, result);
  } catch (e) {
    return isNotification ? null : errorResponse(id, e);
  }
}

const MIB = 1024 * 1024;
const sizeText = (bytes: number) => (bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MiB` : `${bytes.toLocaleString("en-US")} bytes`);

/** Whether a text is over `bytes` of UTF-8; counted only when its length leaves it open (≤ 3 bytes per UTF-16 unit). */
export const overBudget = (text: string, bytes: number): boolean => text.length > bytes || (text.length * 3 > bytes && Buffer.byteLength(text) > bytes);

/** A response as JSON text; one that cannot be written (a BigInt in a result) is an internal error. */
function serialize(r: RpcResponse): string {
  try {
    return JSON.stringify(r);
  } catch (e) {
    return JSON.stringify(errorResponse(r.id, e));
  }
}

/** The answer to a call that ran but whose answer (`text`) is over the limit: refused rather than sent. */
export const answerTooLarge = (id: Id, text: string, limit: number, inBatch: boolean): RpcResponse =>
  fail(
    id,
    ANSWER_TOO_LARGE,
    `answer too large: the call was carried out, but its answer (${sizeText(Buffer.byteLength(text))}) would take the ${inBatch ? "batch's answer" : "answer"} past its limit of ${sizeText(limit)}; ask for less (a smaller limit, fewer fields${inBatch ? ", or this call on its own" : ""})`,
    { limit },
  );

/** Why the rest of a batch is not started. */
export const batchSpent = {
  time: (ms: number) => `the batch's time budget of ${ms.toLocaleString("en-US")} ms was spent on the calls before it`,
  bytes: (limit: number) => `the batch's answer reached its limit of ${sizeText(limit)}`,
};

/** The answer to a batch member that was not started. */
export const notRun = (id: Id, why: string): RpcResponse => fail(id, NOT_RUN, `not run: ${why}; send this call again`);

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Handle one HTTP body or WebSocket message. Returns the answer as JSON text, or null
 * when there is none (only notifications).
 */
export async function handleRpc<C>(text: string, methods: MethodTable<C>, ctx: C, budget: AnswerBudget = DEFAULT_ANSWER_BUDGET): Promise<string | null> {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    return serialize(fail(null, PARSE_ERROR, `parse error: ${(e as Error).message}`));
  }
  if (Array.isArray(msg) ? msg.some(inexactId) : inexactId(msg)) msg = parseKeepingIds(text);
  if (!Array.isArray(msg)) {
    const r = await one(msg, methods, ctx);
    if (!r) return null;
    const out = serialize(r);
    return overBudget(out, budget.answerBytes) ? serialize(answerTooLarge(r.id, out, budget.answerBytes, false)) : out;
  }
  if (msg.length === 0) return serialize(fail(null, INVALID_REQUEST, "invalid request: an empty batch"));
  if (msg.length > MAX_BATCH) return serialize(fail(null, INVALID_REQUEST, `invalid request: a batch holds at most ${MAX_BATCH} calls`));
  return batch(msg, methods, ctx, budget);
}

/**
 * Members run in order (a batch that creates then reads sees its own writes), one per
 * turn of the event loop, so other requests are served between them. Once the batch's
 * time or answer bytes are spent, the members left are not started: each is answered
 * NOT_RUN (a notification, having no answer, is dropped), and the answer still comes.
 */
async function batch<C>(msg: unknown[], methods: MethodTable<C>, ctx: C, budget: AnswerBudget): Promise<string | null> {
  const started = performance.now();
  const parts: string[] = [];
  let bytes = 2; // the brackets
  let spent: string | undefined; // why the rest is not run
  for (const [i, m] of msg.entries()) {
    if (i > 0) await yieldToEventLoop();
    if (!spent && performance.now() - started > budget.batchMs) spent = batchSpent.time(budget.batchMs);
    if (spent) {
      const id = typeof m === "object" && m !== null && "id" in m && validId(m.id) ? m.id : undefined;
      if (id !== undefined) parts.push(serialize(notRun(id, spent)));
      continue;
    }
    const r = await one(m, methods, ctx);
    if (!r) continue;
    let out = serialize(r);
    if (overBudget(out, budget.answerBytes - bytes - parts.length)) {
      out = serialize(answerTooLarge(r.id, out, budget.answerBytes, true));
      spent = batchSpent.bytes(budget.answerBytes);
    }
    parts.push(out);
    bytes += Buffer.byteLength(out);
  }
  return parts.length ? `[${parts.join(",")}]` : null;
}

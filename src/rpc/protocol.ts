// JSON-RPC 2.0, strictly: parse error -32700, invalid request -32600, unknown method
// -32601, invalid params -32602, internal error -32603; batches answer each member;
// notifications get no answer. Knows nothing of Torque: methods come in as a table.
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

/** Application errors in -32000..-32099, one code per kind of problem. */
export const APP_ERROR_CODES: Record<ErrorCode, number> = {
  bad_request: -32000,
  validation: -32001,
  forbidden: -32003,
  not_found: -32004,
  conflict: -32009,
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

/**
 * Handle one HTTP body or WebSocket message. Returns the response to send, or null when
 * there is none (only notifications).
 */
export async function handleRpc<C>(text: string, methods: MethodTable<C>, ctx: C): Promise<RpcResponse | RpcResponse[] | null> {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    return fail(null, PARSE_ERROR, `parse error: ${(e as Error).message}`);
  }
  if (Array.isArray(msg) ? msg.some(inexactId) : inexactId(msg)) msg = parseKeepingIds(text);
  if (!Array.isArray(msg)) return one(msg, methods, ctx);
  if (msg.length === 0) return fail(null, INVALID_REQUEST, "invalid request: an empty batch");
  if (msg.length > MAX_BATCH) return fail(null, INVALID_REQUEST, `invalid request: a batch holds at most ${MAX_BATCH} calls`);
  const out: RpcResponse[] = [];
  // Members run in order: a batch that creates then reads sees its own writes.
  for (const m of msg) {
    const r = await one(m, methods, ctx);
    if (r) out.push(r);
  }
  return out.length ? out : null;
}

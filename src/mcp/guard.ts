// Checks on what arrives at an MCP server before the SDK sees it, for both transports.
// The SDK parses tools/call with its own schema first: arguments that are not an object
// came back as -32603 with the validator's dump, and a "__proto__" key among the
// arguments was dropped without a word (the typed tools then wrote a record without it).
// Here such a call gets -32602 (invalid params) with a sentence naming the problem, and so
// does a resources/read without a text uri (the SDK answered that with -32603 too).
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { findKey, isPlainObject } from "../lib/json";

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `a ${typeof v}`);

/** Why a request must be refused as invalid params, or undefined when it may go on. */
export function invalidParams(msg: unknown): string | undefined {
  if (!isPlainObject(msg) || !("id" in msg)) return undefined;
  if (msg.method === "resources/read") {
    const p = msg.params;
    return isPlainObject(p) && typeof p.uri === "string"
      ? undefined
      : `resources/read needs params {"uri": "…"}, the resource's URI as text (see resources/list)`;
  }
  if (msg.method !== "tools/call") return undefined;
  const params = msg.params;
  if (!isPlainObject(params)) return `tools/call params must be an object {"name", "arguments"}, not ${kind(params)}`;
  if (typeof params.name !== "string") return `tools/call needs "name", the tool's name as text (see tools/list)`;
  const args = params.arguments;
  if (args !== undefined && !isPlainObject(args)) return `the arguments of ${params.name} must be an object of named arguments, not ${kind(args)}`;
  const at = findKey(args);
  if (at !== undefined) return `the arguments of ${params.name} must not contain the key "__proto__" (at ${at})`;
  return undefined;
}

/**
 * Wrap the transport's message handler (call after `server.connect(transport)`, which
 * installs it): a refused request is answered here and never reaches the SDK.
 */
export function guardIncoming(transport: Transport): void {
  const inner = transport.onmessage;
  if (!inner) throw new Error("guardIncoming: connect the server to the transport first");
  transport.onmessage = (msg, extra) => {
    const why = invalidParams(msg);
    if (why === undefined) return inner(msg, extra);
    const id = (msg as { id: string | number }).id;
    void transport
      .send({ jsonrpc: "2.0", id, error: { code: ErrorCode.InvalidParams, message: why } } as JSONRPCMessage, { relatedRequestId: id })
      .catch(() => {});
  };
}

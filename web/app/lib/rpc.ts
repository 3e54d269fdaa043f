// JSON-RPC 2.0 over POST /rpc. A failed call throws RpcError carrying the server's code,
// message and data (for validation: the list of {field, rule, message}), so a form can put
// each message beside its field.
import type { Issue } from "./types";

export class RpcError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }

  /** The validation issues the server listed, if any. */
  get issues(): Issue[] {
    const d = this.data as { issues?: unknown } | unknown[] | undefined;
    const list = Array.isArray(d) ? d : Array.isArray((d as { issues?: unknown })?.issues) ? (d as { issues: unknown[] }).issues : [];
    return list.filter((i): i is Issue => !!i && typeof i === "object" && typeof (i as Issue).message === "string");
  }
}

/** The code of an RpcError for a reply that is no JSON-RPC (a proxy's page, a crash); its message is the HTTP status. */
export const BAD_REPLY = -2;

let nextId = 1;

export async function rpc<T>(method: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch("/rpc", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new RpcError("network", -1);
  }
  let body: { result?: T; error?: { code: number; message: string; data?: unknown } } | null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  // A proxy's HTML page, or JSON that is no JSON-RPC reply: an error status says most; a 200 says nothing.
  if (!body || typeof body !== "object" || !("result" in body || body.error)) throw new RpcError(`HTTP ${res.status}`, BAD_REPLY);
  if (body.error) throw new RpcError(body.error.message, body.error.code, body.error.data);
  return body.result as T;
}

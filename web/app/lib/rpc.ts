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
  let body: { result?: T; error?: { code: number; message: string; data?: unknown } };
  try {
    body = await res.json();
  } catch {
    throw new RpcError(`HTTP ${res.status}`, -2);
  }
  if (body.error) throw new RpcError(body.error.message, body.error.code, body.error.data);
  return body.result as T;
}

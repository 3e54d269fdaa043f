// JSON-RPC 2.0 over POST /rpc, with the session's CSRF token (web/auth/session.ts). A
// failed call throws RpcError carrying the server's code, message and data (for
// validation: the list of {field, rule, message}), so a form can put each message beside
// its field. A 401 (the session expired) tells the session, and the app shows the sign-in
// page in its place.
import { authHeaders, renewAfterRefusal, sessionEnded } from "../../auth/session";
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
/** The code of an RpcError when the server asks for a sign-in (401): the session is over. */
export const SIGNED_OUT = -3;
/** The code of a refusal (the server's forbidden, also for a refused request before JSON-RPC: 403). */
export const FORBIDDEN = -32003;

let nextId = 1;

export async function rpc<T>(method: string, params: Record<string, unknown>, signal?: AbortSignal, renewed = false): Promise<T> {
  const auth = await authHeaders();
  if (!auth) throw new RpcError("sign in first", SIGNED_OUT);
  let res: Response;
  try {
    res = await fetch("/rpc", {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new RpcError("network", -1);
  }
  // A CSRF token made stale by a sign-in in another tab: renewed, and the call sent again once.
  if (res.status === 403 && !renewed && (await renewAfterRefusal())) return rpc(method, params, signal, true);
  let body: { result?: T; error?: { code: number; message: string; data?: unknown } | string } | null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  // Refused before JSON-RPC: {error: "…"} with the HTTP status.
  const refusal = typeof body?.error === "string" ? body.error : undefined;
  if (res.status === 401) {
    sessionEnded();
    throw new RpcError(refusal ?? `HTTP ${res.status}`, SIGNED_OUT);
  }
  if (refusal !== undefined && res.status === 403) throw new RpcError(refusal, FORBIDDEN);
  // A proxy's HTML page, or JSON that is no JSON-RPC reply: an error status says most; a 200 says nothing.
  if (!body || typeof body !== "object" || !("result" in body || body.error) || typeof body.error === "string")
    throw new RpcError(refusal ?? `HTTP ${res.status}`, BAD_REPLY);
  if (body.error) throw new RpcError(body.error.message, body.error.code, body.error.data);
  return body.result as T;
}

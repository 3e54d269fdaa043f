// POST /auth/login for both frontends' sign-in pages: a module of its own, so a page opened
// while signed in does not carry it. The session it starts is web/auth/session.ts's.
import { type SessionJson, take } from "./session";

export type SignInResult =
  | { ok: true }
  /** `credentials`: wrong name or password; `rateLimited`: too many attempts (try again after `retryAfter` seconds); `network`: no answer. */
  | { ok: false; reason: "credentials" | "rateLimited" | "refused" | "network"; message: string; retryAfter?: number };

/** POST /auth/login: the session cookie is set by the answer; its CSRF token is kept here. */
export async function signIn(name: string, password: string): Promise<SignInResult> {
  let res: Response;
  try {
    res = await fetch("/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, password }) });
  } catch (e) {
    return { ok: false, reason: "network", message: e instanceof Error ? e.message : String(e) };
  }
  const body = (await res.json().catch(() => null)) as (SessionJson & { error?: unknown }) | null;
  if (res.ok && body && take(body)) return { ok: true };
  const message = typeof body?.error === "string" ? body.error : `HTTP ${res.status}`;
  if (res.status === 401) return { ok: false, reason: "credentials", message };
  if (res.status === 429) {
    const wait = Number(res.headers.get("retry-after"));
    return { ok: false, reason: "rateLimited", message, ...(wait > 0 && { retryAfter: Math.ceil(wait) }) };
  }
  return { ok: false, reason: "refused", message };
}

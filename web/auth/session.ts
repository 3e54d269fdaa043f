// Who the browser is signed in as, for both frontends (the Model Editor and the app
// runtime): GET /auth/session when a page starts, POST /auth/logout (POST /auth/login is
// signIn.ts, loaded only with a sign-in page), and the CSRF token every write must carry
// (header x-torque-csrf), kept in this module's memory only, never in storage.
// Framework-free: the editor reads the state through useSyncExternalStore, the runtime
// through a Solid signal; their own clients (web/editor/lib/graphql.ts, web/app/lib/rpc.ts)
// add `authHeaders()` to every POST and report a 401 (`sessionEnded`) and a refused token
// (`renewAfterRefusal`) here.

export const CSRF_HEADER = "x-torque-csrf";

export type Role = "admin" | "editor" | "viewer";

export interface SessionUser {
  name: string;
  role: Role;
}

export type Session =
  /** Asking the server. */
  | { status: "checking" }
  /** No sign-in: a server on the loopback before any user exists, where every request acts as the local user. */
  | { status: "open" }
  | { status: "signedIn"; user: SessionUser; expiresAt: string }
  /** Sign-in needed. `expired`: this page was signed in, and the server no longer knows the session. */
  | { status: "signedOut"; expired: boolean }
  /** The server could not be asked (`detail` says why). */
  | { status: "unreachable"; detail: string };

let state: Session = { status: "checking" };
let csrf: string | null = null;
let first: Promise<Session> | null = null;
let renewing: Promise<Session> | null = null;
const listeners = new Set<() => void>();

function set(s: Session, token: string | null = null): void {
  state = s;
  csrf = token;
  for (const l of listeners) l();
}

/** The state now (the same object until it changes). */
export const currentSession = (): Session => state;

/** Be told of every change; returns the unsubscribe. */
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface SessionJson {
  authRequired?: unknown;
  user?: SessionUser | null;
  csrf?: unknown;
  expiresAt?: unknown;
}

/** Take a session answer (GET /auth/session, POST /auth/login): true when it names a signed-in user. */
export function take(body: SessionJson): boolean {
  if (!body.user || typeof body.csrf !== "string") return false;
  set({ status: "signedIn", user: { name: body.user.name, role: body.user.role }, expiresAt: String(body.expiresAt ?? "") }, body.csrf);
  return true;
}

async function ask(): Promise<Session> {
  try {
    const res = await fetch("/auth/session", { headers: { accept: "application/json" }, cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as SessionJson;
    if (!take(body)) {
      if (body.authRequired) set({ status: "signedOut", expired: state.status === "signedIn" || (state.status === "signedOut" && state.expired) });
      else set({ status: "open" });
    }
  } catch (e) {
    set({ status: "unreachable", detail: e instanceof Error ? e.message : String(e) });
  }
  return state;
}

/** Ask the server who this browser is (GET /auth/session). The first call is the one every request waits for. */
export function checkSession(): Promise<Session> {
  const p = ask();
  first ??= p;
  return p;
}

/**
 * The headers a request must carry: the session's CSRF token once signed in. Waits for
 * the page's first session check, so a write sent while the page starts has its token.
 * null while signed out: the request would only be refused (and every refusal counts
 * against this address), so the caller does not send it.
 */
export async function authHeaders(): Promise<Record<string, string> | null> {
  await (first ??= ask());
  if (state.status === "signedOut") return null;
  return csrf ? { [CSRF_HEADER]: csrf } : {};
}

/** A request was answered 401: the session is over (it expired, was signed out in another tab, or a user now exists). */
export function sessionEnded(): void {
  if (state.status !== "signedOut") set({ status: "signedOut", expired: state.status === "signedIn" });
}

/**
 * A write was refused (403) for its CSRF token: the browser signed in again in another tab,
 * so its cookie names another session. Asks the server once more (one request however many
 * writes were refused); true when the write may be sent again with the new token.
 */
export async function renewAfterRefusal(): Promise<boolean> {
  const before = csrf;
  const s = await (renewing ??= ask().finally(() => (renewing = null)));
  return s.status === "signedIn" && csrf !== before;
}

/** POST /auth/logout (the server forgets the session and clears the cookie); the page then asks for a sign-in. */
export async function signOut(): Promise<void> {
  const send = async () => fetch("/auth/logout", { method: "POST", headers: (await authHeaders()) ?? {} });
  try {
    let res = await send();
    // A token made stale by a sign-in in another tab: renewed once, so the cookie is really cleared.
    if (res.status === 403 && (await renewAfterRefusal())) res = await send();
  } catch {
    // Unreachable: the page still forgets the session; the cookie expires on its own.
  }
  set({ status: "signedOut", expired: false });
}

// Who a request is: a bearer token (programs, agents), a session cookie (the browser
// frontends), or, on a loopback server before any user exists, the local user (SPEC §10).
// Login, logout and the session's state live at /auth/*. Rights are decided by the
// services (access/policy.ts); this module only establishes the actor.

import { TokenBuckets } from "../lib/bucket";
import { TorqueError } from "../lib/errors";
import type { Services } from "../services";
import type { Actor, Door } from "../services/actor";

export const SESSION_COOKIE = "torque_session";
export const CSRF_HEADER = "x-torque-csrf";
/** The local user of a loopback server before any user exists: trusted (no grant). */
export const localActor: Actor = { kind: "user", id: "local" };

/** Login attempts: per account 5 at once then one a minute; per address 20 at once then one every 6 s. */
const LOGIN_LIMITS = { account: { burst: 5, perSecond: 1 / 60 }, address: { burst: 20, perSecond: 1 / 6 } };

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export interface AuthOptions {
  /** Bound to the loopback: before any user exists, requests act as the local user. */
  loopback: boolean;
  /**
   * Requests per second one user or token may make once sign-in is required (twice as
   * many at once); past it 429 with Retry-After. Default 1,000. A local server without
   * users has one user, whom nothing would protect from themselves.
   */
  requestsPerSecond?: number;
}

export const DEFAULT_REQUESTS_PER_SECOND = 1000;
/** Refused credentials per address: 20 at once, then 2 a second (a token is 256 random bits; this keeps floods cheap). */
const REFUSALS = { burst: 20, perSecond: 2 };

/** What a request authenticated with, kept by a WebSocket to check again while it is open. */
export type Credential = { bearer: string } | { session: string };

export type Authenticated = { actor: Actor; credential?: Credential } | { refused: Response };

const json = (body: unknown, status: number, headers?: Record<string, string>) => Response.json(body, { status, headers });

export function unauthorized(message: string): Response {
  return json({ error: message }, 401, { "www-authenticate": 'Bearer realm="torque"' });
}

function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class Auth {
  private readonly byAccount = new TokenBuckets(LOGIN_LIMITS.account.burst, LOGIN_LIMITS.account.perSecond);
  private readonly byAddress = new TokenBuckets(LOGIN_LIMITS.address.burst, LOGIN_LIMITS.address.perSecond);
  private readonly byClient: TokenBuckets;
  private readonly refusals = new TokenBuckets(REFUSALS.burst, REFUSALS.perSecond);
  private readonly prune = setInterval(() => {
    this.byAccount.prune();
    this.byAddress.prune();
    this.byClient.prune();
    this.refusals.prune();
  }, 60_000);

  constructor(
    private readonly services: Services,
    private readonly opts: AuthOptions,
  ) {
    this.prune.unref?.();
    const rate = opts.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    this.byClient = new TokenBuckets(rate * 2, rate);
  }

  close(): void {
    clearInterval(this.prune);
  }

  /** Whether requests must authenticate: always off the loopback, and on it once a user exists. */
  async required(): Promise<boolean> {
    return !this.opts.loopback || (await this.services.users.anyUser());
  }

  /**
   * The actor of a request, or the answer refusing it: 401 without valid credentials
   * where they are required, 403 for a cookie-authenticated write without the session's
   * CSRF token (a page of another site cannot read it, so it cannot send it).
   */
  async actor(req: Request, door: Door, address?: string): Promise<Authenticated> {
    const authz = req.headers.get("authorization");
    if (authz !== null) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      const actor = m ? await this.services.users.token(m[1]!, door) : undefined;
      if (!actor) return this.refuse(address, unauthorized("the bearer token is unknown, revoked or expired"));
      return this.paced(actor, { bearer: m![1]! });
    }
    const cookie = cookieOf(req, SESSION_COOKIE);
    if (cookie) {
      const s = await this.services.users.session(cookie, door);
      if (s) {
        if (!SAFE.has(req.method) && req.headers.get(CSRF_HEADER) !== s.csrf)
          return { refused: json({ error: `a signed-in browser must send the ${CSRF_HEADER} header (GET /auth/session gives it)` }, 403) };
        return this.paced(s.actor, { session: cookie });
      }
    }
    if (!(await this.required())) return { actor: { ...localActor, door } };
    return this.refuse(
      address,
      unauthorized(cookie ? "the session has expired; sign in again" : "sign in first (POST /auth/login) or send Authorization: Bearer <token>"),
    );
  }

  /** A signed-in actor within its request rate, or 429. */
  private paced(actor: Actor, credential: Credential): Authenticated {
    const wait = this.byClient.take(`${actor.kind}:${actor.id}`);
    if (wait > 0) return { refused: json({ error: `too many requests from ${actor.id}; try again in ${wait} s` }, 429, { "retry-after": String(wait) }) };
    return { actor, credential };
  }

  /** Whether a credential still holds (a WebSocket asks while it stays open: sign-out, revocation, expiry). */
  async holds(c: Credential): Promise<boolean> {
    return "bearer" in c ? (await this.services.users.token(c.bearer, "ws")) !== undefined : (await this.services.users.session(c.session, "ws")) !== undefined;
  }

  /** A refusal of credentials, or 429 once an address keeps sending bad ones. */
  private refuse(address: string | undefined, answer: Response): Authenticated {
    const wait = this.refusals.take(address ?? "?");
    if (wait > 0)
      return { refused: json({ error: `too many refused requests from this address; try again in ${wait} s` }, 429, { "retry-after": String(wait) }) };
    return { refused: answer };
  }

  /** The /auth/* routes, or undefined for other paths. */
  async route(req: Request, path: string, address: string | undefined): Promise<Response | undefined> {
    if (path === "/auth/session" && req.method === "GET") return this.sessionState(req);
    if (path === "/auth/login" && req.method === "POST") return this.login(req, address);
    if (path === "/auth/logout" && req.method === "POST") return this.logout(req);
    if (path.startsWith("/auth/")) return json({ error: "the auth routes are GET /auth/session, POST /auth/login and POST /auth/logout" }, 404);
    return undefined;
  }

  private async sessionState(req: Request): Promise<Response> {
    const required = await this.required();
    const cookie = cookieOf(req, SESSION_COOKIE);
    const s = cookie ? await this.services.users.session(cookie, "http") : undefined;
    if (!s) return json({ authRequired: required, user: null }, 200, { "cache-control": "no-store" });
    return json({ authRequired: required, user: { name: s.actor.grant!.user, role: s.actor.grant!.role }, csrf: s.csrf, expiresAt: s.expiresAt }, 200, {
      "cache-control": "no-store",
    });
  }

  private async login(req: Request, address: string | undefined): Promise<Response> {
    let body: { name?: unknown; password?: unknown };
    try {
      body = (await req.json()) as typeof body;
    } catch {
      return json({ error: 'the body must be JSON: {"name": "...", "password": "..."}' }, 400);
    }
    if (!body || typeof body !== "object" || Array.isArray(body))
      return json({ error: 'the body must be a JSON object: {"name": "...", "password": "..."}' }, 400);
    const name = typeof body.name === "string" ? body.name.trim().toLowerCase().slice(0, 64) : "";
    const wait = Math.max(this.byAddress.take(address ?? "?"), name ? this.byAccount.take(name) : 0);
    if (wait > 0) return json({ error: `too many sign-in attempts; try again in ${wait} s` }, 429, { "retry-after": String(wait) });
    try {
      const r = await this.services.users.login(body.name, body.password, "http");
      const secure = new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
      const cookie = `${SESSION_COOKIE}=${r.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${7 * 86400}${secure ? "; Secure" : ""}`;
      return json({ user: { name: r.user.name, role: r.user.role }, csrf: r.csrf, expiresAt: r.expiresAt }, 200, {
        "set-cookie": cookie,
        "cache-control": "no-store",
      });
    } catch (e) {
      if (e instanceof TorqueError && e.code === "forbidden") return unauthorized(e.message);
      throw e;
    }
  }

  private async logout(req: Request): Promise<Response> {
    const cookie = cookieOf(req, SESSION_COOKIE);
    if (cookie) {
      const s = await this.services.users.session(cookie, "http");
      if (s && req.headers.get(CSRF_HEADER) !== s.csrf) return json({ error: `send the ${CSRF_HEADER} header to sign out` }, 403);
      await this.services.users.logout(cookie, "http");
    }
    return json({ signedOut: true }, 200, { "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` });
  }
}

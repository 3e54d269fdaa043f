// Identity: users with argon2id password hashes (Bun.password), login sessions for the
// browser frontends, and API tokens for programs and agents. Secrets are shown once and
// stored only as SHA-256 digests (a session or token is 256 random bits, so a fast hash is
// enough; a password is not, hence argon2id). Every change is audited.

import { badRequest, conflict, forbidden, notFound, TorqueError, unauthenticated, validationError } from "../../lib/errors";
import { ROLES, type Role } from "../../model/schema";
import type { Driver } from "../../store/driver";
import {
  countUsers,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOf,
  deleteUser,
  insertSession,
  insertToken,
  insertUser,
  listTokens,
  listUsers,
  revokeToken,
  sessionByHash,
  type TokenRow,
  tokenByHash,
  tokenById,
  touchSession,
  touchToken,
  type UserRow,
  updateUser,
  userById,
  userByName,
} from "../../store/users";
import type { Actor, Door, Grant } from "../actor";
import { writeAudit } from "../audit";
import { mustHave } from "./deny";
import { atLeast } from "./policy";

export const USER_NAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
export const PASSWORD = { min: 8, max: 256 } as const;
/** A session lasts 12 hours from its last use, and never more than 7 days. */
export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 7 * 86_400_000;
/** Tokens live at most this long (days); `expiresInDays` defaults to 90. */
export const TOKEN_MAX_DAYS = 3650;
/** How long a verified session or token is trusted before it is looked up again (revocation reaches other servers within this). */
const AUTH_CACHE_MS = 2_000;
const AUTH_CACHE_MAX = 10_000;

export interface UserInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface TokenInfo {
  id: string;
  name: string;
  user: string;
  role: Role;
  apps?: string[];
  createdAt: string;
  expiresAt?: string;
  usedAt?: string;
  revoked: boolean;
}

export interface SessionAuth {
  actor: Actor;
  csrf: string;
  expiresAt: string;
}

const sha256 = (text: string): string => new Bun.CryptoHasher("sha256").update(text).digest("hex");
const random = (bytes: number): string => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
const userInfo = (u: UserRow): UserInfo => ({ id: u.id, name: u.name, role: u.role as Role, createdAt: u.created_at });
const isRole = (r: unknown): r is Role => typeof r === "string" && (ROLES as readonly string[]).includes(r);

/** A hash to verify against when the user does not exist, so a login takes as long either way. */
let decoy: Promise<string> | undefined;

export class UserService {
  private authCache = new Map<string, { until: number; value: SessionAuth | Actor }>();
  private usersKnown?: { until: number; any: boolean };

  constructor(private readonly db: Driver) {}

  async list(actor: Actor): Promise<UserInfo[]> {
    await mustHave(this.db, actor, "admin", "list users", { action: "user.manage" });
    return (await listUsers(this.db)).map(userInfo);
  }

  /** Whether any user exists (cached for a second: a server checks it on every request while none does). */
  async anyUser(): Promise<boolean> {
    const now = Date.now();
    if (this.usersKnown && (this.usersKnown.any || this.usersKnown.until > now)) return this.usersKnown.any;
    const any = (await countUsers(this.db)) > 0;
    this.usersKnown = { until: now + 1000, any };
    return any;
  }

  async anyAdmin(): Promise<boolean> {
    return (await countUsers(this.db, "admin")) > 0;
  }

  async add(name: unknown, password: unknown, role: unknown, actor: Actor): Promise<UserInfo> {
    await mustHave(this.db, actor, "admin", "add users", { action: "user.manage" });
    const n = checkName(name);
    checkPassword(password);
    if (!isRole(role)) throw validationError([{ field: "role", rule: "enum", message: `role must be one of ${ROLES.join(", ")}` }], "user");
    const now = new Date().toISOString();
    const hash = await Bun.password.hash(password as string, { algorithm: "argon2id" });
    const row: UserRow = { id: Bun.randomUUIDv7(), name: n, role, password_hash: hash, created_at: now, updated_at: now };
    await this.db.transaction(async (tx) => {
      if (await userByName(tx, n)) throw conflict(`a user named ${n} already exists`);
      await insertUser(tx, row);
      await writeAudit(tx, actor, { action: "user.create", after: { name: n, role } }, now);
    });
    this.usersKnown = undefined;
    return userInfo(row);
  }

  /** A new password; every session of the user ends (tokens stay: revoke them apart). */
  async setPassword(name: unknown, password: unknown, actor: Actor): Promise<void> {
    const u = await this.named(name);
    if (actor.grant && actor.grant.user !== u.name) await mustHave(this.db, actor, "admin", "change another user's password", { action: "user.manage" });
    checkPassword(password);
    const hash = await Bun.password.hash(password as string, { algorithm: "argon2id" });
    const now = new Date().toISOString();
    await this.db.transaction(async (tx) => {
      await updateUser(tx, u.id, { password_hash: hash }, now);
      await deleteSessionsOf(tx, u.id);
      await writeAudit(tx, actor, { action: "user.password", after: { name: u.name } }, now);
    });
    this.authCache.clear();
  }

  /** End every session of a user (a lost laptop): they sign in again; their tokens stay. */
  async endSessions(name: unknown, actor: Actor): Promise<number> {
    const u = await this.named(name);
    if (actor.grant && actor.grant.user !== u.name) await mustHave(this.db, actor, "admin", "end another user's sessions", { action: "user.manage" });
    const n = await this.db.transaction(async (tx) => {
      const ended = await deleteSessionsOf(tx, u.id);
      await writeAudit(tx, actor, { action: "user.signout", after: { name: u.name, sessions: ended } });
      return ended;
    });
    this.authCache.clear();
    return n;
  }

  async setRole(name: unknown, role: unknown, actor: Actor): Promise<UserInfo> {
    await mustHave(this.db, actor, "admin", "change roles", { action: "user.manage" });
    const u = await this.named(name);
    if (!isRole(role)) throw validationError([{ field: "role", rule: "enum", message: `role must be one of ${ROLES.join(", ")}` }], "user");
    const now = new Date().toISOString();
    await this.db.transaction(async (tx) => {
      if (u.role === "admin" && role !== "admin" && (await countUsers(tx, "admin")) <= 1)
        throw conflict(`${u.name} is the only admin; make another admin first`);
      await updateUser(tx, u.id, { role }, now);
      await writeAudit(tx, actor, { action: "user.role", before: { name: u.name, role: u.role }, after: { name: u.name, role } }, now);
    });
    this.authCache.clear();
    return { ...userInfo(u), role };
  }

  /** Remove a user with their sessions and tokens; the last admin stays. */
  async remove(name: unknown, actor: Actor): Promise<void> {
    await mustHave(this.db, actor, "admin", "remove users", { action: "user.manage" });
    const u = await this.named(name);
    const now = new Date().toISOString();
    await this.db.transaction(async (tx) => {
      if (u.role === "admin" && (await countUsers(tx, "admin")) <= 1 && (await countUsers(tx)) > 1)
        throw conflict(`${u.name} is the only admin while other users exist; make another admin first`);
      await deleteUser(tx, u.id);
      await writeAudit(tx, actor, { action: "user.remove", before: { name: u.name, role: u.role } }, now);
    });
    this.usersKnown = undefined;
    this.authCache.clear();
  }

  /**
   * Check a password and open a session. The caller (http/auth.ts) rate-limits attempts per
   * account and per address before calling. A failure says only that the name or password
   * is wrong, and takes as long whether or not the name exists.
   */
  async login(name: unknown, password: unknown, door: Door): Promise<{ token: string; csrf: string; user: UserInfo; expiresAt: string }> {
    const n = typeof name === "string" ? name.trim().toLowerCase() : "";
    const pw = typeof password === "string" && password.length <= PASSWORD.max ? password : "";
    const u = USER_NAME.test(n) ? await userByName(this.db, n) : undefined;
    decoy ??= Bun.password.hash(random(16), { algorithm: "argon2id" });
    const ok = await Bun.password.verify(pw, u?.password_hash ?? (await decoy));
    const actor: Actor = { kind: "user", id: n || "(none)", door };
    if (!u || !ok || !pw) {
      await this.db.transaction((tx) => writeAudit(tx, actor, { action: "denied.login", after: { reason: "wrong name or password" } }));
      throw unauthenticated("wrong user name or password");
    }
    const token = random(32);
    const csrf = random(24);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
    await this.db.transaction(async (tx) => {
      await deleteExpiredSessions(tx, now.toISOString());
      await insertSession(tx, { hash: sha256(token), user_id: u.id, csrf, created_at: now.toISOString(), expires_at: expiresAt, seen_at: now.toISOString() });
      await writeAudit(tx, actor, { action: "user.login" }, now.toISOString());
    });
    return { token, csrf, user: userInfo(u), expiresAt };
  }

  async logout(token: string, door: Door): Promise<void> {
    const s = await sessionByHash(this.db, sha256(token));
    this.authCache.delete(`s:${token}`);
    if (!s) return;
    const u = await userById(this.db, s.user_id);
    await this.db.transaction(async (tx) => {
      await deleteSession(tx, s.hash);
      await writeAudit(tx, { kind: "user", id: u?.name, door }, { action: "user.logout" });
    });
  }

  /** The actor of a session cookie's value, or undefined (unknown, expired). Extends the session as it is used. */
  async session(token: string, door: Door): Promise<SessionAuth | undefined> {
    const key = `s:${token}`;
    const hit = this.cached<SessionAuth>(key);
    if (hit) return { ...hit, actor: { ...hit.actor, door } };
    const s = await sessionByHash(this.db, sha256(token));
    const now = Date.now();
    if (!s || Date.parse(s.expires_at) <= now) return undefined;
    const u = await userById(this.db, s.user_id);
    if (!u) return undefined;
    // Touched at most once a minute: a session in use stays open, without a write per request.
    let expiresAt = s.expires_at;
    if (now - Date.parse(s.seen_at) > 60_000) {
      expiresAt = new Date(Math.min(now + SESSION_IDLE_MS, Date.parse(s.created_at) + SESSION_MAX_MS)).toISOString();
      await this.db.transaction((tx) => touchSession(tx, s.hash, new Date(now).toISOString(), expiresAt));
    }
    const auth: SessionAuth = { actor: { kind: "user", id: u.name, door, grant: { role: u.role as Role, user: u.name } }, csrf: s.csrf, expiresAt };
    this.remember(key, auth);
    return auth;
  }

  /** A token for a program or agent: shown once (the returned `token`), stored as its digest. Its role is at most its user's. */
  async createToken(
    opts: { user: unknown; name: unknown; role?: unknown; apps?: unknown; expiresInDays?: unknown },
    actor: Actor,
  ): Promise<{ token: string; info: TokenInfo }> {
    const u = await this.named(opts.user);
    if (actor.grant && actor.grant.user !== u.name) await mustHave(this.db, actor, "admin", "create tokens for another user", { action: "user.manage" });
    const name = typeof opts.name === "string" ? opts.name.trim() : "";
    if (!name || name.length > 100) throw validationError([{ field: "name", rule: "type", message: "name must be 1 to 100 characters" }], "token");
    const role = opts.role ?? u.role;
    if (!isRole(role)) throw validationError([{ field: "role", rule: "enum", message: `role must be one of ${ROLES.join(", ")}` }], "token");
    if (!atLeast(u.role as Role, role)) throw forbidden(`${u.name} is ${u.role}; a token of theirs cannot be ${role}`);
    if (actor.grant && !atLeast(actor.grant.role, role)) throw forbidden(`a token cannot have more rights than its maker (${actor.grant.role})`);
    const apps = opts.apps === undefined || opts.apps === null ? undefined : opts.apps;
    if (apps !== undefined && (!Array.isArray(apps) || !apps.length || apps.some((a) => typeof a !== "string" || !a || a.length > 63)))
      throw validationError([{ field: "apps", rule: "type", message: "apps must be a non-empty list of app slugs" }], "token");
    const days = opts.expiresInDays ?? 90;
    if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > TOKEN_MAX_DAYS)
      throw validationError([{ field: "expiresInDays", rule: "range", message: `expiresInDays must be a whole number from 1 to ${TOKEN_MAX_DAYS}` }], "token");
    const id = random(9).replace(/[-_]/g, "x");
    const token = `tq_${id}_${random(32)}`;
    const now = new Date();
    const row: TokenRow = {
      id,
      hash: sha256(token),
      user_id: u.id,
      name,
      role,
      apps: apps ? JSON.stringify(apps) : null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + days * 86_400_000).toISOString(),
      used_at: null,
      revoked_at: null,
    };
    await this.db.transaction(async (tx) => {
      await insertToken(tx, row);
      await writeAudit(tx, actor, { action: "token.create", after: { id, name, user: u.name, role, apps, expiresAt: row.expires_at } }, row.created_at);
    });
    return { token, info: tokenInfo(row, u.name) };
  }

  async listTokens(user: unknown, actor: Actor): Promise<TokenInfo[]> {
    const u = user === undefined ? undefined : await this.named(user);
    if (!u || (actor.grant && actor.grant.user !== u.name)) await mustHave(this.db, actor, "admin", "list other users' tokens", { action: "user.manage" });
    const names = new Map((await listUsers(this.db)).map((x) => [x.id, x.name]));
    return (await listTokens(this.db, u?.id)).map((t) => tokenInfo(t, names.get(t.user_id) ?? "?"));
  }

  async revokeToken(id: unknown, actor: Actor): Promise<void> {
    if (typeof id !== "string" || !id) throw badRequest("name the token to revoke by its id");
    const t = await tokenById(this.db, id);
    if (!t) throw notFound("token", id);
    const owner = await userById(this.db, t.user_id);
    if (actor.grant && actor.grant.user !== owner?.name) await mustHave(this.db, actor, "admin", "revoke another user's token", { action: "user.manage" });
    const now = new Date().toISOString();
    await this.db.transaction(async (tx) => {
      if (!(await revokeToken(tx, id, now))) throw conflict(`token ${id} is already revoked`);
      await writeAudit(tx, actor, { action: "token.revoke", before: { id, name: t.name, user: owner?.name } }, now);
    });
    this.authCache.clear();
  }

  /** The actor of a bearer token, or undefined (unknown, revoked, expired, its user gone). */
  async token(bearer: string, door: Door): Promise<Actor | undefined> {
    if (!bearer.startsWith("tq_") || bearer.length > 200) return undefined;
    const key = `t:${bearer}`;
    const hit = this.cached<Actor>(key);
    if (hit) return { ...hit, door };
    const t = await tokenByHash(this.db, sha256(bearer));
    const now = Date.now();
    if (!t || t.revoked_at || (t.expires_at && Date.parse(t.expires_at) <= now)) return undefined;
    const u = await userById(this.db, t.user_id);
    if (!u) return undefined;
    // The token's role, never more than its user's now (a user made viewer takes their tokens down with them).
    const role = atLeast(u.role as Role, t.role as Role) ? (t.role as Role) : (u.role as Role);
    const grant: Grant = { role, user: u.name, ...(t.apps && { apps: JSON.parse(t.apps) as string[] }) };
    if (!t.used_at || now - Date.parse(t.used_at) > 60_000) await this.db.transaction((tx) => touchToken(tx, t.id, new Date(now).toISOString()));
    const actor: Actor = { kind: "token", id: `${t.id}:${u.name}`, door, grant };
    this.remember(key, actor);
    return actor;
  }

  /** A user's rights by name: a flow's service identity (`runAs`), or the command line's `--as`. */
  async grantOf(name: string, field = "user"): Promise<Grant> {
    const u = await userByName(this.db, name.trim().toLowerCase());
    if (!u) throw new TorqueError("validation", `${field}: there is no user named ${name}`, [{ field, rule: "reference", message: `no user ${name}` }]);
    return { role: u.role as Role, user: u.name };
  }

  private async named(name: unknown): Promise<UserRow> {
    const n = typeof name === "string" ? name.trim().toLowerCase() : "";
    const u = n ? await userByName(this.db, n) : undefined;
    if (!u) throw notFound("user", typeof name === "string" ? name.slice(0, 64) : String(name));
    return u;
  }

  private cached<T>(key: string): T | undefined {
    const hit = this.authCache.get(key);
    if (!hit) return undefined;
    if (hit.until > Date.now()) return hit.value as T;
    this.authCache.delete(key);
    return undefined;
  }

  private remember(key: string, value: SessionAuth | Actor) {
    if (this.authCache.size >= AUTH_CACHE_MAX) this.authCache.clear();
    this.authCache.set(key, { until: Date.now() + AUTH_CACHE_MS, value });
  }
}

function checkName(name: unknown): string {
  const n = typeof name === "string" ? name.trim().toLowerCase() : "";
  if (!USER_NAME.test(n))
    throw validationError(
      [{ field: "name", rule: "pattern", message: "a user name is 1 to 64 of a-z, 0-9, '.', '_', '@', '-', starting with a letter or digit" }],
      "user",
    );
  return n;
}

function checkPassword(pw: unknown): void {
  if (typeof pw !== "string" || pw.length < PASSWORD.min || pw.length > PASSWORD.max)
    throw validationError([{ field: "password", rule: "length", message: `a password is ${PASSWORD.min} to ${PASSWORD.max} characters` }], "user");
}

function tokenInfo(t: TokenRow, user: string): TokenInfo {
  return {
    id: t.id,
    name: t.name,
    user,
    role: t.role as Role,
    ...(t.apps && { apps: JSON.parse(t.apps) as string[] }),
    createdAt: t.created_at,
    ...(t.expires_at && { expiresAt: t.expires_at }),
    ...(t.used_at && { usedAt: t.used_at }),
    revoked: !!t.revoked_at,
  };
}

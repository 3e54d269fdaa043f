// SQL for users, login sessions, API tokens and system settings (migration 12). Secrets
// never reach these tables in the clear: passwords arrive hashed (argon2id), sessions and
// tokens as the SHA-256 of their random value.

import type { Queryable } from "./driver";

export interface UserRow {
  id: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

export interface SessionRow {
  hash: string;
  user_id: string;
  csrf: string;
  created_at: string;
  expires_at: string;
  seen_at: string;
}

export interface TokenRow {
  id: string;
  hash: string;
  user_id: string;
  name: string;
  role: string;
  apps: string | null;
  created_at: string;
  expires_at: string | null;
  used_at: string | null;
  revoked_at: string | null;
}

export const listUsers = (q: Queryable) => q.all<UserRow>("SELECT * FROM users ORDER BY name");
export const userByName = (q: Queryable, name: string) => q.get<UserRow>("SELECT * FROM users WHERE name = ?", [name]);
export const userById = (q: Queryable, id: string) => q.get<UserRow>("SELECT * FROM users WHERE id = ?", [id]);
export const countUsers = async (q: Queryable, role?: string) =>
  Number((await q.get<{ n: number }>(`SELECT count(*) AS n FROM users${role ? " WHERE role = ?" : ""}`, role ? [role] : []))!.n);

export async function insertUser(q: Queryable, u: UserRow): Promise<void> {
  await q.run("INSERT INTO users (id, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [
    u.id,
    u.name,
    u.role,
    u.password_hash,
    u.created_at,
    u.updated_at,
  ]);
}

export async function updateUser(q: Queryable, id: string, change: { role?: string; password_hash?: string }, now: string): Promise<void> {
  if (change.role !== undefined) await q.run("UPDATE users SET role = ?, updated_at = ? WHERE id = ?", [change.role, now, id]);
  if (change.password_hash !== undefined) await q.run("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", [change.password_hash, now, id]);
}

/** A user and everything that lets them in (SQLite does not enforce the foreign keys, so they go by hand). */
export async function deleteUser(q: Queryable, id: string): Promise<void> {
  await q.run("DELETE FROM sessions WHERE user_id = ?", [id]);
  await q.run("DELETE FROM api_tokens WHERE user_id = ?", [id]);
  await q.run("DELETE FROM users WHERE id = ?", [id]);
}

export async function insertSession(q: Queryable, s: SessionRow): Promise<void> {
  await q.run("INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)", [
    s.hash,
    s.user_id,
    s.csrf,
    s.created_at,
    s.expires_at,
    s.seen_at,
  ]);
}

export const sessionByHash = (q: Queryable, hash: string) => q.get<SessionRow>("SELECT * FROM sessions WHERE hash = ?", [hash]);
export async function touchSession(q: Queryable, hash: string, seenAt: string, expiresAt: string): Promise<void> {
  await q.run("UPDATE sessions SET seen_at = ?, expires_at = ? WHERE hash = ?", [seenAt, expiresAt, hash]);
}
export async function deleteSession(q: Queryable, hash: string): Promise<void> {
  await q.run("DELETE FROM sessions WHERE hash = ?", [hash]);
}
export async function deleteSessionsOf(q: Queryable, userId: string): Promise<number> {
  return (await q.run("DELETE FROM sessions WHERE user_id = ?", [userId])).changes;
}
export async function deleteExpiredSessions(q: Queryable, now: string): Promise<number> {
  return (await q.run("DELETE FROM sessions WHERE expires_at <= ?", [now])).changes;
}

export async function insertToken(q: Queryable, t: TokenRow): Promise<void> {
  await q.run(
    "INSERT INTO api_tokens (id, hash, user_id, name, role, apps, created_at, expires_at, used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [t.id, t.hash, t.user_id, t.name, t.role, t.apps, t.created_at, t.expires_at, t.used_at, t.revoked_at],
  );
}
export const tokenByHash = (q: Queryable, hash: string) => q.get<TokenRow>("SELECT * FROM api_tokens WHERE hash = ?", [hash]);
export const tokenById = (q: Queryable, id: string) => q.get<TokenRow>("SELECT * FROM api_tokens WHERE id = ?", [id]);
export const listTokens = (q: Queryable, userId?: string) =>
  userId
    ? q.all<TokenRow>("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at", [userId])
    : q.all<TokenRow>("SELECT * FROM api_tokens ORDER BY created_at");
export async function revokeToken(q: Queryable, id: string, now: string): Promise<boolean> {
  return (await q.run("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [now, id])).changes > 0;
}
export async function touchToken(q: Queryable, id: string, now: string): Promise<void> {
  await q.run("UPDATE api_tokens SET used_at = ? WHERE id = ?", [now, id]);
}

export async function readSetting(q: Queryable, key: string): Promise<string | undefined> {
  return (await q.get<{ value: string }>("SELECT value FROM settings WHERE key = ?", [key]))?.value;
}
export async function writeSetting(q: Queryable, key: string, value: string | null): Promise<void> {
  await q.run("DELETE FROM settings WHERE key = ?", [key]);
  if (value !== null) await q.run("INSERT INTO settings (key, value) VALUES (?, ?)", [key, value]);
}

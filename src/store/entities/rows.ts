// SQL for entity rows and relationship links. Nothing else writes the entities table but
// purge.ts (removal of hidden values, which the full-text index never held). Each write
// keeps the type's full-text index (fts.ts) in step in the same transaction, except
// insertLoadedRow, whose caller (a bulk load) indexes the batch once.

import { type Issue, validationError } from "../../lib/errors";
import type { Dialect, FieldRef } from "../dialect";
import type { Driver, Param, Queryable } from "../driver";
import { scope } from "./columns";
import { dropAppFts, ftsAfterDelete, ftsAfterInsert, ftsChangedData, ftsDelete, ftsInsert, ftsTarget } from "./fts";

export interface EntityRow {
  id: string;
  type: string;
  data: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export const getRow = (q: Queryable, appId: number, type: string, id: string) =>
  q.get<EntityRow>(`SELECT id, type, data, version, created_at, updated_at FROM entities WHERE id = ? AND ${scope(appId, type)}`, [id]);

export const getRows = (q: Queryable, appId: number, type: string, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([] as EntityRow[])
    : q.all<EntityRow>(
        `SELECT id, type, data, version, created_at, updated_at FROM entities WHERE id IN (${ids.map(() => "?").join(",")}) AND ${scope(appId, type)}`,
        ids,
      );

/** getRow through the driver's row cache (outside transactions only: a transaction reads its own writes). */
export async function getRowCached(db: Driver, appId: number, type: string, id: string): Promise<EntityRow | undefined> {
  const key = `${appId}/${id}`;
  const hit = db.cache.get(key) as EntityRow | undefined;
  if (hit) return hit.type === type ? hit : undefined;
  const readAt = db.cache.generation;
  const row = await getRow(db, appId, type, id);
  if (row) db.cache.set(key, row, readAt);
  return row;
}

/**
 * What PostgreSQL cannot store in a row's data (JSON text): a string holding the NUL
 * character (JSON writes it \u0000), by field. None on SQLite.
 */
export function unstorable(d: Dialect, data: string): Issue[] {
  if (d.holdsNul || !data.includes("\\u0000")) return [];
  const holds = (v: unknown): boolean =>
    typeof v === "string" ? v.includes("\0") : v !== null && typeof v === "object" && Object.entries(v).some(([k, x]) => k.includes("\0") || holds(x));
  return Object.entries(JSON.parse(data) as Record<string, unknown>)
    .filter(([k, v]) => k.includes("\0") || holds(v))
    .map(([field]) => ({ field, rule: "nul", message: `${field} holds the NUL character (\\u0000), which PostgreSQL cannot store` }));
}

/** Refuse, before anything is written, data the database cannot store (unstorable). */
export function checkStorable(d: Dialect, data: string): void {
  const issues = unstorable(d, data);
  if (issues.length) throw validationError(issues);
}

/** Some ids of a type (at most `limit`, in no particular order). */
export const someIds = (q: Queryable, appId: number, type: string, limit: number) =>
  q.all<{ id: string }>(`SELECT id FROM entities WHERE ${scope(appId, type)} LIMIT ${Math.trunc(limit)}`);

/** Which of these ids exist, in any app of the database, with the app holding each. */
export const appsHolding = (q: Queryable, ids: string[]) =>
  q.all<{ id: string; app_id: number }>(`SELECT id, app_id FROM entities WHERE id IN (${ids.map(() => "?").join(",")})`, ids);

export async function insertRow(q: Queryable, appId: number, type: string, id: string, data: string, now: string) {
  checkStorable(q.dialect, data);
  const r = await q.run("INSERT INTO entities (id, app_id, type, data, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)", [
    id,
    appId,
    type,
    data,
    now,
    now,
  ]);
  await ftsAfterInsert(q, appId, type, id, data);
  return r;
}

/**
 * A row of a bulk load, with the stored version and timestamps given (kept from an
 * export). No full-text entry: the caller indexes the batch (ftsIndexRows) or defers it.
 */
export function insertLoadedRow(
  q: Queryable,
  r: { id: string; appId: number; type: string; data: string; version: number; createdAt: string; updatedAt: string },
) {
  return q.run("INSERT INTO entities (id, app_id, type, data, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
    r.id,
    r.appId,
    r.type,
    r.data,
    r.version,
    r.createdAt,
    r.updatedAt,
  ]);
}

export type LoadedRow = Parameters<typeof insertLoadedRow>[1];

/** Rows per INSERT of insertLoadedRows. */
const LOAD_CHUNK = 5000;

/**
 * PostgreSQL: insert many rows with few statements (a round trip per statement is the
 * cost), each chunk sent as one JSON parameter that the server unpacks (thousands of
 * bound parameters cost more to encode than the rows). A row that would break a unique
 * index (its id, or a unique value held by a stored row or one earlier in the list) is
 * left out, not an error: the ids inserted are returned, and the caller decides what a
 * left-out row means.
 */
export async function insertLoadedRows(q: Queryable, rows: readonly LoadedRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let at = 0; at < rows.length; at += LOAD_CHUNK) {
    const chunk = rows.slice(at, at + LOAD_CHUNK);
    // data goes as text and is cast once: a jsonb column of the record set would be parsed twice.
    const json = `[${chunk.map((r) => JSON.stringify({ id: r.id, app_id: r.appId, type: r.type, data: r.data, version: r.version, created_at: r.createdAt, updated_at: r.updatedAt })).join(",")}]`;
    const got = await q.all<{ id: string }>(
      `INSERT INTO entities (id, app_id, type, data, version, created_at, updated_at)
       SELECT r.id, r.app_id, r.type, r.data::jsonb, r.version, r.created_at, r.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS r(id text, app_id integer, type text, data text, version integer, created_at text, updated_at text)
       ON CONFLICT DO NOTHING RETURNING id`,
      [json],
    );
    for (const r of got) inserted.add(r.id);
  }
  return inserted;
}

/** Whether any row of the app (of any type) has this id: ids are unique per app. */
export async function idTaken(q: Queryable, appId: number, id: string): Promise<boolean> {
  return !!(await q.get("SELECT 1 AS x FROM entities WHERE app_id = ? AND id = ?", [appId, id]));
}

/** The id of another entity of the type holding these values in these fields together (a composite unique index), if any. */
export async function holderOf(q: Queryable, appId: number, type: string, fields: readonly FieldRef[], values: Param[], exceptId: string) {
  const where = fields.map((f) => `${q.dialect.jsonField(f)} = ?`).join(" AND ");
  return (await q.get<{ id: string }>(`SELECT id FROM entities WHERE ${scope(appId, type)} AND ${where} AND id <> ? LIMIT 1`, [...values, exceptId]))?.id;
}

/**
 * Update guarded by the version read earlier in the same transaction. `previous`, the
 * stored data as read in that transaction, lets the full-text check compare in memory
 * instead of reading the row again.
 */
export async function updateRow(q: Queryable, appId: number, type: string, id: string, data: string, version: number, now: string, previous: string) {
  checkStorable(q.dialect, data);
  q.invalidate(`${appId}/${id}`);
  // The full-text entry changes only when the text it holds does (compared before the write).
  const fts = await ftsTarget(q, appId, type);
  const reindex = !!fts && ftsChangedData(fts, JSON.parse(previous), JSON.parse(data));
  const r = await q.run(`UPDATE entities SET data = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND ${scope(appId, type)}`, [
    data,
    now,
    id,
    version,
  ]);
  if (fts && reindex && r.changes) {
    await ftsDelete(q, fts, id);
    await ftsInsert(q, fts, id, data);
  }
  return r;
}

export async function deleteRow(q: Queryable, appId: number, type: string, id: string) {
  q.invalidate(`${appId}/${id}`);
  const r = await q.run(`DELETE FROM entities WHERE id = ? AND ${scope(appId, type)}`, [id]);
  if (r.changes) await ftsAfterDelete(q, appId, type, id);
  return r;
}

export async function idExists(q: Queryable, appId: number, type: string, id: string): Promise<boolean> {
  return !!(await q.get(`SELECT 1 AS x FROM entities WHERE id = ? AND ${scope(appId, type)}`, [id]));
}

/** Which of these ids are entities of `type` (reference checks of a batch of writes). */
export async function existingIds(q: Queryable, appId: number, type: string, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let at = 0; at < ids.length; at += 500) {
    const chunk = ids.slice(at, at + 500);
    const rows = await q.all<{ id: string }>(`SELECT id FROM entities WHERE id IN (${chunk.map(() => "?").join(",")}) AND ${scope(appId, type)}`, chunk);
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/** Whether any stored entity of `type` holds one of these values in a unique field (one question for a batch of writes). */
export async function anyHolds(q: Queryable, d: Dialect, appId: number, type: string, field: FieldRef, values: readonly Param[]): Promise<boolean> {
  for (let at = 0; at < values.length; at += 500) {
    const chunk = values.slice(at, at + 500);
    const sql = `SELECT 1 AS x FROM entities WHERE ${scope(appId, type)} AND ${d.jsonField(field)} IN (${chunk.map(() => "?").join(",")}) LIMIT 1`;
    if (await q.get(sql, [...chunk])) return true;
  }
  return false;
}

/** The id of another entity holding `value` in a unique field, if any. */
export async function uniqueHolder(
  q: Queryable,
  d: Dialect,
  appId: number,
  type: string,
  field: FieldRef,
  value: Param,
  exceptId: string,
): Promise<string | undefined> {
  const r = await q.get<{ id: string }>(`SELECT id FROM entities WHERE ${scope(appId, type)} AND ${d.jsonField(field)} = ? AND id <> ? LIMIT 1`, [
    value,
    exceptId,
  ]);
  return r?.id;
}

/** Entities of `type` whose reference `field` holds `targetId` (all of them without a limit). */
export const referrers = (q: Queryable, d: Dialect, appId: number, type: string, field: string, targetId: string, limit?: number) =>
  q.all<EntityRow>(
    `SELECT id, type, data, version, created_at, updated_at FROM entities WHERE ${scope(appId, type)} AND ${d.jsonField({ name: field, type: "reference" })} = ?${limit === undefined ? "" : ` LIMIT ${Math.trunc(limit)}`}`,
    [targetId],
  );

/** Entities of `type` whose reference `field` holds one of `targetIds`, by id, at most `limit`. */
export const referrersOfAny = (q: Queryable, d: Dialect, appId: number, type: string, field: FieldRef, targetIds: string[], limit: number) =>
  q.all<EntityRow>(
    `SELECT id, type, data, version, created_at, updated_at FROM entities WHERE ${scope(appId, type)} AND ${d.jsonField(field)} IN (${targetIds.map(() => "?").join(",")}) ORDER BY id LIMIT ${Math.trunc(limit)}`,
    targetIds,
  );

export const linkRows = {
  add: (q: Queryable, appId: number, rel: string, from: string, to: string, now: string) =>
    q.run("INSERT INTO entity_relationships (app_id, relationship, from_id, to_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [
      appId,
      rel,
      from,
      to,
      now,
    ]),
  remove: (q: Queryable, appId: number, rel: string, from: string, to: string) =>
    q.run("DELETE FROM entity_relationships WHERE app_id = ? AND relationship = ? AND from_id = ? AND to_id = ?", [appId, rel, from, to]),
  /** Ids linked to `id` on the other side of relationship `rel`. */
  others: (q: Queryable, appId: number, rel: string, side: "from" | "to", id: string) =>
    q.all<{ other: string }>(
      side === "from"
        ? "SELECT to_id AS other FROM entity_relationships WHERE app_id = ? AND relationship = ? AND from_id = ? ORDER BY created_at, to_id"
        : "SELECT from_id AS other FROM entity_relationships WHERE app_id = ? AND relationship = ? AND to_id = ? ORDER BY created_at, from_id",
      [appId, rel, id],
    ),
  removeAllFor: (q: Queryable, appId: number, rel: string, side: "from" | "to", id: string) =>
    q.run(`DELETE FROM entity_relationships WHERE app_id = ? AND relationship = ? AND ${side === "from" ? "from_id" : "to_id"} = ?`, [appId, rel, id]),
  /** Links of relationship `rel` whose `side` end is one of `ids`: `a` that end, `b` the other; at most `limit`. */
  ofAny: (q: Queryable, appId: number, rel: string, side: "from" | "to", ids: string[], limit: number) =>
    q.all<{ a: string; b: string }>(
      `SELECT ${side}_id AS a, ${side === "from" ? "to" : "from"}_id AS b FROM entity_relationships WHERE app_id = ? AND relationship = ? AND ${side}_id IN (${ids.map(() => "?").join(",")}) LIMIT ${Math.trunc(limit)}`,
      [appId, rel, ...ids],
    ),
  /** Every link of an app, by relationship and age (app export). */
  ofApp: (q: Queryable, appId: number) =>
    q.all<{ relationship: string; from: string; to: string }>(
      'SELECT relationship, from_id AS "from", to_id AS "to" FROM entity_relationships WHERE app_id = ? ORDER BY relationship, created_at',
      [appId],
    ),
};

/** Remove every row an app owns (entities, links, full-text tables; indexes bookkeeping is separate). */
export async function deleteAppData(q: Queryable, appId: number): Promise<void> {
  q.invalidateAll();
  await dropAppFts(q, appId);
  await q.run("DELETE FROM entities WHERE app_id = ?", [appId]);
  await q.run("DELETE FROM entity_relationships WHERE app_id = ?", [appId]);
}

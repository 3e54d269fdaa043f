// Which entity types are big enough to be worth an index per field.
//
// Every index on `entities` costs every write to the table, whatever the type written:
// SQLite opens a cursor on each of a table's indexes for every INSERT, UPDATE or DELETE
// statement, partial or not, and opening one costs more the more are open (measured:
// 100 indexes ~30 µs a write, 1,000 ~3 ms, 3,000 ~20 ms). With an index per field of every
// type, a model of 300 types of 30 fields made 9,900 indexes and a seed of 30,000 records
// took minutes; the schema alone took a second and ~100 MB to load per connection.
//
// A type of a few thousand records is read fast without indexes of its own: its rows are
// found through one shared index, `entities_small_types` ((type || ''), app_id, id),
// and sorted or filtered in memory (~1 ms per 1,000 rows). So a type gets the index set
// of indexes.ts (every scalar field, createdAt, updatedAt, references, page sorts, its id)
// once it holds GROWTH.at records, and keeps it; until then only its unique indexes (they
// enforce uniqueness), the composite indexes its model declares and the fields it marks
// `indexed: true`. Grown types are recorded in `entity_grown_types` (migration 13), in
// the transaction that builds their indexes.
//
// The shared index leads with `type || ''`, an expression only the queries of types
// that have not grown write (columns.ts `scope`). SQLite's planner has no statistics
// here and counts equality columns: a plain (app_id, type, id) index looked more
// selective than a grown type's own field indexes and won plans it should have lost
// (a sort by an indexed field became a scan and a sort); an index no grown type's query
// can use cannot win them.

import type { Driver, Queryable } from "../driver";

/** Tunables (tests lower `at` to give small types their indexes). */
export const GROWTH = {
  /** A type gets its per-field indexes when it holds this many records. */
  at: 2000,
};

/** Per database (the driver object): app id → its grown types. What exists, for the planner's INDEXED BY. */
const byDb = new WeakMap<object, Map<number, Set<string>>>();
/**
 * Every grown type any database of this process holds, by app id: `scope` has no database
 * at hand and only chooses the form of a query with it (a wrong guess costs speed, never
 * an answer; one process serves one database outside tests).
 */
const anyDb = new Map<number, Set<string>>();

const EMPTY: ReadonlySet<string> = new Set();
const setOf = (m: Map<number, Set<string>>, appId: number): Set<string> => m.get(appId) ?? m.set(appId, new Set()).get(appId)!;

/** The grown types of an app of this database (kept up by loadGrown and noteGrown). */
export function grownTypes(db: Driver, appId: number): ReadonlySet<string> {
  return byDb.get(db)?.get(appId) ?? EMPTY;
}

/** Whether some database of this process holds this type grown: the form `scope` writes. */
export const looksGrown = (appId: number, type: string): boolean => anyDb.get(appId)?.has(type) ?? false;

/** Read every grown type of the database (at open, and when another process changed it). */
export async function loadGrown(db: Driver): Promise<void> {
  const rows = await db.all<{ app_id: number; type: string }>("SELECT app_id, type FROM entity_grown_types");
  const mine = new Map<number, Set<string>>();
  for (const r of rows) {
    setOf(mine, Number(r.app_id)).add(r.type);
    setOf(anyDb, Number(r.app_id)).add(r.type);
  }
  byDb.set(db, mine);
}

/** After a commit that recorded grown types (syncIndexes' `grown`): the planner may use their indexes now. */
export function noteGrown(db: Driver, appId: number, types: Iterable<string>): void {
  const mine = byDb.get(db) ?? byDb.set(db, new Map()).get(db)!;
  const set = setOf(mine, appId);
  for (const t of types) {
    set.add(t);
    setOf(anyDb, appId).add(t);
  }
}

/** After an app is deleted. */
export function forgetApp(db: Driver, appId: number): void {
  byDb.get(db)?.delete(appId);
  anyDb.delete(appId);
}

/**
 * In a transaction that syncs an app's indexes: its grown types, recording first those
 * that reached GROWTH.at records since (entity_counts) and are still in the model.
 */
export async function growTypes(tx: Queryable, appId: number, types: ReadonlySet<string>): Promise<Set<string>> {
  const had = await tx.all<{ type: string }>("SELECT type FROM entity_grown_types WHERE app_id = ?", [appId]);
  const grown = new Set(had.map((r) => r.type).filter((t) => types.has(t)));
  const big =
    GROWTH.at <= 0
      ? [...types].map((type) => ({ type }))
      : await tx.all<{ type: string }>("SELECT type FROM entity_counts WHERE app_id = ? AND n >= ?", [appId, GROWTH.at]);
  const now = new Date().toISOString();
  for (const { type } of big)
    if (types.has(type) && !grown.has(type)) {
      await tx.run("INSERT INTO entity_grown_types (app_id, type, grown_at) VALUES (?, ?, ?)", [appId, type, now]);
      grown.add(type);
    }
  return grown;
}

/** The grown types of an app as recorded (in a transaction that has not synced its indexes). */
export async function grownTypesIn(q: Queryable, appId: number): Promise<Set<string>> {
  return new Set((await q.all<{ type: string }>("SELECT type FROM entity_grown_types WHERE app_id = ?", [appId])).map((r) => r.type));
}

/** A type's records were removed with its name (model change) or the app deleted: its mark goes too. */
export async function dropGrownMarks(tx: Queryable, appId: number, keep?: ReadonlySet<string>): Promise<void> {
  if (!keep) {
    await tx.run("DELETE FROM entity_grown_types WHERE app_id = ?", [appId]);
    return;
  }
  for (const r of await tx.all<{ type: string }>("SELECT type FROM entity_grown_types WHERE app_id = ?", [appId]))
    if (!keep.has(r.type)) await tx.run("DELETE FROM entity_grown_types WHERE app_id = ? AND type = ?", [appId, r.type]);
}

/** For callers that want only the indexes every type has (unique, declared): none grown. */
export const NONE_GROWN: ReadonlySet<string> = EMPTY;

// Cheap facts about the entities table that the planner, totals and the full-text term
// sample all ask for: a type's record count and the span of rowids; and the counts
// taken from the rows themselves, for the few callers that must not trust the maintained ones.

import type { Queryable } from "../driver";
import { scope } from "./columns";

/** The number of records of a type, from the maintained counts (entity_counts, migration 6). */
export async function typeCount(q: Queryable, appId: number, type: string): Promise<number> {
  const r = await q.get<{ n: number }>("SELECT n FROM entity_counts WHERE app_id = ? AND type = ?", [appId, type]);
  return r?.n ?? 0;
}

/** The number of records of an app, every type together (the same maintained counts). */
export async function appCount(q: Queryable, appId: number): Promise<number> {
  const r = await q.get<{ n: number | null }>("SELECT sum(n) AS n FROM entity_counts WHERE app_id = ?", [appId]);
  return Number(r?.n ?? 0);
}

/** The lowest and highest rowid of the table, or null when it is empty. Two subqueries: each is one seek (min and max in one SELECT scan the table). */
export async function rowidRange(q: Queryable): Promise<{ lo: number; hi: number } | null> {
  const r = await q.get<{ lo: number | null; hi: number | null }>("SELECT (SELECT min(rowid) FROM entities) AS lo, (SELECT max(rowid) FROM entities) AS hi");
  return r?.lo == null || r.hi == null ? null : { lo: r.lo, hi: r.hi };
}

/** The records of a type, counted in the rows. */
export async function typeRowCount(q: Queryable, appId: number, type: string): Promise<number> {
  return (await q.get<{ n: number }>(`SELECT count(*) AS n FROM entities WHERE ${scope(appId, type)}`))!.n;
}

/** The records of an app, counted in the rows. */
export async function appRowCount(q: Queryable, appId: number): Promise<number> {
  return (await q.get<{ n: number }>("SELECT count(*) AS n FROM entities WHERE app_id = ?", [appId]))!.n;
}

/** The records of an app per stored type (types the model no longer has included), counted in the rows. */
export const typeRowCounts = (q: Queryable, appId: number) =>
  q.all<{ type: string; n: number }>("SELECT type, count(*) AS n FROM entities WHERE app_id = ? GROUP BY type", [appId]);

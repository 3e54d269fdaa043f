// Aggregates for KPIs and charts (`aggregateEntities`): count, sum, avg, min, max over
// one entity type, with an optional filter and group, computed in the database
// (store/entities/aggregate.ts builds and checks the SQL). Reads run on the reader
// connection: an aggregate never holds the write lock.

import { type AggregateRequest, buildAggregate, MAX_GROUPS } from "../../store/entities/aggregate";
import { typeCount } from "../../store/entities/count";

export { AGGREGATE_OPS, BUCKETS, MAX_AGGREGATES, MAX_GROUPS } from "../../store/entities/aggregate";

import { type EntityContext, entityOf } from "./context";

export interface AggregateGroup {
  /** The group's value (absent without groupBy): an enum option, true/false, a reference id, a bucket's first day ("2026-05-04") or month ("2026-05"); null for records without one. */
  key?: string | number | boolean | null;
  /** One per requested aggregate, in order: numbers; min/max of a date or datetime field are its stored text; null when no record has a value. */
  values: (number | string | null)[];
}

export interface AggregateResult {
  groups: AggregateGroup[];
  /** More than MAX_GROUPS groups exist; the first MAX_GROUPS in key order are returned. */
  limited: boolean;
}

export async function aggregateEntities(ctx: EntityContext, app: string, entity: string, req: AggregateRequest): Promise<AggregateResult> {
  const { db, apps } = ctx;
  const rt = await apps.runtime(app);
  const ent = entityOf(rt, entity);
  const q = buildAggregate(rt.id, ent, db.dialect, req ?? {});
  if (q.countOnly) {
    const n = await typeCount(db, rt.id, ent.name);
    return { groups: [{ values: q.specs.map(() => n) }], limited: false };
  }
  const rows = await db.all<Record<string, unknown>>(q.sql, q.params);
  const limited = rows.length > MAX_GROUPS;
  if (limited) rows.length = MAX_GROUPS;
  const groups = rows.map((r) => {
    const values = q.specs.map((_, i) => (r[`v${i}`] ?? null) as number | string | null);
    if (!q.group) return { values };
    let key = (r.k ?? null) as string | number | boolean | null;
    if (q.group.field.type === "boolean" && key !== null) key = key === 1 || key === true;
    return { key, values };
  });
  return { groups, limited };
}

// Aggregates for KPIs and charts (`aggregateEntities`): count, sum, avg, min, max over
// one entity type, with an optional filter and group, computed in the database
// (store/entities/aggregate.ts builds and checks the SQL). Reads run on the reader
// connection: an aggregate never holds the write lock. In order of preference: the
// maintained count, the maintained rollups (store/entities/rollup-aggregate.ts, with
// min/max from the field's index), the plain query.

import type { CompiledEntity } from "../../model/compile";
import { type AggregateQuery, type AggregateRequest, aggregateRows, buildAggregate, MAX_GROUPS } from "../../store/entities/aggregate";
import { grownTypes } from "../../store/entities/growth";
import { walkIndexes } from "../../store/entities/indexes";
import { smallCandidateSet } from "../../store/entities/planner";
import { MINMAX_WINDOW, readMinMaxWindow, rollupAggregate } from "../../store/entities/rollup-aggregate";
import { typeCount } from "../../store/entities/stats";
import type { AppRuntime } from "../apps";

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

type Row = Record<string, unknown>;

/** Candidates a filtered aggregate reads at most instead of every row of the type (2–3 µs each at random, against 1.2 µs a row in order: a fifth of a million-row type still wins). */
const AGGREGATE_CANDIDATES = 200_000;

export async function aggregateEntities(ctx: EntityContext, app: string, entity: string, req: AggregateRequest): Promise<AggregateResult> {
  const { db, apps } = ctx;
  const rt = await apps.runtime(app);
  const ent = entityOf(rt, entity);
  const q = buildAggregate(rt.id, ent, db.dialect, req ?? {});
  if (q.countOnly) {
    const n = await typeCount(db, rt.id, ent.name);
    return { groups: [{ values: q.specs.map(() => n) }], limited: false };
  }
  let rows: Row[] | null = null;
  // Index-backed candidate sets and filtered min/max windows are SQLite's; PostgreSQL plans the plain query itself.
  const sqlite = db.dialect.name === "sqlite";
  const fast = rollupAggregate(rt.id, ent, db.dialect, q, grownTypes(db, rt.id).has(ent.name));
  if (fast && (sqlite || !fast.later.length)) {
    try {
      rows = await aggregateRows(db, fast);
    } catch (e) {
      // The table is named from the model this process compiled; a model saved elsewhere
      // (or an app whose rollups an open has not made yet) has another or none: the rows answer.
      if (!/no such table|relation "agg_\w+" does not exist/.test((e as Error).message)) throw e;
    }
    if (rows && fast.later.length && !(await fillMinMax(ctx, rt, ent, q, rows[0]!, fast.later))) rows = null;
  }
  if (!rows) {
    // A selective filter reads only its candidates (planner.ts): at most AGGREGATE_CANDIDATES rows.
    const within =
      q.filter.kind === "all" || !sqlite
        ? undefined
        : await smallCandidateSet(
            db,
            { appId: rt.id, ent, d: db.dialect, filter: q.filter, indexes: walkIndexes(rt.id, rt.model, db.dialect, ent.name, grownTypes(db, rt.id)) },
            AGGREGATE_CANDIDATES,
          );
    const plain = within ? buildAggregate(rt.id, ent, db.dialect, req ?? {}, within) : q;
    rows = await aggregateRows(db, plain);
  }
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

/** Filtered min/max from each field's index (minMaxWindow); false when a window was not enough (the plain query answers). */
async function fillMinMax(ctx: EntityContext, rt: AppRuntime, ent: CompiledEntity, q: AggregateQuery, row: Row, later: number[]): Promise<boolean> {
  const indexes = walkIndexes(rt.id, rt.model, ctx.db.dialect, ent.name, grownTypes(ctx.db, rt.id));
  for (const i of later) {
    const s = q.specs[i]!;
    const index = indexes.get(s.field!);
    if (!index) return false;
    const r = await readMinMaxWindow(ctx.db, rt.id, ent, ctx.db.dialect, s.op as "min" | "max", s.field!, index, q.filter);
    if (r?.v == null && (r?.seen ?? 0) >= MINMAX_WINDOW.entries) return false;
    row[`v${i}`] = r?.v ?? null;
  }
  return true;
}

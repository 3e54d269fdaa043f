// Aggregates answered from the maintained rollups (rollups.ts) instead of the rows, and
// min/max answered from a field's index. What the rollups can answer:
// - no filter, or an `eq`/`in` filter on one enum or boolean field (its rows of that value);
// - no group, or a group by that same field (or, without a filter, by any enum, boolean,
//   date or datetime field: days are stored, weeks and months are their sums);
// - count, sum and avg of number/integer fields; min/max only without a group, each from
//   the field's index (one seek without a filter; with one, see minMaxWindow).
// Anything else is left to the plain query (aggregate.ts).

import type { CompiledEntity } from "../../model/compile";
import type { FilterNode } from "../../model/filter/ast";
import { checkedIdent, type Dialect } from "../dialect";
import type { Param, Queryable } from "../driver";
import { type AggregateQuery, keySql, MAX_GROUPS } from "./aggregate";
import { scope } from "./columns";
import { filterSql } from "./filter";
import { NULL_KEY, type RollupDef, rollupDef, wholeGroup } from "./rollups";
import { pgKeyParam, pgKeyValue } from "./rollups-postgres";

export interface RollupQuery {
  sql: string;
  params: Param[];
  /** Specs (by index) this query leaves null for a second step: min/max under a filter (minMaxWindow). */
  later: number[];
}

/** The rows of one value of an enum/boolean field, from an eq or in filter on it; null for any other filter. */
function valueFilter(node: FilterNode, def: RollupDef, pg: boolean): { field: string; values: Param[] } | null {
  if (node.kind === "and" && node.items.length === 1) return valueFilter(node.items[0]!, def, pg);
  const target = node.kind === "compare" || node.kind === "in" ? node.target : null;
  if (target?.kind !== "field" || !def.groups.some((g) => !g.day && g.field === target.name)) return null;
  const bind = (v: string | number | boolean): Param => {
    const value = typeof v === "boolean" ? (v ? 1 : 0) : v;
    return pg ? pgKeyParam(value) : value;
  };
  if (node.kind === "compare" && node.op === "eq") return { field: target.name, values: [bind(node.value)] };
  if (node.kind === "in" && !node.negated) return { field: target.name, values: node.values.map(bind) };
  return null;
}

/** SQL over the type's rollup table for this aggregate, or null when the rollups cannot answer it. */
export function rollupAggregate(appId: number, ent: CompiledEntity, d: Dialect, q: AggregateQuery, grown: boolean): RollupQuery | null {
  // Only grown types have rollups (rollups.ts).
  const def = grown ? rollupDef(appId, ent) : null;
  if (!def) return null;
  const pg = d.name === "postgres";
  const only = q.filter.kind === "all" ? null : valueFilter(q.filter, def, pg);
  if (q.filter.kind !== "all" && !only) return null;
  const group = q.group;
  if (group) {
    const g = def.groups.find((x) => x.field === group.field.name);
    if (!g || g.day !== !!group.bucket || (only && only.field !== g.field)) return null;
    if (q.specs.some((s) => s.op === "min" || s.op === "max")) return null;
  }
  if (q.specs.some((s) => (s.op === "sum" || s.op === "avg") && !def.nums.includes(s.field!))) return null;
  const later: number[] = [];
  const values = q.specs.map((s, i) => {
    if (s.op === "count") return `coalesce(sum(n), 0) AS v${i}`;
    if (s.op === "min" || s.op === "max") {
      if (only) {
        later.push(i);
        return `NULL AS v${i}`;
      }
      // One seek of the field's (field, id) index: SQLite's min/max optimisation.
      return `(SELECT ${s.op}(${d.jsonField(ent.fields.get(s.field!)!)}) FROM entities WHERE ${scope(appId, ent.name)}) AS v${i}`;
    }
    const c = def.nums.indexOf(s.field!);
    const total = pg ? `sum(s${c})` : `(total(s${c}) + total(e${c}))`;
    // PostgreSQL's sums are exact numerics: rounded once, to a double, as the query's are.
    return `CASE WHEN sum(c${c}) > 0 THEN (${s.op === "sum" ? total : `${total} / sum(c${c})`})${pg ? "::float8" : ""} END AS v${i}`;
  });
  const g = group ? group.field.name : only ? only.field : wholeGroup(def);
  const params: Param[] = only ? [...only.values] : [];
  const where = `g = '${g && checkedIdent(g)}'${only ? ` AND v IN (${only.values.map(() => "?").join(", ")})` : ""}`;
  if (!group) return { sql: `SELECT ${values.join(", ")} FROM ${def.name} WHERE ${where}`, params, later };
  // Keys come back as stored (NULL_KEY is a record without a value); days become weeks or months here.
  const stored = pg ? pgKeyValue("v", group.field.type === "boolean") : `nullif(v, ${NULL_KEY})`;
  const key = keySql(group.bucket, stored, d);
  return {
    sql: `SELECT ${key} AS k, ${values.join(", ")} FROM ${def.name} WHERE ${where} GROUP BY k HAVING sum(n) > 0 ORDER BY ${d.orderBy("k", "asc")} LIMIT ${MAX_GROUPS + 1}`,
    params,
    later,
  };
}

/** Entries of the field's index a filtered min/max examines before it falls back to the plain query. */
export const MINMAX_WINDOW = { entries: 4000 };

/**
 * min/max of a field under a filter, walking the field's index from the low (min) or
 * high (max) end: the first entry whose record passes the filter is the answer. The walk
 * is bounded (MINMAX_WINDOW entries, each a row read); `done` is false when the window
 * held no match and more entries remain: then only the plain query knows.
 */
export function minMaxWindow(appId: number, ent: CompiledEntity, d: Dialect, op: "min" | "max", field: string, index: string, filter: FilterNode) {
  const x = d.jsonField(ent.fields.get(field)!);
  const params: Param[] = [];
  const cond = filterSql(filter, d, params);
  // The filter reads the window's columns by the names it uses on `entities`.
  const sql =
    `SELECT ${op}(x) FILTER (WHERE ${cond}) AS v, count(*) AS seen FROM (SELECT ${x} AS x, id, data, created_at, updated_at FROM entities ` +
    `INDEXED BY ${checkedIdent(index)} WHERE ${scope(appId, ent.name)} AND ${d.notNull(x)} ORDER BY ${x} ${op === "min" ? "ASC" : "DESC"} LIMIT ${MINMAX_WINDOW.entries})`;
  return { sql, params };
}

/** Read one minMaxWindow: the answer `v` (null when no entry of the window matched) and the entries examined. */
export function readMinMaxWindow(
  q: Queryable,
  appId: number,
  ent: CompiledEntity,
  d: Dialect,
  op: "min" | "max",
  field: string,
  index: string,
  filter: FilterNode,
) {
  const w = minMaxWindow(appId, ent, d, op, field, index, filter);
  return q.get<{ v: unknown; seen: number }>(w.sql, w.params);
}

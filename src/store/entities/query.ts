// Builds the SQL for one page of entities: filter, multi-field sort with the id as the
// final tie-breaker, and keyset pagination (the cursor carries the last row's sort values),
// so page 10,000 costs what page 1 costs.
import type { CompiledEntity } from "../../model/compile";
import { fieldKinds } from "../../model/fields/registry";
import { isPlainObject } from "../../lib/json";
import { badRequest, validationError, type Issue } from "../../lib/errors";
import type { Dialect } from "../dialect";
import type { Param } from "../driver";
import { column, scope, type Column } from "./columns";
import { compileFilter } from "./filter";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface SortKey {
  col: Column;
  dir: "asc" | "desc";
}

export function parseSort(ent: CompiledEntity, sort: unknown, d: Dialect): SortKey[] {
  if (sort === undefined || sort === null) return [];
  const list = Array.isArray(sort) ? sort : [sort];
  const issues: Issue[] = [];
  const keys: SortKey[] = [];
  list.forEach((s, i) => {
    const spec = typeof s === "string" ? { field: s.replace(/^-/, ""), dir: s.startsWith("-") ? "desc" : "asc" } : s;
    if (!isPlainObject(spec) || typeof spec.field !== "string") {
      issues.push({ field: `sort[${i}]`, rule: "type", message: 'a sort key is {"field": name, "dir": "asc"|"desc"}' });
      return;
    }
    const dir = spec.dir ?? "asc";
    if (dir !== "asc" && dir !== "desc") issues.push({ field: `sort[${i}].dir`, rule: "enum", message: 'dir must be "asc" or "desc"' });
    const col = column(ent, spec.field, d);
    if (!col) issues.push({ field: `sort[${i}].field`, rule: "unknown", message: `${ent.name} has no field "${spec.field}"` });
    else if (col.field && !fieldKinds[col.field.type].ordered) issues.push({ field: `sort[${i}].field`, rule: "type", message: `a ${col.field.type} field cannot be sorted` });
    else if (keys.some((k) => k.col.name === col.name)) issues.push({ field: `sort[${i}].field`, rule: "duplicate", message: `sorted by ${spec.field} twice` });
    else keys.push({ col, dir: dir as "asc" | "desc" });
  });
  if (issues.length) throw validationError(issues, "sort");
  return keys;
}

/** The sort actually applied: the requested keys, then id in the direction of the last key. */
export function withTieBreaker(keys: SortKey[]): SortKey[] {
  const idKey = keys.find((k) => k.col.name === "id");
  if (idKey) return keys.slice(0, keys.indexOf(idKey) + 1);
  return [...keys, { col: { name: "id", sql: "id" }, dir: keys.at(-1)?.dir ?? "asc" }];
}

interface CursorBody {
  s: string; // the sort it belongs to
  v: unknown[]; // sort values of the last row, id last
}
const signature = (keys: SortKey[]) => keys.map((k) => `${k.col.name}:${k.dir}`).join(",");

export function encodeCursor(keys: SortKey[], values: unknown[]): string {
  return Buffer.from(JSON.stringify({ s: signature(keys), v: values } satisfies CursorBody)).toString("base64url");
}

function decodeCursor(keys: SortKey[], cursor: string): unknown[] {
  let body: CursorBody;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badRequest("cursor is not one this server issued", { field: "cursor", rule: "format" });
  }
  if (!body || !Array.isArray(body.v) || body.v.length !== keys.length || body.s !== signature(keys))
    throw badRequest("cursor belongs to a different sort or filter; start again without a cursor", { field: "cursor", rule: "mismatch" });
  for (const v of body.v) if (v !== null && typeof v !== "string" && typeof v !== "number") throw badRequest("cursor is damaged", { field: "cursor", rule: "format" });
  return body.v;
}

/** SQL for "strictly after the cursor row" in the sort order; NULLs first ascending, last descending. */
function keysetCondition(keys: SortKey[], values: unknown[], params: Param[]): string {
  if (keys.every((k) => k.dir === "asc") && values.every((v) => v !== null)) {
    // Row-value comparison: one range scan on the matching index.
    params.push(...(values as Param[]));
    return `(${keys.map((k) => k.col.sql).join(", ")}) > (${keys.map(() => "?").join(", ")})`;
  }
  const ors: string[] = [];
  keys.forEach((k, i) => {
    const ands: string[] = [];
    for (let j = 0; j < i; j++) {
      if (values[j] === null) ands.push(`${keys[j]!.col.sql} IS NULL`);
      else ands.push(`${keys[j]!.col.sql} = ?`), params.push(values[j] as Param);
    }
    const v = values[i];
    if (k.dir === "asc") {
      if (v === null) ands.push(`${k.col.sql} IS NOT NULL`);
      else ands.push(`${k.col.sql} > ?`), params.push(v as Param);
    } else {
      if (v === null) return; // nothing sorts after NULL when descending
      ands.push(`(${k.col.sql} < ? OR ${k.col.sql} IS NULL)`), params.push(v as Param);
    }
    ors.push(`(${ands.join(" AND ")})`);
  });
  return ors.length ? `(${ors.join(" OR ")})` : "0=1";
}

export interface PageQuery {
  sql: string;
  params: Param[];
  countSql: string;
  countParams: Param[];
  keys: SortKey[];
  limit: number;
}

export function buildPageQuery(
  appId: number,
  ent: CompiledEntity,
  d: Dialect,
  opts: { filter?: unknown; sort?: unknown; limit?: unknown; cursor?: unknown },
): PageQuery {
  const limit = opts.limit === undefined || opts.limit === null ? DEFAULT_LIMIT : opts.limit;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw validationError([{ field: "limit", rule: "range", message: `limit must be a whole number from 1 to ${MAX_LIMIT}` }], "query");
  const keys = withTieBreaker(parseSort(ent, opts.sort, d));
  const f = compileFilter(ent, opts.filter, d);
  const where = [scope(appId, ent.name), f.sql];
  const countParams = [...f.params];
  const params = [...f.params];
  if (opts.cursor !== undefined && opts.cursor !== null && opts.cursor !== "") {
    if (typeof opts.cursor !== "string") throw badRequest("cursor must be text", { field: "cursor", rule: "type" });
    where.push(keysetCondition(keys, decodeCursor(keys, opts.cursor), params));
  }
  const sortCols = keys.map((k, i) => `${k.col.sql} AS k${i}`).join(", ");
  const order = keys.map((k) => d.orderBy(k.col.sql, k.dir)).join(", ");
  params.push(limit + 1);
  return {
    sql: `SELECT id, ${d.dataColumn} AS data, version, created_at, updated_at, ${sortCols} FROM entities WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ?`,
    params,
    countSql: `SELECT count(*) AS n FROM entities WHERE ${scope(appId, ent.name)} AND ${f.sql}`,
    countParams,
    keys,
    limit,
  };
}

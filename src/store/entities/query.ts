// Builds the SQL for one page of entities: filter, multi-field sort with the id as the
// final tie-breaker, and keyset pagination (the cursor carries the last row's sort values),
// so page 10,000 costs what page 1 costs. An `offset` skips rows after the cursor (or the
// start), for a grid's jump into the middle of a long list.

import { badRequest, type Issue, rangeMessage, validationError } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import type { CompiledEntity } from "../../model/compile";
import { fieldKinds } from "../../model/fields/registry";
import type { Dialect } from "../dialect";
import type { Param, Queryable } from "../driver";
import { type Column, column, scope } from "./columns";
import { compileFilter } from "./filter";
import type { PageRow } from "./planner";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
/** Rows an `offset` may skip: skipping costs a walk over them, so it is bounded. */
export const MAX_OFFSET = 1_000_000;

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
    else if (col.field && !fieldKinds[col.field.type].ordered)
      issues.push({ field: `sort[${i}].field`, rule: "type", message: `a ${col.field.type} field cannot be sorted` });
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

export function decodeCursor(keys: SortKey[], cursor: string): unknown[] {
  let body: CursorBody;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badRequest("cursor is not one this server issued", { field: "cursor", rule: "format" });
  }
  if (!body || !Array.isArray(body.v) || body.v.length !== keys.length || body.s !== signature(keys))
    throw badRequest("cursor belongs to a different sort; start again without a cursor", { field: "cursor", rule: "mismatch" });
  for (const v of body.v)
    if (v !== null && typeof v !== "string" && typeof v !== "number") throw badRequest("cursor is damaged", { field: "cursor", rule: "format" });
  return body.v;
}

/**
 * "Strictly after the cursor row" in the sort order (NULLs first ascending, last
 * descending), as an ordered list of segments: rows of the first come before those of
 * the second, and so on. In segment `from`, the keys before it are fixed by equality, so
 * it is ordered by the remaining keys only and is one range scan on the sort's index.
 * (One OR of all segments, or a row-value comparison, makes SQLite scan and sort.)
 */
export function keysetSegments(keys: SortKey[], values: unknown[], d: Dialect): { sql: string; params: Param[]; from: number }[] {
  const segments: { sql: string; params: Param[]; from: number }[] = [];
  // Deepest key first: rows equal on every earlier key and after the cursor on this one come next.
  for (let i = keys.length - 1; i >= 0; i--) {
    const prefix: string[] = [],
      params: Param[] = [];
    for (let j = 0; j < i; j++) {
      if (values[j] === null) prefix.push(`${keys[j]!.col.sql} IS NULL`);
      else {
        prefix.push(`${keys[j]!.col.sql} = ?`);
        params.push(values[j] as Param);
      }
    }
    const k = keys[i]!,
      v = values[i];
    const seg = (cond: string, p: Param[], from: number) => segments.push({ sql: [...prefix, cond].join(" AND "), params: [...params, ...p], from });
    if (k.dir === "asc") {
      if (v === null) seg(d.notNull(k.col.sql), [], i);
      else seg(`${k.col.sql} > ?`, [v as Param], i);
    } else if (v !== null) {
      seg(`${k.col.sql} < ?`, [v as Param], i);
      if (k.col.field) seg(`${k.col.sql} IS NULL`, [], i + 1); // NULLs come last when descending (system columns have none)
    }
  }
  return segments;
}

export interface PagePart {
  /** The part's rows in order; params, then LIMIT (see `offsetSql` to skip some first). */
  sql: string;
  params: Param[];
  /** How many rows the part has, counting no further than the last param: whether an offset skips it whole. */
  skipSql: string;
}

export interface PageQuery {
  /** Run in order, each with LIMIT = rows still wanted, until the page is full. */
  parts: PagePart[];
  countSql: string;
  countParams: Param[];
  keys: SortKey[];
  limit: number;
  /** Rows to skip before the page starts (0: none). */
  offset: number;
  /**
   * PostgreSQL, a filter that matches text: its planner's guess of how many rows match a
   * text pattern can be far off, and a guess of many made it walk the sort's index for
   * rows that were rare (a prefix held by 76 of 100,000 orders: 56,000 rows read, 210 ms).
   * So the matches are counted first, up to PROBE_CAP (the trigram index answers that
   * quickly either way); when there are fewer, `few` is read instead of `parts`: the
   * matches found through the indexes, then sorted (at most PROBE_CAP rows).
   */
  probe?: { sql: string; params: Param[]; few: Pick<PagePart, "sql" | "params">[] };
}

/** Matches below which a page of a text-matching filter on PostgreSQL is found first and sorted after. */
export const PROBE_CAP = 2000;

/** A part's SQL taking LIMIT and then OFFSET. */
export const offsetSql = (part: PagePart): string => `${part.sql} OFFSET ?`;

/** The page size asked for, checked (default 50). */
export function pageLimit(value: unknown): number {
  const limit = value === undefined || value === null ? DEFAULT_LIMIT : value;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw validationError([{ field: "limit", rule: "range", message: rangeMessage("limit", 1, MAX_LIMIT) }], "query");
  return limit;
}

/** The offset asked for, checked (default 0). */
export function pageOffset(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_OFFSET)
    throw validationError([{ field: "offset", rule: "range", message: rangeMessage("offset", 0, MAX_OFFSET) }], "query");
  return value;
}

/** The cursor's sort values (undefined for a first page); a cursor of another sort is refused. */
export function cursorValues(keys: SortKey[], cursor: unknown): unknown[] | undefined {
  if (cursor === undefined || cursor === null || cursor === "") return undefined;
  if (typeof cursor !== "string") throw badRequest("cursor must be text", { field: "cursor", rule: "type" });
  return decodeCursor(keys, cursor);
}

/**
 * The plain form of a page: the filter and the keyset segments as written, left to
 * SQLite's planner (which scans and sorts when the filter has no index of its own). The
 * reference the planner (planner.ts) is tested against, its fallback while an index is
 * being rebuilt, and the count of `total`.
 */
export function buildPageQuery(
  appId: number,
  ent: CompiledEntity,
  d: Dialect,
  opts: { filter?: unknown; sort?: unknown; limit?: unknown; cursor?: unknown; offset?: unknown },
): PageQuery {
  const limit = pageLimit(opts.limit);
  const offset = pageOffset(opts.offset);
  const keys = withTieBreaker(parseSort(ent, opts.sort, d));
  const f = compileFilter(ent, opts.filter, d);
  const base = `${scope(appId, ent.name)} AND ${f.sql}`;
  const select = `SELECT id, ${d.dataColumn} AS data, version, created_at, updated_at, ${keys.map((k, i) => `${k.col.sql} AS k${i}`).join(", ")} FROM entities WHERE `;
  // A segment's earlier keys are fixed, so ordering by the later ones suffices. PostgreSQL
  // is given every key all the same: it reads a fixed `= ?` key as a constant of the
  // index's order, but not a fixed `IS NULL` one, and then sorted the whole segment (a
  // keyset page inside a run of empty values: 38 ms for 20,000 rows, 0.15 ms with all keys).
  const ordered = (from: number) => (d.name === "postgres" ? 0 : from);
  const order = (from: number) =>
    `${
      from < keys.length
        ? ` ORDER BY ${keys
            .slice(ordered(from))
            .map((k) => d.orderBy(k.col.sql, k.dir))
            .join(", ")}`
        : ""
    } LIMIT ?`;
  const part = (where: string, params: Param[], from: number): PagePart => ({
    sql: select + where + order(from),
    params,
    skipSql: `SELECT count(*) AS n FROM (SELECT 1 FROM entities WHERE ${where} LIMIT ?) AS part`,
  });
  const segments: { where: string; params: Param[]; from: number }[] = [{ where: base, params: [...f.params], from: 0 }];
  const values = cursorValues(keys, opts.cursor);
  if (values)
    segments.splice(
      0,
      1,
      ...keysetSegments(keys, values, d).map((seg) => ({ where: `${base} AND ${seg.sql}`, params: [...f.params, ...seg.params], from: seg.from })),
    );
  const parts = segments.map((seg) => part(seg.where, seg.params, seg.from));
  // OFFSET 0 keeps the subquery whole: planned without the LIMIT, it finds the matches
  // through the indexes rather than walking the sort's index.
  const sortedAfter = (where: string, params: Param[]) => ({
    sql: `SELECT * FROM (${select}${where} OFFSET 0) AS m ORDER BY ${keys.map((k, i) => d.orderBy(`k${i}`, k.dir)).join(", ")} LIMIT ?`,
    params,
  });
  const probe =
    d.name === "postgres" && f.matchesText
      ? {
          sql: `SELECT count(*) AS n FROM (SELECT 1 FROM entities WHERE ${base} LIMIT ${PROBE_CAP}) AS c`,
          params: [...f.params],
          few: segments.map((seg) => sortedAfter(seg.where, seg.params)),
        }
      : undefined;
  return { parts, countSql: `SELECT count(*) AS n FROM entities WHERE ${base}`, countParams: f.params, keys, limit, offset, ...(probe && { probe }) };
}

/** One page by the plain query, its parts read in order until the page is full (`more`: a row beyond it exists). */
export async function readPlainPage(q: Queryable, pq: PageQuery): Promise<{ rows: PageRow[]; more: boolean }> {
  const rows: PageRow[] = [];
  const few = pq.probe && Number((await q.get<{ n: number }>(pq.probe.sql, pq.probe.params))?.n ?? 0) < PROBE_CAP;
  for (const part of few ? pq.probe!.few : pq.parts) {
    rows.push(...(await q.all<PageRow>(part.sql, [...part.params, pq.limit + 1 - rows.length])));
    if (rows.length > pq.limit) break;
  }
  const more = rows.length > pq.limit;
  if (more) rows.pop();
  return { rows, more };
}

/**
 * The plain query skipping `pq.offset` rows first. After a cursor the rows come in several
 * parts (keyset segments): a part with fewer rows than are still to skip is skipped whole,
 * counted no further than the rows still to skip, so the work stays that of one OFFSET.
 */
export async function readOffsetPage(q: Queryable, pq: PageQuery): Promise<{ rows: PageRow[]; more: boolean }> {
  const rows: PageRow[] = [];
  let skip = pq.offset;
  for (const part of pq.parts) {
    if (skip > 0 && pq.parts.length > 1) {
      const n = Number((await q.get<{ n: number }>(part.skipSql, [...part.params, skip]))?.n ?? 0);
      if (n < skip) {
        skip -= n;
        continue;
      }
    }
    rows.push(...(await q.all<PageRow>(offsetSql(part), [...part.params, pq.limit + 1 - rows.length, skip])));
    skip = 0;
    if (rows.length > pq.limit) break;
  }
  const more = rows.length > pq.limit;
  if (more) rows.pop();
  return { rows, more };
}

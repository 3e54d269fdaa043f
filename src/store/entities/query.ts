// Builds the SQL for one page of entities: filter, multi-field sort with the id as the
// final tie-breaker, and keyset pagination (the cursor carries the last row's sort values),
// so page 10,000 costs what page 1 costs. An `offset` skips rows after the cursor (or the
// start), for a grid's jump into the middle of a long list.

import { badRequest, type Issue, rangeMessage, validationError } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import type { CompiledEntity } from "../../model/compile";
import { fieldKinds } from "../../model/fields/registry";
import type { FilterNode } from "../../model/filter/ast";
import type { Dialect } from "../dialect";
import type { Param, Queryable } from "../driver";
import { type Column, column, scope } from "./columns";
import { compileFilter, filterSql, onlyText } from "./filter";
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
  /** PostgreSQL, a sort by two fields or more: the part read one value of the first key at a time (readLoose). */
  loose?: LooseScan;
}

/**
 * A part sorted by several keys read one value of the first key at a time: each value's
 * rows ordered by the other keys (PostgreSQL then walks the second key's index among the
 * rows of that value), the next value found by a seek of the first key's index. Without
 * it, a page sorted by status and then amount had every row of the first status read and
 * sorted (150,000 of 1,000,000 orders: 250 ms). After LOOSE_GROUPS values (a first key with
 * few ties) the rest is read the plain way. Params of each: the part's, then as noted.
 */
interface LooseScan {
  dir: "asc" | "desc";
  /** The rows without a first key (first ascending, last descending); LIMIT. Only in a part that can hold them. */
  empty?: Pick<PagePart, "sql" | "params">;
  /** The rows of the first value; LIMIT. */
  first: Pick<PagePart, "sql" | "params">;
  /** The rows of the next value after ?; the value, LIMIT. */
  next: Pick<PagePart, "sql" | "params">;
  /** Every row after the value ?, in the full order; the value, LIMIT. */
  after: Pick<PagePart, "sql" | "params">;
}

/** Values of the first key a LooseScan reads one by one before it reads the rest the plain way. */
export const LOOSE_GROUPS = 8;

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
   * text pattern can be far off either way. A guess of many made it walk the sort's index
   * for rows that were rare (a prefix held by 76 of 100,000 orders: 56,000 rows read,
   * 210 ms); a guess of few made it collect a common word's 150,000 rows through the
   * trigram index and sort them (seconds). So such a page is read without asking it
   * (readPlainPage): `walk` reads the sort's order, `few` finds a part's matches through the
   * indexes, at most TEXT_PAGE.probeCap of them, and sorts them (its `found` column tells how many
   * it found: TEXT_PAGE.probeCap means there may be more).
   */
  probe?: {
    few: Pick<PagePart, "sql" | "params">[];
    walk: WalkPart[];
    /** Every condition matches text: nothing else could narrow the rows first. */
    onlyText: boolean;
  };
}

/**
 * A part of a page read in the sort's order (the sort's index walked), the filter applied
 * to each row read and never used to choose an index: `bounded` reads at most TEXT_PAGE.walkRows
 * rows of the part, `rows` counts the part's rows up to TEXT_PAGE.walkRows (whether `bounded` saw
 * all of them), `whole` reads until the page is full.
 */
interface WalkPart {
  bounded: Pick<PagePart, "sql" | "params">;
  rows: Pick<PagePart, "sql" | "params">;
  whole: Pick<PagePart, "sql" | "params">;
}

/**
 * PostgreSQL, a page of a text filter (readPlainPage): rows in the sort's order read first,
 * hoping to fill the page, and the matches found through the indexes and sorted, at most.
 * Tunable: tests shrink them to reach every path on small data.
 */
export const TEXT_PAGE = { walkRows: 3000, probeCap: 2000 };

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
  // is given the last fixed key too when only the id is left: it reads a fixed `= ?` key as
  // a constant of the index's order, but not a fixed `IS NULL` one, and then sorted the
  // whole segment (a keyset page inside a run of empty values: 38 ms for 20,000 rows,
  // 0.15 ms ordered by (key, id), the order of the key's index). With more keys left, the
  // fixed ones stay out: ordered by them as well, the rest has no index to walk (a deep
  // page among 100,000 orders without a status, sorted by status and amount: 180 ms).
  const ordered = (from: number) => (d.name === "postgres" ? Math.max(0, Math.min(from, keys.length - 2)) : from);
  const orderBy = (from: number) =>
    from < keys.length
      ? ` ORDER BY ${keys
          .slice(ordered(from))
          .map((k) => d.orderBy(k.col.sql, k.dir))
          .join(", ")}`
      : "";
  const order = (from: number) => `${orderBy(from)} LIMIT ?`;
  const part = (where: string, params: Param[], from: number): PagePart => ({
    sql: select + where + order(from),
    params,
    skipSql: `SELECT count(*) AS n FROM (SELECT 1 FROM entities WHERE ${where} LIMIT ?) AS part`,
  });
  const values = cursorValues(keys, opts.cursor);
  const keyset = values ? keysetSegments(keys, values, d) : [{ sql: "", params: [], from: 0 }];
  const segments = keyset.map((seg) => ({ where: seg.sql ? `${base} AND ${seg.sql}` : base, params: [...f.params, ...seg.params], from: seg.from }));
  const parts = segments.map((seg) => {
    const p = part(seg.where, seg.params, seg.from);
    // PostgreSQL, two sort keys or more (the id tie-breaker is the last), the first a field not yet fixed.
    if (d.name === "postgres" && keys.length > 2 && keys[0]!.col.field && seg.from === 0) p.loose = loose(seg.where, seg.params, !values);
    return p;
  });
  function loose(where: string, params: Param[], whole: boolean): LooseScan {
    const k = keys[0]!,
      x = k.col.sql,
      dir = k.dir;
    // Every key in the ORDER BY: the first is fixed by equality, a constant to the planner.
    const rest = order(0);
    const beyond = dir === "asc" ? ">" : "<";
    const seek = (cond: string) => `(SELECT ${x} FROM entities WHERE ${where} AND ${cond} ORDER BY ${d.orderBy(x, dir)} LIMIT 1)`;
    return {
      dir,
      // Without the first key in its ORDER BY (order(1)): the planner takes a fixed `IS NULL`
      // key for a constant of no index's order (see `ordered`), and sorted the run of empty values.
      ...(whole && { empty: { sql: `${select}${where} AND ${x} IS NULL${order(1)}`, params } }),
      first: { sql: `${select}${where} AND ${x} = ${seek(d.notNull(x))}${rest}`, params: [...params, ...params] },
      next: { sql: `${select}${where} AND ${x} = ${seek(`${x} ${beyond} ?`)}${rest}`, params: [...params, ...params] },
      after: { sql: `${select}${where} AND ${x} ${beyond} ?${rest}`, params },
    };
  }
  // A subquery's rows in the page's order, by the sort keys' aliases.
  const outer = ` ORDER BY ${keys.map((k, i) => d.orderBy(`k${i}`, k.dir)).join(", ")} LIMIT ?`;
  // The matches through the indexes, at most TEXT_PAGE.probeCap, counted (the window sees them all
  // before the page's ORDER BY and LIMIT), then sorted.
  const sortedAfter = (where: string, params: Param[]) => ({
    sql: `SELECT *, count(*) OVER () AS found FROM (${select}${where} LIMIT ${TEXT_PAGE.probeCap}) AS m${outer}`,
    params,
  });
  // The walk: a subquery in the sort's order (its LIMIT, or OFFSET 0, keeps the filter out
  // of it, so the planner cannot choose another index), the filter applied outside.
  const walk = (node: FilterNode): WalkPart[] => {
    const wp: Param[] = [];
    const cond = filterSql(node, d, wp, undefined, false);
    return keyset.map((seg) => {
      const where = `${scope(appId, ent.name)}${seg.sql ? ` AND ${seg.sql}` : ""}`;
      return {
        bounded: {
          sql: `SELECT * FROM (${select}${where}${orderBy(seg.from)} LIMIT ${TEXT_PAGE.walkRows}) AS w WHERE ${cond}${outer}`,
          params: [...seg.params, ...wp],
        },
        rows: { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM entities WHERE ${where} LIMIT ${TEXT_PAGE.walkRows}) AS c`, params: seg.params },
        whole: { sql: `SELECT * FROM (${select}${where}${orderBy(seg.from)} OFFSET 0) AS w WHERE ${cond}${outer}`, params: [...seg.params, ...wp] },
      };
    });
  };
  const probe =
    d.name === "postgres" && f.node
      ? {
          few: segments.map((seg) => sortedAfter(seg.where, seg.params)),
          walk: walk(f.node),
          onlyText: onlyText(f.node),
        }
      : undefined;
  return { parts, countSql: `SELECT count(*) AS n FROM entities WHERE ${base}`, countParams: f.params, keys, limit, offset, ...(probe && { probe }) };
}

/**
 * One page by the plain query, its parts read in order until the page is full (`more`: a
 * row beyond it exists). `walkable`: the sort's first key has an index of its own.
 *
 * A text filter on PostgreSQL (PageQuery.probe) whose sort can be walked first reads up to
 * TEXT_PAGE.walkRows rows in the sort's order: a common word fills the page there (a few ms, where
 * the trigram index would hand over every one of 150,000 rows to be sorted). If it does
 * not, each part's matches are found through the indexes and sorted, when there are fewer
 * than TEXT_PAGE.probeCap; a part with more is read by walking the sort's order to the end when
 * nothing but text narrows its rows, else by the planner's plan.
 */
export async function readPlainPage(q: Queryable, pq: PageQuery, walkable = false): Promise<{ rows: PageRow[]; more: boolean }> {
  const p = pq.probe;
  const want = pq.limit + 1;
  const read = async (parts: Pick<PagePart, "sql" | "params" | "loose">[], rows: PageRow[] = []) => {
    for (const part of parts) {
      if (rows.length >= want) break;
      if (part.loose) await readLoose(q, part.loose, rows, want);
      else rows.push(...(await q.all<PageRow>(part.sql, [...part.params, want - rows.length])));
    }
    return rows;
  };
  let rows = p && walkable ? await walkFirst(q, p.walk, want) : undefined;
  if (!rows && p) {
    rows = [];
    for (let i = 0; i < p.few.length && rows.length < want; i++) {
      const got = await q.all<PageRow & { found?: number }>(p.few[i]!.sql, [...p.few[i]!.params, want - rows.length]);
      if (got.length && Number(got[0]!.found) >= TEXT_PAGE.probeCap) {
        await read((walkable && p.onlyText ? p.walk.map((w) => w.whole) : pq.parts).slice(i), rows);
        break;
      }
      for (const r of got) delete r.found;
      rows.push(...got);
    }
  }
  rows ??= await read(pq.parts);
  const more = rows.length > pq.limit;
  if (more) rows.pop();
  return { rows, more };
}

/** A LooseScan's rows, added to `rows` until it holds `want`. */
async function readLoose(q: Queryable, l: LooseScan, rows: PageRow[], want: number): Promise<void> {
  const more = async (part: Pick<PagePart, "sql" | "params">, ...extra: Param[]) => {
    const got = await q.all<PageRow & { k0?: Param }>(part.sql, [...part.params, ...extra, want - rows.length]);
    rows.push(...got);
    return got;
  };
  if (l.empty && l.dir === "asc") await more(l.empty);
  let got = rows.length < want ? await more(l.first) : [];
  for (let n = 1; got.length && rows.length < want; n++) {
    const value = got.at(-1)!.k0 as Param;
    if (n === LOOSE_GROUPS) {
      await more(l.after, value);
      break;
    }
    got = await more(l.next, value);
  }
  if (l.empty && l.dir === "desc" && rows.length < want) await more(l.empty);
}

/** The walk's bounded reads, part after part: the rows, or undefined when a part's rows past TEXT_PAGE.walkRows may hold more matches. */
async function walkFirst(q: Queryable, walk: WalkPart[], want: number): Promise<PageRow[] | undefined> {
  const rows: PageRow[] = [];
  for (const part of walk) {
    rows.push(...(await q.all<PageRow>(part.bounded.sql, [...part.bounded.params, want - rows.length])));
    if (rows.length >= want) return rows;
    if (Number((await q.get<{ n: number }>(part.rows.sql, part.rows.params))?.n ?? 0) >= TEXT_PAGE.walkRows) return undefined;
  }
  return rows;
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

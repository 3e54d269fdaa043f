// Totals of a filter, fast whatever the number of matches (SPEC: `total: true`). Each is
// exact when it is cheap and an estimate, flagged as such, when an exact figure would
// cost a scan:
// - no filter: the maintained count of the type (entity_counts, kept by triggers on
//   every INSERT and DELETE of entities; migration 6);
// - a small type (at most SMALL_TYPE records): count(*), a bounded scan;
// - a filter on one field that an index serves (SQLite plans a SEARCH): an index-only
//   count that stops after EXACT_LIMIT matches (the field's expression is in the index,
//   so no row is read); exact below the limit;
// - a filter with a small index-backed candidate set (fewer than EXACT_CANDIDATES rows;
//   the planner's sets: equalities, ranges, prefixes, full-text terms): the candidates
//   read and the filter applied to each, exact;
// - anything else, or more matches than the limit: an estimate from a fixed
//   pseudo-random sample of rows (by rowid, so every record is equally likely), scaled to
//   the type's count. The same data gives the same estimate.

import type { CompiledEntity } from "../../model/compile";
import type { FilterNode, Target } from "../../model/filter/ast";
import { parseFilter } from "../../model/filter/parse";
import type { Dialect } from "../dialect";
import type { Param, Queryable } from "../driver";
import { scope } from "./columns";
import { filterSql } from "./filter";
import { smallCandidateSet } from "./planner";
import { partitionRows } from "./statistics";
import { rowidRange, typeCount } from "./stats";

/** A type with at most this many records is always counted exactly (a scan of this many rows takes ~10–20 ms). */
export const SMALL_TYPE = 20_000;
/** Tunables (tests shrink them to reach the index-count and estimate paths on small data). */
export const COUNT = {
  smallType: SMALL_TYPE,
  /** PostgreSQL: an estimate above this is the answer; below it the matches are counted. */
  pgGuess: 10_000,
  /** PostgreSQL counts exactly no further than this many matches (reading each: ~30 ms). */
  pgExact: 20_000,
};
/** An index-only count stops after this many matches (~8 ms of index walk on the 2-core machine). */
export const EXACT_LIMIT = 100_000;
/** A filter whose candidate set (planner.ts) holds fewer rows than this is counted exactly from it (~10 ms at most). */
export const EXACT_CANDIDATES = 5_000;
/** Rows of the type an estimate looks at (standard error of a share ≤ 0.6 %). */
export const SAMPLE_ROWS = 8_000;
/** Rowids read for one estimate at most (a type that is a small share of a large table gets fewer rows). */
const MAX_PROBES = 40_000;
/** Runs of consecutive rowids in a sample. */
const CLUSTERS = 128;

export interface Total {
  total: number;
  exact: boolean;
}

/** The total of a filter (unparsed, as a request sends it): exact when cheap, else an estimate. */
export async function countEntities(
  q: Queryable,
  d: Dialect,
  appId: number,
  ent: CompiledEntity,
  filter: unknown,
  indexes?: ReadonlyMap<string, string>,
): Promise<Total> {
  const node = parseFilter(ent, filter);
  const n = await typeCount(q, appId, ent.name);
  if (node.kind === "all" || n === 0) return { total: n, exact: true };
  const params: Param[] = [];
  const where = `${scope(appId, ent.name)} AND ${filterSql(node, d, params, appId)}`;
  if (n <= COUNT.smallType) return { total: await exactCount(q, where, params), exact: true };
  if (d.name !== "sqlite") return postgresTotal(q, d, appId, ent.name, n, node, where, params);
  if (oneIndexedTarget(node) && (await indexSearch(q, where, params))) {
    const r = await q.get<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM entities WHERE ${where} LIMIT ${EXACT_LIMIT + 1})`, params);
    if (r!.n <= EXACT_LIMIT) return { total: r!.n, exact: true };
    return { total: Math.max(EXACT_LIMIT + 1, await estimate(q, appId, ent.name, n, node, d)), exact: false };
  }
  // Anything else is estimated (~8 ms); a filter the estimate calls selective is then
  // counted exactly from its smallest index-backed candidate set (planner.ts), when that
  // set is small: the candidates read and the filter applied to each (about 2 µs a row).
  const guess = await estimate(q, appId, ent.name, n, node, d);
  if (indexes && guess <= 2 * EXACT_CANDIDATES) {
    const c = await smallCandidateSet(q, { appId, ent, d, filter: node, indexes }, EXACT_CANDIDATES).catch((e: Error) => {
      if (/no such index/.test(e.message)) return undefined; // a bulk load has the indexes dropped
      throw e;
    });
    if (c) {
      // The filter's exact rule only: the candidates already narrow (no full-text subquery again).
      const exact: Param[] = [...c.params];
      const cond = filterSql(node, d, exact);
      const r = await q.get<{ n: number }>(`SELECT count(*) AS n FROM entities WHERE rowid IN (${c.sql}) AND ${scope(appId, ent.name)} AND ${cond}`, exact);
      return { total: r!.n, exact: true };
    }
  }
  return { total: guess, exact: false };
}

const exactCount = async (q: Queryable, where: string, params: Param[]) =>
  (await q.get<{ n: number }>(`SELECT count(*) AS n FROM entities WHERE ${where}`, params))!.n;

/**
 * PostgreSQL: the estimate first (~10 ms); a filter it calls selective is then counted
 * exactly, reading no more than COUNT.pgExact + 1 rows, so an estimate far too low costs a
 * bounded count and gives a bound rather than a long scan.
 */
async function postgresTotal(
  q: Queryable,
  d: Dialect,
  appId: number,
  type: string,
  n: number,
  node: FilterNode,
  where: string,
  params: Param[],
): Promise<Total> {
  const guess = await blockSample(q, d, appId, type, n, node);
  if (guess > COUNT.pgGuess) return { total: guess, exact: false };
  const r = await q.get<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM entities WHERE ${where} LIMIT ${COUNT.pgExact + 1}) AS c`, params);
  const counted = Number(r!.n);
  return counted <= COUNT.pgExact ? { total: counted, exact: true } : { total: Math.max(counted, guess), exact: false };
}

/**
 * PostgreSQL: the share of matches among the type's rows in a fixed sample of the blocks
 * of the app's partition (TABLESAMPLE SYSTEM with a fixed seed: the same data gives the
 * same estimate), times its count. The sample is sized for about SAMPLE_ROWS rows of the
 * type and never more than MAX_PROBES rows of the partition (other types and apps share it).
 */
async function blockSample(q: Queryable, d: Dialect, appId: number, type: string, n: number, node: FilterNode): Promise<number> {
  const { name: partition, rows: planned } = await partitionRows(q, appId);
  const rows = Math.max(planned, n); // -1 before the first ANALYZE
  const percent = Math.min(100, (100 * SAMPLE_ROWS) / n, (100 * MAX_PROBES) / rows);
  const params: Param[] = [];
  const cond = filterSql(node, d, params);
  const r = await q.get<{ seen: number; hit: number }>(
    `SELECT count(*) AS seen, count(*) FILTER (WHERE ${cond}) AS hit FROM ${partition} TABLESAMPLE SYSTEM (${percent.toFixed(6)}) REPEATABLE (1953) WHERE ${scope(appId, type)}`,
    params,
  );
  const seen = Number(r?.seen ?? 0);
  if (seen === 0) return n; // no row of the type in the sample: the type's count is the bound we know
  return Math.round((Number(r!.hit) / seen) * n);
}

/** Does SQLite answer this filter by searching an index (a range or lookups), rather than scanning? */
async function indexSearch(q: Queryable, where: string, params: Param[]): Promise<boolean> {
  const plan = await q.all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT 1 FROM entities WHERE ${where}`, params);
  return plan.length > 0 && plan.every((p) => !p.detail.startsWith("SCAN")) && plan.some((p) => /^SEARCH .* USING (COVERING )?INDEX/.test(p.detail));
}

/**
 * Every condition of the filter is on the same field (or on id), with operators an index
 * answers by itself: counting it walks index entries only.
 */
function oneIndexedTarget(node: FilterNode): boolean {
  const targets = new Set<string>();
  const walk = (n: FilterNode): boolean => {
    switch (n.kind) {
      case "and":
      case "or":
        return n.items.every(walk);
      case "compare":
      case "between":
      case "in":
      case "empty":
        return see(n.target);
      case "text":
        return n.mode === "startsWith" && see(n.target);
      default:
        return false;
    }
  };
  const see = (t: Target) => {
    if (t.kind === "system" && t.name !== "id") return false;
    targets.add(t.kind === "system" ? `#${t.name}` : t.name);
    return true;
  };
  return walk(node) && targets.size === 1;
}

/**
 * The share of matches among a fixed pseudo-random sample of the type's rows, times its
 * count. The sample is CLUSTERS runs of consecutive rowids at pseudo-random places over
 * the whole table: a run costs one seek (4,000 single-row probes cost ~60 ms of random
 * page reads on 1M rows; 128 runs of 63 cost ~10 ms), and 128 places spread over the table
 * still follow any drift of the data with insertion time.
 */
async function estimate(q: Queryable, appId: number, type: string, n: number, node: FilterNode, d: Dialect): Promise<number> {
  const range = await rowidRange(q);
  if (!range) return 0;
  const span = range.hi - range.lo + 1;
  // Rowids per run so that the runs hold about SAMPLE_ROWS rows of this type, within MAX_PROBES in all.
  const width = Math.max(1, Math.min(Math.floor(MAX_PROBES / CLUSTERS), Math.ceil((SAMPLE_ROWS * span) / (n * CLUSTERS))));
  const starts: number[] = [];
  const rand = mulberry32(0x746f7271); // fixed: the same data gives the same estimate
  if (width * CLUSTERS >= span) starts.push(range.lo);
  else for (let i = 0; i < CLUSTERS; i++) starts.push(range.lo + Math.floor(((i + rand()) * (span - width)) / CLUSTERS)); // one run per stratum
  const all = width * CLUSTERS >= span;
  const params: Param[] = [];
  // The filter sits in the SELECT list, not in WHERE, so the runs are read by rowid and no index of the filter is used.
  const cond = filterSql(node, d, params);
  const r = await q.get<{ seen: number; hit: number | null }>(
    `WITH s(start) AS (SELECT value FROM json_each(?)) SELECT count(*) AS seen, sum(CASE WHEN ${cond} THEN 1 ELSE 0 END) AS hit ` +
      `FROM s CROSS JOIN entities ON entities.rowid BETWEEN s.start AND s.start + ? WHERE ${scope(appId, type)}`,
    [JSON.stringify(starts), ...params, all ? span : width - 1],
  );
  if (!r || r.seen === 0) return n; // no row of the type in the sample: the type's count is the bound we know
  return Math.round(((r.hit ?? 0) / r.seen) * n);
}

/** A small seeded PRNG (public domain, Tommy Ettinger): deterministic samples. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

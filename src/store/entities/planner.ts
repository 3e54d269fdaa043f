// The query planner for pages: every sort × filter shape a grid sends answered from the
// per-field (field, id) indexes (indexes.ts) in bounded work, with the same rows, order
// and cursors as the plain query (query.ts `buildPageQuery`, the reference in tests).
//
// A page is a queue of segments of the sort order (the first page is one; a cursor gives
// the keyset segments "after the cursor"). Each segment is answered by one of:
//  - sort-driven: walk the index of the segment's first sort key in order, a window of W
//    index entries at a time (a LIMIT subquery forced onto that index with INDEXED BY),
//    the filter applied to the window's rows. When the window fills the page, done; when
//    it held every entry left, the segment is done; otherwise the rest of the segment
//    ("after the window's last entry") goes back on the queue.
//  - filter-driven: after the first window that did not fill the page, when that window
//    matched rarely (it is a sample of the filter), the filter's own index-backed
//    candidate set (equality, in, ranges, isNull, a case-insensitive prefix of indexed
//    fields; `or` as a union; full-text candidates from a registered provider) is
//    counted up to a bound. A small set is read and sorted in one query. A larger one is
//    matched during the walk instead (a semi-join): the windows go on over the sort
//    index, but each index entry is tested for membership in the set (no row is read
//    for a non-member), so a window can be 40× larger for the same cost. A window that
//    matched often skips the set: more windows fill the page soon, and counting a set
//    from a common full-text term would cost more than the walk.
//  - a sort by two or more keys walks the first key's index in chunks of whole groups
//    (rows sharing that key's value, sorted by the other keys), and a group larger than a
//    window becomes a segment of its own ordered by the next key.
// Without a usable candidate set, windows go on until the page's budget of examined
// entries is spent; the page then ends early with a cursor at the last examined entry
// (fewer rows than the limit, nextCursor set), so a filter no index serves costs a bounded
// amount per page instead of a scan of the whole type on the reader connection.

import type { CompiledEntity } from "../../model/compile";
import type { FilterNode, Target } from "../../model/filter/ast";
import { searchedFields } from "../../model/filter/grammar";
import type { Dialect } from "../dialect";
import type { Param, Queryable } from "../driver";
import { scope, targetSql } from "./columns";
import { filterSql } from "./filter";
import { ftsCandidateRowids, ftsSampleTerms } from "./fts";
import type { SortKey } from "./query";
import { typeCount } from "./stats";

/** Tunables (tests shrink them to exercise every path on small data). */
export const PLAN = {
  /** Index entries of the first window of a segment; later windows double. */
  window: 500,
  /** Index entries a page may examine sort-driven before it ends early (at least 20 per row asked for). */
  budget: 4000,
  /** A candidate set counted up to this bound; at the bound it is not used. */
  candidates: 25_000,
  /** A costly candidate set (full text) is read up to this many rows; more is "too many" (~1 µs a row). */
  costly: 5_000,
  /** Index entries of the first semi-join window at least (membership tests on index entries only); later windows double. */
  semiWindow: 20_000,
  /** Index entries a page may examine in semi-join windows before it ends early. */
  semiBudget: 200_000,
  /**
   * Relative costs (µs on the 2-core machine, 1M rows, measured warm in isolation; inside
   * real pages reads at random cost more, 2–9 µs, but in proportion) that choose how a counted
   * set of c candidates is used when the page still needs k rows of a type of N:
   * read and sort them (c × read), match them during the walk (c × member to build the
   * set, N·k/c × entry to walk), or go on with plain windows (N·k/c × row).
   */
  cost: { read: 2.2, member: 0.4, entry: 0.1, row: 1.4 },
};

/** What the last page did (windows, counts, candidates, chunks, groups, budget): for tests and the benchmark. */
export const lastTrace: { steps: string[] } = { steps: [] };

/** An index-backed candidate set of one predicate: SQL selecting the rowids of a superset of its matching rows. */
export interface Candidates {
  sql: string;
  params: Param[];
  /** Costly to compute (a full-text query): read once per page, as a list, not once per statement. */
  costly?: boolean;
  /** SELECTs its SQL joins with UNION ALL (1 when absent): SQLite bounds a compound. */
  parts?: number;
}
/** A source of candidate sets for predicates the field indexes do not serve (full text: contains, $search). */
export type CandidateProvider = (node: FilterNode, ctx: { appId: number; ent: CompiledEntity; d: Dialect }) => Candidates | undefined;
// The full-text index (fts.ts) serves $search and contains/startsWith/endsWith of 3+ characters on text-like fields.
const providers: CandidateProvider[] = [ftsCandidateRowids];
/** Register a candidate source (e.g. the FTS index); the planner asks it for every predicate it cannot serve itself. */
export function registerCandidates(p: CandidateProvider): void {
  if (!providers.includes(p)) providers.push(p);
}

/** A part of the sort order: keys before `from` fixed to `eq`, keys[from] limited by `range` (which excludes NULL). */
interface Seg {
  from: number;
  eq: (Param | null)[];
  range?: { op: ">" | ">=" | "<" | "<=" | "notnull"; v?: Param };
}

export interface PlanInput {
  appId: number;
  ent: CompiledEntity;
  d: Dialect;
  keys: SortKey[];
  filter: FilterNode;
  /** Sort values of the cursor row, id last; undefined for a first page. */
  after?: unknown[];
  limit: number;
  /** Index name by sortable name ("id", a field, createdAt/updatedAt): the (name, id) indexes. */
  indexes: ReadonlyMap<string, string>;
}

export type PageRow = Record<string, unknown> & { id: string; data: string; version: number; created_at: string; updated_at: string };

export interface PlanResult {
  rows: PageRow[];
  /** More rows may follow. */
  more: boolean;
  /** When the page ended early (budget spent): the sort values of the last examined entry, to resume after. */
  resume?: unknown[];
  /** What was done, for tests and the benchmark. */
  trace: string[];
}

const flip = (op: ">" | "<") => (op === ">" ? "<" : ">");

export async function runPlan(q: Queryable, p: PlanInput): Promise<PlanResult> {
  const { keys, d } = p;
  const want = p.limit + 1;
  let budget = Math.max(PLAN.budget, p.limit * 20);
  const scopeSql = scope(p.appId, p.ent.name);
  const f: Param[] = [];
  const fSql = filterSql(p.filter, d, f);
  const trace: string[] = [];
  lastTrace.steps = trace;
  const cols = (alias: string) =>
    `${alias}id AS id, ${alias}${d.dataColumn} AS data, ${alias}version AS version, ${alias}created_at AS created_at, ${alias}updated_at AS updated_at, ${keys
      .map((k, i) => `${k.col.sql} AS k${i}`)
      .join(", ")}`;
  const nullable = (i: number) => !!keys[i]!.col.field;
  const up = (i: number) => keys[i]!.dir === "asc";
  const after = (i: number): ">" | "<" => (up(i) ? ">" : "<");

  /** SQL of a segment's conditions; `plain` writes them so no index is used for them. */
  const segSql = (s: Seg, params: Param[], plain = false): string[] => {
    const out: string[] = [];
    const e = (i: number) => (plain ? `+${keys[i]!.col.sql}` : keys[i]!.col.sql);
    s.eq.forEach((v, i) => {
      if (v === null) out.push(`${e(i)} IS NULL`);
      else {
        out.push(`${e(i)} = ?`);
        params.push(v);
      }
    });
    if (s.range) {
      if (s.range.op === "notnull") out.push(d.notNull(e(s.from)));
      else {
        out.push(`${e(s.from)} ${s.range.op} ?`);
        params.push(s.range.v!);
      }
    }
    return out;
  };

  /** A segment whose first key may be NULL and has no range yet: its NULL group and its non-NULL part, in sort order. */
  const normalise = (s: Seg): Seg[] => {
    if (s.range || s.from >= keys.length - 1 || !nullable(s.from)) return [s];
    const nulls: Seg = { from: s.from + 1, eq: [...s.eq, null] };
    const rest: Seg = { from: s.from, eq: s.eq, range: { op: "notnull" } };
    return up(s.from) ? [...normalise(nulls), rest] : [rest, ...normalise(nulls)];
  };

  // The segments of the page, in order.
  let queue: Seg[] = [];
  if (!p.after) queue = normalise({ from: 0, eq: [] });
  else {
    const v = p.after as (Param | null)[];
    for (let i = keys.length - 1; i >= 0; i--) {
      const eq = v.slice(0, i);
      if (up(i)) queue.push(v[i] === null ? { from: i, eq, range: { op: "notnull" } } : { from: i, eq, range: { op: ">", v: v[i]! } });
      else if (v[i] !== null) {
        queue.push({ from: i, eq, range: { op: "<", v: v[i]! } });
        if (nullable(i)) queue.push(...normalise({ from: i + 1, eq: [...eq, null] }));
      }
    }
  }

  /** Conditions of the filter on one sort key, written so the key's index serves them as a range. */
  const boundsOn = (i: number, params: Param[]): string[] => {
    const name = keys[i]!.col.name;
    const items = p.filter.kind === "and" ? p.filter.items : [p.filter];
    const out: string[] = [];
    for (const n of items)
      if ((n.kind === "compare" && n.op !== "ne") || n.kind === "between") if (targetName(n.target) === name) out.push(filterSql(n, d, params));
    return out;
  };

  const ord = (from: number, prefix = "") =>
    keys
      .slice(from)
      .map((k) => `${prefix}${k.col.sql} ${k.dir === "desc" ? "DESC" : "ASC"}`)
      .join(", ");

  let count: number | undefined;
  /** The type's record count, read once per page when a choice needs it. */
  const records = async () => (count ??= await typeCount(q, p.appId, p.ent.name));

  let examined = 0;
  let windows = 0;
  let resume: unknown[] | undefined;
  const rows: PageRow[] = [];

  /** The walk of a segment whose order is one index's order: [K, id] on K's index, or [id] (on the fixed key's index, or the id index). */
  const linear = async (s: Seg, need: number, semi?: Candidates): Promise<{ rows: PageRow[]; rest: Seg[]; edge?: unknown[] } | undefined> => {
    const last = keys.length - 1;
    const walkKey = s.from === last ? (s.from > 0 ? s.from - 1 : last) : s.from; // the key whose index is walked
    const ix = p.indexes.get(keys[walkKey]!.col.name);
    if (!ix) return undefined;
    const wp: Param[] = [];
    const walk = [scopeSql];
    const residualParams: Param[] = [];
    const residual: string[] = [];
    // Keys fixed before the walked one are checked on the row.
    const fixed = Math.min(walkKey, s.from);
    segSql({ from: fixed, eq: s.eq.slice(0, fixed) }, residualParams, true).forEach((c) => residual.push(c));
    if (walkKey < s.from) {
      const v = s.eq[walkKey]!;
      if (v === null) walk.push(`${keys[walkKey]!.col.sql} IS NULL`);
      else {
        walk.push(`${keys[walkKey]!.col.sql} = ?`);
        wp.push(v);
      }
    } else walk.push(...boundsOn(walkKey, wp));
    if (s.range) walk.push(...segSql({ from: s.from, eq: [], range: s.range }, wp));
    const order =
      walkKey === s.from ? `${keys[walkKey]!.col.sql} ${up(walkKey) ? "ASC" : "DESC"}, id ${up(last) ? "ASC" : "DESC"}` : `id ${up(last) ? "ASC" : "DESC"}`;
    const inner = `FROM entities INDEXED BY ${ix} WHERE ${walk.join(" AND ")} ORDER BY ${order}`;
    const w = Math.max(1, Math.min((semi ? semiFirst : PLAN.window) * 2 ** Math.min(windows, 10), budget - examined));
    windows++;
    // A semi-join window tests each index entry's rowid against the candidate set before
    // any row is read. (The LIMIT keeps the inner walk a subquery of its own, in order.)
    const entries = semi ? `SELECT r FROM (SELECT rowid AS r ${inner} LIMIT ?) WHERE r IN (${semi.sql})` : `SELECT rowid AS r ${inner} LIMIT ?`;
    const got = await q.all<PageRow>(
      `SELECT ${cols("e.")} FROM (${entries}) AS w CROSS JOIN entities AS e ON e.rowid = w.r WHERE ${[...residual, `(${fSql})`].join(" AND ")} LIMIT ?`,
      [...wp, w, ...(semi ? semi.params : []), ...residualParams, ...f, need],
    );
    trace.push(`${semi ? "semi" : "window"} ${keys[walkKey]!.col.name} ${w}: ${got.length}`);
    if (got.length >= need) return { rows: got, rest: [] };
    const e = await q.get<{ ek: Param; eid: string }>(`SELECT ${keys[walkKey]!.col.sql} AS ek, id AS eid ${inner} LIMIT 1 OFFSET ?`, [...wp, w - 1]);
    if (!e) return { rows: got, rest: [] };
    examined += w;
    if (walkKey < s.from || walkKey === last)
      return { rows: got, rest: [{ from: s.from, eq: s.eq, range: { op: after(last), v: e.eid } }], edge: [...s.eq, e.eid] };
    // keys[from..] is [K, id]: rows tied with the edge on K and after it by id, then rows after it on K.
    return {
      rows: got,
      rest: [
        { from: s.from + 1, eq: [...s.eq, e.ek], range: { op: after(last), v: e.eid } },
        { from: s.from, eq: s.eq, range: { op: after(s.from), v: e.ek } },
      ],
      edge: [...s.eq, e.ek, e.eid],
    };
  };

  /** A segment ordered by [K, L, …, id]: chunks of whole K groups from K's index; a big group is its own segment. */
  const grouped = async (s: Seg, need: number): Promise<{ rows: PageRow[]; rest: Seg[] } | undefined> => {
    const ix = p.indexes.get(keys[s.from]!.col.name);
    if (!ix) return undefined;
    const K = keys[s.from]!.col.sql;
    const wp: Param[] = [];
    const walk = [scopeSql, ...boundsOn(s.from, wp)];
    if (s.range) walk.push(...segSql({ from: s.from, eq: [], range: s.range }, wp));
    const residualParams: Param[] = [];
    const residual = segSql({ from: s.from, eq: s.eq }, residualParams, true);
    // Only K is read from this order (the value at an offset, the first value), so ties go
    // by id in K's own direction: the index's order, forwards or backwards. (The page's id
    // direction could differ from K's, which is an order no index has: a sort of the type.)
    const inner = `FROM entities INDEXED BY ${ix} WHERE ${walk.join(" AND ")} ORDER BY ${K} ${up(s.from) ? "ASC" : "DESC"}, id ${up(s.from) ? "ASC" : "DESC"}`;
    const w = PLAN.window;
    const edge = await q.get<{ ek: Param }>(`SELECT ${K} AS ek ${inner} LIMIT 1 OFFSET ?`, [...wp, w - 1]);
    const chunk = async (extra: string[], extraParams: Param[]) => {
      const got = await q.all<PageRow>(
        `SELECT ${cols("")} FROM entities INDEXED BY ${ix} WHERE ${[...walk, ...extra, ...residual, `(${fSql})`].join(" AND ")} ORDER BY ${ord(s.from)} LIMIT ?`,
        [...wp, ...extraParams, ...residualParams, ...f, need],
      );
      trace.push(`chunk ${keys[s.from]!.col.name}: ${got.length}`);
      return got;
    };
    if (!edge) return { rows: await chunk([], []), rest: [] };
    const first = await q.get<{ ek: Param }>(`SELECT ${K} AS ek ${inner} LIMIT 1`, wp);
    examined += w;
    if (first!.ek === edge.ek) {
      trace.push(`group ${keys[s.from]!.col.name}`);
      // A group (K = v) the size of a window or more. Read whole and sorted when that is
      // cheaper than walking the next key's index for its rows (a group that is a small
      // share of the type: one customer's orders among a million).
      const g = (await q.get<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM entities INDEXED BY ${ix} WHERE ${scopeSql} AND ${K} = ? LIMIT ?)`, [
        edge.ek,
        PLAN.candidates,
      ]))!.n;
      if (g < PLAN.candidates && choose(await records(), need, g) === "read") {
        trace.push(`read-group ${g}`);
        const got = await chunk([`${K} = ?`], [edge.ek]);
        return { rows: got, rest: got.length >= need ? [] : [{ from: s.from, eq: s.eq, range: { op: after(s.from), v: edge.ek } }] };
      }
      return {
        rows: [],
        rest: [...normalise({ from: s.from + 1, eq: [...s.eq, edge.ek] }), { from: s.from, eq: s.eq, range: { op: after(s.from), v: edge.ek } }],
      };
    }
    const got = await chunk([`${K} ${flip(after(s.from))} ?`], [edge.ek]);
    return { rows: got, rest: got.length >= need ? [] : [{ from: s.from, eq: s.eq, range: { op: up(s.from) ? ">=" : "<=", v: edge.ek } }] };
  };

  /** No index to walk (a field with `indexed: false`): the plain query for the segment. */
  const plainSeg = async (s: Seg, need: number): Promise<PageRow[]> => {
    const sp: Param[] = [];
    const conds = segSql(s, sp);
    trace.push(`plain ${keys[s.from]!.col.name}`);
    return q.all<PageRow>(`SELECT ${cols("")} FROM entities WHERE ${[scopeSql, ...conds, `(${fSql})`].join(" AND ")} ORDER BY ${ord(s.from)} LIMIT ?`, [
      ...sp,
      ...f,
      need,
    ]);
  };

  let triedCandidates = false;
  let semi: Candidates | undefined;
  let semiFirst = 0;
  while (queue.length && rows.length < want) {
    if (examined >= budget && resume) {
      trace.push("budget");
      return { rows, more: true, resume, trace };
    }
    const s = queue.shift()!;
    const need = want - rows.length;
    const multi = s.from < keys.length - 2;
    const r = multi ? await grouped(s, need) : await linear(s, need, semi);
    if (!r) {
      rows.push(...(await plainSeg(s, need)));
      resume = undefined;
      continue;
    }
    rows.push(...r.rows);
    // Where to resume if the budget ends the page: only a walk's last entry is a position.
    resume = "edge" in r ? (r.edge as unknown[] | undefined) : undefined;
    if (rows.length >= want || !r.rest.length) continue;
    queue = [...r.rest.flatMap(normalise), ...queue];
    if (triedCandidates) continue;
    triedCandidates = true;
    const k = want - rows.length;
    const n = await records();
    // The entries walked so far are a sample of the filter: when the matches it predicts
    // make plain windows the cheapest way, counting a candidate set (from a common
    // full-text term, say) would cost more than it saves.
    if (examined > 0 && choose(n, k, (rows.length / examined) * n) === "windows") {
      trace.push("dense");
      continue;
    }
    const cand = await candidates(q, await prepared(q, p, scopeSql), scopeSql, trace);
    if (!cand) continue;
    const how = choose(Math.max(n, cand.n), k, cand.n);
    if (how === "windows") {
      trace.push("windows");
      continue;
    }
    if (how === "semi") {
      // Matched during the walk from here on, in windows sized to find the page in one.
      semi = cand.c;
      semiFirst = Math.min(PLAN.semiBudget, Math.max(PLAN.semiWindow, Math.ceil((2 * n * k) / Math.max(1, cand.n))));
      examined = 0;
      windows = 0;
      budget = PLAN.semiBudget;
      continue;
    }
    // Filter-driven: the candidates in what is left of the page's segments, sorted.
    const sp: Param[] = [];
    const left = queue.map((x) => `(${segSql(x, sp, true).join(" AND ") || "1=1"})`).join(" OR ");
    const got = await q.all<PageRow>(
      `SELECT ${cols("")} FROM entities NOT INDEXED WHERE rowid IN (${cand.c.sql}) AND ${scopeSql} AND (${fSql}) AND (${left}) ORDER BY ${ord(0, "+")} LIMIT ?`,
      [...cand.c.params, ...f, ...sp, want - rows.length],
    );
    trace.push(`candidates: ${got.length}`);
    rows.push(...got);
    queue = [];
  }
  const more = rows.length > p.limit;
  if (more) rows.length = p.limit;
  return { rows, more, trace };
}

/**
 * The cheapest way to use c candidates for k more rows of a type of n (PLAN.cost): read and
 * sort them, match them during the walk, or go on with plain windows.
 */
function choose(n: number, k: number, c: number): "read" | "semi" | "windows" {
  const walk = (n * k) / Math.max(1, c); // index entries to walk for k matches, if they are spread evenly
  const { read, member, entry, row } = PLAN.cost;
  const costs = { read: c * read, semi: c * member + walk * entry, windows: walk * row };
  return costs.read <= costs.semi && costs.read <= costs.windows ? "read" : costs.semi <= costs.windows ? "semi" : "windows";
}

const targetName = (t: Target) => (t.kind === "system" ? t.name : t.name);

/**
 * The smallest index-backed candidate set of the filter, counted up to PLAN.candidates;
 * undefined when no part of the filter has one or every one is at the bound.
 */
async function candidates(
  q: Queryable,
  p: FilterInput,
  scopeSql: string,
  trace: string[],
  limit = PLAN.candidates,
): Promise<{ c: Candidates; n: number } | undefined> {
  const options = sources(p.filter, p, scopeSql).slice(0, 3);
  let best: { c: Candidates; n: number } | undefined;
  for (const option of options) {
    let c = option;
    let n: number;
    if (c.costly) {
      // Read rather than counted: the set is then at hand for every later statement.
      const cap = Math.min(limit, PLAN.costly);
      const ids = await q.all<{ r: number }>(`SELECT rowid AS r FROM (${c.sql}) LIMIT ?`, [...c.params, cap]);
      n = ids.length >= cap ? limit : ids.length;
      c = { sql: "SELECT value FROM json_each(?)", params: [JSON.stringify(ids.map((x) => x.r))] };
    } else {
      // Counted no further than the best set so far: a larger one would not be used.
      const bound = Math.min(limit, best?.n ?? limit);
      n = (await q.get<{ n: number }>(`SELECT count(*) AS n FROM (${c.sql} LIMIT ?)`, [...c.params, bound]))!.n;
      if (n >= bound) n = limit;
    }
    trace.push(`count ${n}`);
    if (n < limit && (!best || n < best.n)) best = { c, n };
  }
  return best;
}

/** What finding a filter's candidate sets takes. */
type FilterInput = Pick<PlanInput, "appId" | "ent" | "d" | "filter" | "indexes"> & {
  /** The stored case variants of each indexed prefix in the filter (resolvePrefixes). */
  prefixes?: ReadonlyMap<FilterNode, string[]>;
};

/**
 * The filter's smallest index-backed candidate set (a superset of its matches) when it
 * holds fewer than `limit` rows: for an exact total of a selective filter (count.ts).
 */
export async function smallCandidateSet(q: Queryable, p: FilterInput, limit: number): Promise<Candidates | undefined> {
  const scopeSql = scope(p.appId, p.ent.name);
  return (await candidates(q, await prepared(q, p, scopeSql), scopeSql, [], limit))?.c;
}

/** What candidate sets need read before they are built: the term sample, the prefixes' stored variants. */
async function prepared(q: Queryable, p: FilterInput, scopeSql: string): Promise<FilterInput> {
  if (!usesText(p.filter)) return p;
  await ftsSampleTerms(q, p.appId, p.ent.name, searchedFields(p.ent));
  return { ...p, prefixes: await resolvePrefixes(q, p, scopeSql) };
}

/** Candidate sets of a filter, most selective kinds first: for `and`, each part's; for `or`, the union of every branch's best. */
function sources(node: FilterNode, p: FilterInput, scopeSql: string): Candidates[] {
  const { d } = p;
  switch (node.kind) {
    case "and":
      return node.items
        .map((n) => ({ n, rank: rank(n) }))
        .sort((a, b) => a.rank - b.rank)
        .flatMap(({ n }) => sources(n, p, scopeSql));
    case "or": {
      const each = node.items.map((n) => sources(n, p, scopeSql)[0]);
      if (!each.length || each.some((c) => !c)) return [];
      // SQLite takes at most 500 SELECTs in one compound and 32,766 parameters: a union
      // past MAX_UNION_PARTS (200 prefixes of up to 64 ranges each, say) is no candidate set.
      const parts = each.reduce((n, c) => n + (c!.parts ?? 1), 0);
      if (parts > MAX_UNION_PARTS) return [];
      // UNION ALL: a rowid twice costs nothing where the set is used (IN), and deduplicating costs a sort.
      return [{ sql: each.map((c) => c!.sql).join(" UNION ALL "), params: each.flatMap((c) => c!.params), costly: each.some((c) => c!.costly), parts }];
    }
    case "compare":
    case "between":
    case "in":
    case "empty": {
      if ((node.kind === "compare" && node.op === "ne") || (node.kind === "in" && node.negated)) return [];
      const ix = p.indexes.get(targetName(node.target));
      if (!ix) return [];
      const params: Param[] = [];
      const cond = node.kind === "empty" && !node.empty ? d.notNull(targetSql(node.target, d)) : filterSql(node, d, params);
      return [{ sql: `SELECT rowid FROM entities INDEXED BY ${ix} WHERE ${scopeSql} AND ${cond}`, params }];
    }
    case "text": {
      // A prefix of an indexed field: index ranges (exact, read from index entries alone).
      const ix = node.mode === "startsWith" ? p.indexes.get(targetName(node.target)) : undefined;
      const c = ix && prefixCandidates(node.needle, targetSql(node.target, d), ix, scopeSql, d, p.prefixes?.get(node));
      if (c) return [c];
      for (const pr of providers) {
        const c = pr(node, { appId: p.appId, ent: p.ent, d });
        if (c) return [{ ...c, costly: true }];
      }
      return [];
    }
    default:
      for (const pr of providers) {
        const c = pr(node, { appId: p.appId, ent: p.ent, d });
        if (c) return [{ ...c, costly: true }];
      }
      return [];
  }
}

/** Whether a filter has a part the full-text index may serve ($search, contains, …). */
function usesText(n: FilterNode): boolean {
  if (n.kind === "and" || n.kind === "or") return n.items.some(usesText);
  return n.kind === "search" || n.kind === "text";
}

/** How selective a kind of condition usually is (lower first). */
function rank(n: FilterNode): number {
  if (n.kind === "compare") return n.op === "eq" ? 0 : 2;
  if (n.kind === "in" || (n.kind === "empty" && n.empty)) return 1;
  if (n.kind === "between") return 2;
  if (n.kind === "text") return 3;
  return 4;
}

/** Case variants of a prefix tried at most (2 per A–Z letter): each is one index range. */
const MAX_PREFIX_RANGES = 64;
/** SELECTs one candidate union may join (SQLite's own limit for a compound is 500). */
const MAX_UNION_PARTS = 128;

/**
 * The rows whose field starts with a case-folded needle (A–Z folded, nothing else: see
 * model/filter/text.ts), from the field's (value, id) index: one range per case variant
 * of the needle's first letters (as many as MAX_PREFIX_RANGES allows), each entry then
 * checked against the whole needle on the index entry itself, which holds the value.
 */
function prefixCandidates(needle: string, expr: string, ix: string, scopeSql: string, d: Dialect, stored?: string[]): Candidates | undefined {
  if (!prefixable(needle, d)) return undefined;
  if (stored && !stored.length) return { sql: "SELECT rowid FROM entities WHERE 0", params: [] }; // no value starts so
  let variants = stored ?? [""];
  if (!stored)
    for (const ch of needle) {
      const alts = cases(ch);
      if (variants.length * alts.length > MAX_PREFIX_RANGES) break;
      variants = variants.flatMap((v) => alts.map((a) => v + a));
    }
  const ranges = variants.map((v) => [v, successor(v)] as const);
  if (!variants[0] || ranges.some(([, hi]) => hi === undefined)) return undefined;
  const m = d.textMatch(expr, "startsWith", needle);
  const params: Param[] = [];
  const parts = ranges.map(([lo, hi]) => {
    params.push(lo, hi!, ...m.params);
    return `SELECT rowid FROM entities INDEXED BY ${ix} WHERE ${scopeSql} AND ${expr} >= ? AND ${expr} < ? AND ${m.sql}`;
  });
  return { sql: parts.join(" UNION ALL "), params, parts: parts.length };
}

/** The characters that fold to `ch` under the filter's rule (A–Z only). */
const cases = (ch: string) => (ch >= "a" && ch <= "z" ? [ch, ch.toUpperCase()] : [ch]);

/**
 * Whether index ranges can serve a prefix. A value stored as a number (a field whose type
 * changed) sorts before every text, out of the ranges; its text form starts with a digit,
 * a sign or a point.
 */
const prefixable = (needle: string, d: Dialect) => d.name === "sqlite" && !needle.includes("\u0000") && !/^[0-9+\-.]/.test(needle);

/** Seeks one prefix may spend finding its stored case variants. */
const MAX_PREFIX_SEEKS = 128;

/**
 * The case variants of each indexed prefix in the filter that stored values really start
 * with, found letter by letter with one seek per candidate variant: "roadmap 17" has 128
 * case variants of its letters, more than the ranges allowed, so ranges stopped at
 * "roadma" (every Roadmap code, 27 ms); the data holds one of them, so the range is
 * "Roadmap 17" (a few hundred entries). When the seeks or variants run out, the variants
 * found so far stand (shorter: a superset). An empty list: no value starts so.
 */
async function resolvePrefixes(q: Queryable, p: FilterInput, scopeSql: string): Promise<Map<FilterNode, string[]>> {
  const out = new Map<FilterNode, string[]>();
  const walk = async (n: FilterNode): Promise<void> => {
    if (n.kind === "and" || n.kind === "or") {
      for (const x of n.items) await walk(x);
      return;
    }
    const ix = n.kind === "text" && n.mode === "startsWith" ? p.indexes.get(targetName(n.target)) : undefined;
    if (n.kind !== "text" || !ix || !prefixable(n.needle, p.d)) return;
    const expr = targetSql(n.target, p.d);
    const exists = `SELECT 1 AS x FROM entities INDEXED BY ${ix} WHERE ${scopeSql} AND ${expr} >= ? AND ${expr} < ? LIMIT 1`;
    let variants = [""];
    let seeks = 0;
    for (const ch of n.needle) {
      const alts = cases(ch);
      const next: string[] = [];
      for (const v of variants)
        for (const a of alts) {
          const w = v + a;
          const hi = successor(w);
          if (alts.length === 1 || hi === undefined) next.push(w);
          else if (seeks++ < MAX_PREFIX_SEEKS && (await q.get(exists, [w, hi]))) next.push(w);
        }
      if (seeks > MAX_PREFIX_SEEKS || next.length > MAX_PREFIX_RANGES) break;
      variants = next;
      if (!variants.length) break;
    }
    out.set(n, variants);
  };
  await walk(p.filter);
  return out;
}

/** The least string greater than every string starting with `s` (its last code point plus one). */
function successor(s: string): string | undefined {
  const cps = [...s];
  const last = cps.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return undefined;
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1; // no string holds a lone surrogate
  return cps.join("") + String.fromCodePoint(next);
}

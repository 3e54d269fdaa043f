// PostgreSQL's planner estimates a filter on a JSON field from statistics of that
// expression. The per-type indexes are partial (one app, one type), and the planner
// ignores a partial index's expression statistics, so without more it took every
// `status = 'paid'` to match 0.5 % of the rows, and chose to collect all 15,000 matches
// and sort them (22 ms) over walking the sort's index until 50 matched (0.2 ms). So each
// field with an index of its own gets a statistics object on its expression (PostgreSQL
// 14+), on the partition that holds the app's rows, kept in line with the model like the
// indexes, and filled by ANALYZE (after a bulk load, after a model save that made new ones,
// and by autovacuum as data changes). SQLite has its own planner (planner.ts): none there.

import type { CompiledModel } from "../../model/compile";
import { checkedIdent, type Dialect } from "../dialect";
import type { Driver, Queryable } from "../driver";

/** The partition of `entities` that holds an app's rows (hash-partitioned by app, migration 1), and the rows the planner thinks it has. */
export async function partitionRows(q: Queryable, appId: number): Promise<{ name: string; rows: number }> {
  const r = await q.get<{ name: string; rows: number }>(
    `SELECT c.relname AS name, c.reltuples AS rows FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'entities'::regclass
       AND satisfies_hash_partition('entities'::regclass, 8, substring(c.relname from '^entities_p([0-9]+)$')::int, ?::int)`,
    [appId],
  );
  if (!r) throw new Error(`no partition of entities holds app ${appId}`);
  return { name: checkedIdent(r.name), rows: Number(r.rows) };
}

/** The partition of `entities` that holds an app's rows. */
export const partitionOf = async (q: Queryable, appId: number): Promise<string> => (await partitionRows(q, appId)).name;

/** What statistics need of an index: its type and fields (the app's indexes: indexes.ts). */
type Indexed = { type: string; fields: string[]; trigram?: true };

/** One statistics object per field that has an index of its own: name → expression. */
function desiredStatistics(appId: number, m: CompiledModel, d: Dialect, indexes: readonly Indexed[]): Map<string, string> {
  const out = new Map<string, string>();
  if (!d.expressionStatistics) return out;
  for (const ix of indexes) {
    const ent = m.entities.get(ix.type);
    const fields = ix.fields.map((f) => ent?.fields.get(f));
    if (!fields.length || fields.some((f) => !f)) continue;
    let expr: string | undefined;
    // An ordered index: the field as filters and sorts read it.
    if (!ix.trigram) expr = fields.length === 1 ? d.jsonField(fields[0]!) : undefined;
    // A trigram index: the folded text that contains/startsWith (one field) and $search
    // (all searched fields) match with LIKE, whose share of rows the planner estimates
    // from these statistics (a prefix every row has made it read them all and sort).
    else expr = d.caseless(fields.length === 1 ? d.jsonField(fields[0]!) : d.searchText!(fields as NonNullable<(typeof fields)[number]>[]));
    if (expr) out.set(`st_${Math.trunc(appId)}_${Bun.hash(`${ix.type}|${expr}`).toString(36).slice(0, 12)}`, expr);
  }
  return out;
}

const namesOf = async (q: Queryable, appId: number) =>
  (await q.all<{ name: string }>("SELECT stxname AS name FROM pg_statistic_ext WHERE stxname LIKE ?", [`st\\_${Math.trunc(appId)}\\_%`])).map((r) => r.name);

/**
 * Bring an app's statistics objects in line with its model. Returns the partition to
 * ANALYZE (after the transaction commits: analyzeStatistics) when it made new ones.
 */
export async function syncStatistics(tx: Queryable, appId: number, m: CompiledModel, indexes: readonly Indexed[]): Promise<string | undefined> {
  const d = tx.dialect;
  if (!d.expressionStatistics) return undefined;
  const want = desiredStatistics(appId, m, d, indexes);
  const have = new Set(await namesOf(tx, appId));
  for (const name of have) if (!want.has(name)) await tx.run(`DROP STATISTICS IF EXISTS ${checkedIdent(name)}`);
  const missing = [...want].filter(([name]) => !have.has(name));
  if (!missing.length) return undefined;
  const partition = await partitionOf(tx, appId);
  for (const [name, expr] of missing) await tx.run(`CREATE STATISTICS IF NOT EXISTS ${checkedIdent(name)} ON (${expr}) FROM ${partition}`);
  return partition;
}

/** Fill new statistics objects: ANALYZE of the data column only (no index statistics), a sample of 30,000 rows. */
export async function analyzeStatistics(db: Driver, partition: string | undefined): Promise<void> {
  // A read's path, not a write transaction: ANALYZE changes no data, and must not hold the write lock.
  if (partition) await db.all(`ANALYZE ${checkedIdent(partition)} (data)`);
}

export async function dropAppStatistics(tx: Queryable, appId: number): Promise<void> {
  if (!tx.dialect.expressionStatistics) return;
  for (const name of await namesOf(tx, appId)) await tx.run(`DROP STATISTICS IF EXISTS ${checkedIdent(name)}`);
}

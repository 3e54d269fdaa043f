// Expression indexes derived from the model, per app: every scalar field (unless it says
// `indexed: false`), createdAt and updatedAt, unique fields, references, declared
// composite indexes, and the fields pages sort by. Each is a partial index over one app's
// rows of one entity type, so it is small and only that type pays for it on write.
// Created and dropped to follow the model; recorded in entity_indexes. The single-field
// (field, id) indexes are what the query planner (planner.ts) walks and seeks.

import { conflict } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import { type CompiledModel, compileModel } from "../../model/compile";
import { fieldKinds } from "../../model/fields/registry";
import { searchedFields } from "../../model/filter/grammar";
import type { Field, Model } from "../../model/schema";
import { appModels } from "../apps";
import type { Dialect } from "../dialect";
import { checkedIdent } from "../dialect";
import type { Driver, Queryable } from "../driver";
import { SYSTEM_COLUMNS } from "./columns";
import { analyzeStatistics, dropAppStatistics, partitionOf, syncStatistics } from "./statistics";

/** System columns that get a (column, id) index of their own in every type (id has its own). */
const INDEXED_SYSTEM = ["createdAt", "updatedAt"];

/**
 * Whether a field gets its own (field, id) index: every scalar (ordered) type does unless
 * the model says `indexed: false`; references always do (integrity checks seek them).
 */
export const fieldIndexed = (f: Field): boolean => f.type === "reference" || f.indexed === true || (fieldKinds[f.type].ordered && f.indexed !== false);

export interface IndexDef {
  name: string;
  type: string;
  fields: string[];
  unique: boolean;
  /** A trigram index (PostgreSQL) serving text matching on its one field, not order. */
  trigram?: true;
  sql: string;
}

function hash(s: string): string {
  return Bun.hash(s).toString(36).slice(0, 10);
}

/** Sort fields used by DataGrid components on the model's pages, by entity type. */
function sortedFields(m: CompiledModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of m.doc.pages ?? [])
    for (const c of p.components) {
      const props = c.props ?? {};
      if (typeof props.entity !== "string" || !Array.isArray(props.sort)) continue;
      const first = props.sort[0];
      const f = isPlainObject(first) ? first.field : first;
      if (typeof f === "string") (out.get(props.entity) ?? out.set(props.entity, new Set()).get(props.entity)!).add(f);
    }
  return out;
}

export function desiredIndexes(appId: number, m: CompiledModel, d: Dialect): IndexDef[] {
  const defs = new Map<string, IndexDef>();
  const sorts = sortedFields(m);
  const add = (type: string, fields: string[], unique: boolean) => {
    const ent = m.entities.get(type);
    if (!ent || fields.some((f) => !ent.fields.has(f) && !INDEXED_SYSTEM.includes(f))) return;
    // Non-unique indexes end with id: the keyset tie-breaker, so a sorted page needs no sort step.
    const cols = fields.map((f) => (ent.fields.has(f) ? d.jsonField(ent.fields.get(f)!) : SYSTEM_COLUMNS.get(f)!)).concat(unique ? [] : ["id"]);
    // SQLite reads the table for app_id and type when a partial index holds an expression
    // (it does not for plain columns), so a walk or count over the index alone would cost a
    // row read per entry; carrying them (a few bytes per entry) makes the index covering.
    // (PostgreSQL's partial indexes need no such help.)
    if (d.name === "sqlite" && !unique && fields.some((f) => ent.fields.has(f))) cols.push("app_id", "type");
    if (!cols.length) return;
    // PostgreSQL: columns sorted as the queries sort (NULLs first), and a unique index over
    // the partitioned table must hold the partition key (app_id) as a plain column.
    if (d.name === "postgres") cols.splice(0, cols.length, ...(unique ? ["app_id"] : []), ...cols.map((c) => d.indexColumn(c)));
    const where = `app_id = ${Math.trunc(appId)} AND type = '${checkedIdent(type)}'`;
    const key = `${unique ? "u" : "i"}|${where}|${cols.join(",")}${ON_PARTITION(d)}`;
    const name = `ent_${appId}_${checkedIdent(type)}_${hash(key)}`.slice(0, 63);
    if (defs.has(name)) return;
    defs.set(name, {
      name,
      type,
      fields,
      unique,
      sql: `CREATE ${unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${name} ON entities (${cols.join(", ")}) WHERE ${where}`,
    });
  };
  for (const e of m.entities.values()) {
    // Every type has its own id index: the default order, and the one to walk when a
    // filter has no index of its own. Being per type, it never looks more selective
    // to the planner than a field index of the same type (a shared (app_id, type, id)
    // index did, and won plans it should have lost).
    add(e.name, [], false);
    for (const f of INDEXED_SYSTEM) add(e.name, [f], false);
    for (const f of e.def.fields) {
      if (f.unique) add(e.name, [f.name], true);
      // Unique fields get a (field, id) index too: the planner walks it in sort order
      // (NULLs are not unique, and ties among them are ordered by id).
      if (fieldIndexed(f)) add(e.name, [f.name], false);
    }
    for (const f of e.unique) if (!f.unique) add(e.name, [f.name], true);
    for (const ix of e.def.indexes ?? []) add(e.name, ix.fields, !!ix.unique);
    for (const f of sorts.get(e.name) ?? []) add(e.name, [f], false);
  }
  // PostgreSQL with pg_trgm: a trigram index per searched (text-like) field, for
  // contains/startsWith/endsWith, and one over all of a type's searched fields together,
  // which narrows a `$search` (SQLite has its full-text tables instead).
  const trigram = (type: string, fields: Field[], expr: string) => {
    const where = `app_id = ${Math.trunc(appId)} AND type = '${checkedIdent(type)}'`;
    const col = d.trigramColumn!(expr);
    const name = `ent_${appId}_${checkedIdent(type)}_${hash(`g|${where}|${col}${ON_PARTITION(d)}`)}`.slice(0, 63);
    const sql = `CREATE INDEX IF NOT EXISTS ${name} ON entities USING gin (${col}) WHERE ${where}`;
    defs.set(name, { name, type, fields: fields.map((f) => f.name), unique: false, trigram: true, sql });
  };
  if (d.trigramColumn)
    for (const e of m.entities.values()) {
      const fields = searchedFields(e);
      for (const f of fields) trigram(e.name, [f], d.jsonField(f));
      if (d.searchText && fields.length > 1) trigram(e.name, fields, d.searchText(fields));
    }
  // A non-unique index whose columns begin another index's columns adds write cost and
  // nothing else: the longer index serves every query the shorter one would. Single-field
  // indexes stay: the planner needs each field's (field, id) order.
  const all = [...defs.values()];
  return all.filter(
    (a) =>
      a.unique ||
      a.trigram ||
      a.fields.length <= 1 ||
      !all.some(
        (b) => b !== a && !b.unique && !b.trigram && b.type === a.type && b.fields.length > a.fields.length && a.fields.every((f, i) => b.fields[i] === f),
      ),
  );
}

/**
 * The (name, id) index of every sortable name of each entity type that has one, by type:
 * "id" → the type's id index, a field or createdAt/updatedAt → its (column, id) index.
 * Kept per compiled model (the names depend only on the app id and the model).
 */
const walkCache = new WeakMap<CompiledModel, { appId: number; byType: Map<string, Map<string, string>> }>();
export function walkIndexes(appId: number, m: CompiledModel, d: Dialect, type: string): ReadonlyMap<string, string> {
  let c = walkCache.get(m);
  if (!c || c.appId !== appId) {
    const byType = new Map<string, Map<string, string>>();
    for (const ix of desiredIndexes(appId, m, d)) {
      if (ix.unique || ix.trigram || ix.fields.length > 1) continue;
      const names = byType.get(ix.type) ?? byType.set(ix.type, new Map()).get(ix.type)!;
      names.set(ix.fields[0] ?? "id", ix.name);
    }
    c = { appId, byType };
    walkCache.set(m, c);
  }
  return c.byType.get(type) ?? new Map();
}

/**
 * PostgreSQL: an app's indexes are made on the partition that holds its rows, not on
 * `entities`. Made on the partitioned table, each was copied to all 8 partitions: 7 empty
 * copies whose predicate every write to those partitions evaluated, and a build that read
 * every partition, other apps' rows too. The definitions say `ON entities` until
 * syncIndexes knows the partition; the mark in the name makes those of the older rule
 * (on `entities`) differ from these, so an open brings them over (upgradeIndexRules).
 */
const ON_PARTITION = (d: Dialect) => (d.name === "postgres" ? "|partition" : "");

/**
 * Bring one app's indexes (and, on PostgreSQL, their statistics: statistics.ts) in line
 * with its model; a unique index that existing data violates is a conflict. `analyze`
 * names a partition with new statistics to fill after commit (analyzeStatistics).
 */
export async function syncIndexes(
  tx: Queryable,
  appId: number,
  m: CompiledModel,
  d: Dialect,
): Promise<{ created: string[]; dropped: string[]; analyze?: string }> {
  const partition = d.name === "postgres" ? await partitionOf(tx, appId) : undefined;
  const want = desiredIndexes(appId, m, d).map((w) => (partition ? { ...w, sql: w.sql.replace(" ON entities ", ` ON ${partition} `) } : w));
  const have = await tx.all<{ name: string }>("SELECT name FROM entity_indexes WHERE app_id = ?", [appId]);
  const wantNames = new Set(want.map((w) => w.name));
  const haveNames = new Set(have.map((h) => h.name));
  const dropped: string[] = [],
    created: string[] = [];
  for (const h of have)
    if (!wantNames.has(h.name)) {
      await tx.run(`DROP INDEX IF EXISTS ${checkedIdent(h.name)}`);
      await tx.run("DELETE FROM entity_indexes WHERE name = ?", [h.name]);
      dropped.push(h.name);
    }
  for (const w of want) {
    if (haveNames.has(w.name)) continue;
    try {
      await tx.run(w.sql);
    } catch (e) {
      if (w.unique && /UNIQUE/i.test((e as Error).message))
        throw conflict(`cannot make ${w.type}.${w.fields.join("+")} unique: existing ${w.type} entities share a value`, {
          entity: w.type,
          fields: w.fields,
          rule: "unique",
        });
      throw e;
    }
    await tx.run("INSERT INTO entity_indexes (name, app_id, type, definition) VALUES (?, ?, ?, ?)", [w.name, appId, w.type, w.sql]);
    created.push(w.name);
  }
  return { created, dropped, analyze: await syncStatistics(tx, appId, m, want) };
}

/**
 * Drop one type's indexes for a bulk load. Each is first marked pending in
 * entity_indexes, in the same transaction as the drop, so the intent to rebuild it is
 * durable: if the process dies before rebuildPendingIndexes runs, the next open of the
 * database rebuilds it (see store/open.ts) instead of leaving queries to full scans.
 */
export async function dropIndexesFor(tx: Queryable, appId: number, type: string, opts: { keepUnique: boolean }): Promise<void> {
  const rows = await tx.all<{ name: string; definition: string }>("SELECT name, definition FROM entity_indexes WHERE app_id = ? AND type = ?", [appId, type]);
  for (const r of rows) {
    if (opts.keepUnique && r.definition.startsWith("CREATE UNIQUE")) continue;
    await tx.run("UPDATE entity_indexes SET pending = 1 WHERE name = ?", [r.name]);
    await tx.run(`DROP INDEX IF EXISTS ${checkedIdent(r.name)}`);
  }
}

/**
 * Build every index marked pending (of one app, or all) from its recorded definition and
 * clear the mark. Idempotent: an index that exists already is left as it is.
 */
export async function rebuildPendingIndexes(tx: Queryable, appId?: number): Promise<string[]> {
  const rows = await tx.all<{ name: string; definition: string }>(
    `SELECT name, definition FROM entity_indexes WHERE pending = 1${appId === undefined ? "" : " AND app_id = ?"}`,
    appId === undefined ? [] : [appId],
  );
  for (const r of rows) {
    // Definitions come from desiredIndexes (checked identifiers, literal app ids, IF NOT EXISTS).
    await tx.run(r.definition);
    await tx.run("UPDATE entity_indexes SET pending = 0 WHERE name = ?", [r.name]);
  }
  return rows.map((r) => r.name);
}

export async function dropAppIndexes(tx: Queryable, appId: number): Promise<void> {
  await dropAppStatistics(tx, appId);
  for (const h of await tx.all<{ name: string }>("SELECT name FROM entity_indexes WHERE app_id = ?", [appId]))
    await tx.run(`DROP INDEX IF EXISTS ${checkedIdent(h.name)}`);
  await tx.run("DELETE FROM entity_indexes WHERE app_id = ?", [appId]);
}

/**
 * Which rules derive the indexes from a model. When the rules change (version 2: every
 * scalar field, createdAt and updatedAt indexed by default), a database made under older
 * rules would keep its old index set until each model's next save, and the planner would
 * fall back to slow plain queries meanwhile. So the version is kept in SQLite's
 * user_version and every open of an older database brings each app's indexes in line once.
 */
export const INDEX_RULES_VERSION = 2;

/** Bring every app's indexes in line with its current model if the rules changed since the last open; returns the apps synced. */
export async function upgradeIndexRules(db: Driver): Promise<number[]> {
  const postgres = db.dialect.name === "postgres";
  if (
    postgres ? !(await db.get(OLD_POSTGRES_RULES)) : ((await db.get<{ user_version: number }>("PRAGMA user_version"))?.user_version ?? 0) >= INDEX_RULES_VERSION
  )
    return [];
  const apps = await appModels(db);
  const synced: number[] = [];
  for (const a of apps) {
    const model = compileModel(a.model_id, a.version, JSON.parse(a.doc) as Model);
    // One transaction per app: a crash part-way leaves the old rules' mark, so the next open resumes.
    const r = await db.transaction((tx) => syncIndexes(tx, a.app_id, model, db.dialect));
    if (r.created.length || r.dropped.length) synced.push(a.app_id);
    // PostgreSQL: new indexes start without statistics of their own; the planner chose
    // worse plans until the next autovacuum analyzed the partition.
    await analyzeStatistics(db, r.analyze ?? (postgres && r.created.length ? await partitionOf(db, a.app_id) : undefined));
  }
  if (!postgres) await db.exec(`PRAGMA user_version = ${INDEX_RULES_VERSION}`);
  return synced;
}

/**
 * PostgreSQL's older rules folded text for its trigram indexes with translate(), as the
 * queries no longer do, and made every index on `entities` (a copy on each partition)
 * rather than on the app's partition: an index from them is the mark (no version is kept
 * apart).
 */
const OLD_POSTGRES_RULES = "SELECT 1 AS x FROM entity_indexes WHERE definition LIKE '%translate(%' OR definition LIKE '% ON entities %' LIMIT 1";

/**
 * At open (PostgreSQL 14+): the statistics objects of apps that have none (a database
 * from before they existed, or a server moved up to 14). Saves keep the others in line
 * (syncIndexes), so one query decides and no model is compiled at an ordinary open.
 */
export async function upgradeStatistics(db: Driver): Promise<void> {
  if (!db.dialect.expressionStatistics) return;
  const without = await db.all<{ id: number }>(
    "SELECT a.id FROM apps a WHERE NOT EXISTS (SELECT 1 FROM pg_statistic_ext s WHERE s.stxname LIKE 'st\\_' || a.id || '\\_%')",
  );
  if (!without.length) return;
  const ids = new Set(without.map((r) => r.id));
  for (const a of (await appModels(db)).filter((x) => ids.has(x.app_id))) {
    const model = compileModel(a.model_id, a.version, JSON.parse(a.doc) as Model);
    const indexes = desiredIndexes(a.app_id, model, db.dialect);
    await analyzeStatistics(db, await db.transaction((tx) => syncStatistics(tx, a.app_id, model, indexes)));
  }
}

// Expression indexes derived from the model, per app. A type that has grown (growth.ts:
// GROWTH.at records) gets every scalar field (unless it says `indexed: false`), createdAt
// and updatedAt, unique fields, references, declared composite indexes, the fields pages
// sort by and its id; a smaller one only its unique indexes, declared composite indexes
// and fields marked `indexed: true` (it is read through the shared entities_small_types).
// Each is a partial index over one app's rows of one entity type, so it is small; but
// every index on `entities` costs every write (growth.ts), hence the two tiers. Created
// and dropped to follow the model and the types' growth; recorded in entity_indexes. The
// single-field (field, id) indexes are what the query planner (planner.ts) walks and seeks.

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
import { dropGrownMarks, GROWTH, grownTypes, growTypes, noteGrown } from "./growth";
import { syncRollups } from "./rollups";
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

/** `grown`: the app's types that get the whole set (growth.ts); the others only what uniqueness and the model ask for. */
export function desiredIndexes(appId: number, m: CompiledModel, d: Dialect, grown: ReadonlySet<string>): IndexDef[] {
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
    const all = grown.has(e.name);
    // A grown type has its own id index: the default order, and the one to walk when a
    // filter has no index of its own. Being per type, it never looks more selective
    // to the planner than a field index of the same type (a shared (app_id, type, id)
    // index did, and won plans it should have lost; see growth.ts).
    if (all) add(e.name, [], false);
    if (all) for (const f of INDEXED_SYSTEM) add(e.name, [f], false);
    for (const f of e.def.fields) {
      if (f.unique) add(e.name, [f.name], true);
      // Unique fields get a (field, id) index too: the planner walks it in sort order
      // (NULLs are not unique, and ties among them are ordered by id).
      if (all ? fieldIndexed(f) : f.indexed === true) add(e.name, [f.name], false);
    }
    for (const f of e.unique) if (!f.unique) add(e.name, [f.name], true);
    for (const ix of e.def.indexes ?? []) add(e.name, ix.fields, !!ix.unique);
    if (all) for (const f of sorts.get(e.name) ?? []) add(e.name, [f], false);
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
      if (!grown.has(e.name)) continue;
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
const walkCache = new WeakMap<CompiledModel, { appId: number; grown: number; byType: Map<string, Map<string, string>> }>();
export function walkIndexes(appId: number, m: CompiledModel, d: Dialect, type: string, grown: ReadonlySet<string>): ReadonlyMap<string, string> {
  let c = walkCache.get(m);
  // Types only ever grow (growth.ts), so the size of the set tells a stale entry.
  if (!c || c.appId !== appId || c.grown !== grown.size) {
    const byType = new Map<string, Map<string, string>>();
    for (const ix of desiredIndexes(appId, m, d, grown)) {
      if (ix.unique || ix.trigram || ix.fields.length > 1) continue;
      const names = byType.get(ix.type) ?? byType.set(ix.type, new Map()).get(ix.type)!;
      names.set(ix.fields[0] ?? "id", ix.name);
    }
    c = { appId, grown: grown.size, byType };
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
 * with its model and its types' growth; a unique index that existing data violates is a
 * conflict. `analyze` names a partition with new statistics to fill after commit
 * (analyzeStatistics); `grown` the app's grown types, for noteGrown after commit.
 */
export async function syncIndexes(
  tx: Queryable,
  appId: number,
  m: CompiledModel,
  d: Dialect,
): Promise<{ created: string[]; dropped: string[]; analyze?: string; grown: Set<string> }> {
  const partition = d.name === "postgres" ? await partitionOf(tx, appId) : undefined;
  const types = new Set(m.entities.keys());
  await dropGrownMarks(tx, appId, types);
  const grown = await growTypes(tx, appId, types);
  const want = desiredIndexes(appId, m, d, grown).map((w) => (partition ? { ...w, sql: w.sql.replace(" ON entities ", ` ON ${partition} `) } : w));
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
  return { created, dropped, analyze: await syncStatistics(tx, appId, m, want), grown };
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
  await dropGrownMarks(tx, appId);
  for (const h of await tx.all<{ name: string }>("SELECT name FROM entity_indexes WHERE app_id = ?", [appId]))
    await tx.run(`DROP INDEX IF EXISTS ${checkedIdent(h.name)}`);
  await tx.run("DELETE FROM entity_indexes WHERE app_id = ?", [appId]);
}

/**
 * Which rules derive the indexes from a model. When the rules change (version 2: every
 * scalar field, createdAt and updatedAt indexed by default; version 3: only grown types
 * get them, growth.ts), a database made under older rules would keep its old index set
 * until each model's next save, and the planner would fall back to slow plain queries
 * meanwhile (or, from version 2, every write would pay for thousands of indexes). So the
 * version is kept (SQLite's user_version; PostgreSQL's comment on entity_indexes) and every open of an
 * older database brings each app's indexes in line once.
 */
export const INDEX_RULES_VERSION = 3;

async function rulesVersion(db: Driver): Promise<number> {
  if (db.dialect.name !== "postgres") return (await db.get<{ user_version: number }>("PRAGMA user_version"))?.user_version ?? 0;
  // An index made under the oldest rules says so itself, whatever else is kept.
  if (await db.get(OLD_POSTGRES_RULES)) return 1;
  // Kept as the comment of entity_indexes: schema, not data, so a copy of the database's
  // rows (migrate-data, which wants an empty target) never carries it or trips on it.
  const kept = await db.get<{ c: string | null }>("SELECT obj_description('entity_indexes'::regclass, 'pg_class') AS c");
  const m = /^index rules (\d+)$/.exec(kept?.c ?? "");
  return m ? Number(m[1]) : 2;
}

/** Bring every app's indexes in line with its current model if the rules changed since the last open; returns the apps synced. */
export async function upgradeIndexRules(db: Driver): Promise<number[]> {
  const postgres = db.dialect.name === "postgres";
  if ((await rulesVersion(db)) >= INDEX_RULES_VERSION) return [];
  const synced = await resyncApps(db, await appModels(db));
  if (!postgres) await db.exec(`PRAGMA user_version = ${INDEX_RULES_VERSION}`);
  else await db.exec(`COMMENT ON TABLE entity_indexes IS 'index rules ${INDEX_RULES_VERSION}'`);
  return synced;
}

/**
 * At open: apps with a type that reached GROWTH.at records without growing its indexes
 * (a seed or load killed before its end, which is when it grows them: growth.ts), so its
 * pages are not read without them until its next write. One query when there are none.
 */
export async function growOverdue(db: Driver): Promise<number[]> {
  const due = await db.all<{ app_id: number; type: string }>(
    "SELECT c.app_id, c.type FROM entity_counts c WHERE c.n >= ? AND NOT EXISTS (SELECT 1 FROM entity_grown_types g WHERE g.app_id = c.app_id AND g.type = c.type)",
    [Math.max(GROWTH.at, 1)],
  );
  if (!due.length) return [];
  // Rows of a type the model no longer has stay (until purged) and never grow: not a reason to sync at every open.
  const apps = (await appModels(db)).filter((a) =>
    due.some((d) => Number(d.app_id) === Number(a.app_id) && (JSON.parse(a.doc) as Model).entities?.some((e) => e.name === d.type)),
  );
  return resyncApps(db, apps);
}

/** Each app's indexes and rollups synced with its current model and growth, one transaction per app; returns those that changed. */
async function resyncApps(db: Driver, apps: Awaited<ReturnType<typeof appModels>>): Promise<number[]> {
  const postgres = db.dialect.name === "postgres";
  const synced: number[] = [];
  for (const a of apps) {
    const model = compileModel(a.model_id, a.version, JSON.parse(a.doc) as Model);
    // One transaction per app: a crash part-way leaves the old rules' mark, so the next open resumes.
    const r = await db.transaction(async (tx) => {
      const synced = await syncIndexes(tx, a.app_id, model, db.dialect);
      // Rollups follow growth too (version 3): a small type's go.
      await syncRollups(tx, a.app_id, model, synced.grown);
      return synced;
    });
    noteGrown(db, a.app_id, r.grown);
    if (r.created.length || r.dropped.length) synced.push(a.app_id);
    // PostgreSQL: new indexes start without statistics of their own; the planner chose
    // worse plans until the next autovacuum analyzed the partition.
    await analyzeStatistics(db, r.analyze ?? (postgres && r.created.length ? await partitionOf(db, a.app_id) : undefined));
  }
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
    const indexes = desiredIndexes(a.app_id, model, db.dialect, grownTypes(db, a.app_id));
    await analyzeStatistics(db, await db.transaction((tx) => syncStatistics(tx, a.app_id, model, indexes)));
  }
}

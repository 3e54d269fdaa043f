// Maintained rollups for aggregates (aggregate.ts): per app and entity type, one small
// table holding, for every value of each group field (enum, boolean: the value; date,
// datetime: its day, the first 10 characters as stored), the number of records and, per
// number/integer field, how many have a value and their sum. An unfiltered aggregate
// grouped by such a field (weeks and months are sums of days), or one filtered by
// equality on an enum or boolean field, then reads a few hundred rows instead of 1M.
//
// Triggers on `entities` (on SQLite generated per (app, type); on PostgreSQL one shared set
// that runs each rollup's stored statement: rollups-postgres.ts) keep each table exact in the same
// transaction as every write, whatever the path (create, update, delete, cascade, bulk
// loads, import, purge): nothing that writes rows can skip them. A model save that
// changes a type's group or numeric fields makes a new table (its name hashes the
// definition), fills it with one pass over the type's rows and drops the old one, in the
// save's transaction. Recorded in `entity_rollups` (migration 7).
//
// Sums: integers add exactly (SQLite integer arithmetic, REAL only past 2^63). Doubles
// are kept as a Neumaier compensated sum (`s` plus the running error `e`), the same
// algorithm SQLite's sum()/total() use, so adding and later subtracting the same values
// leaves no drift beyond the last bit or two of the result: the answer may differ from a
// scan (which adds in another order) by a few ulps of the sum (relative ~1e-15).

import { type CompiledEntity, type CompiledModel, compileModel } from "../../model/compile";
import type { Model } from "../../model/schema";
import { checkedIdent } from "../dialect";
import type { Driver, Queryable } from "../driver";
import { scope } from "./columns";
import { grownTypesIn } from "./growth";
import { postgresRollup, writeRollupTriggers } from "./rollups-postgres";

/** A group field of a rollup: its values (enum, boolean) or its days (date, datetime). */
export interface RollupGroup {
  field: string;
  day: boolean;
}

export interface RollupDef {
  type: string;
  /** Table name: app, type and a hash of the definition, so a changed definition is a new table. */
  name: string;
  groups: RollupGroup[];
  /** number/integer fields, in model order: column i holds c{i} (values), s{i} (sum), e{i} (its error term). */
  nums: string[];
}

const VALUE_GROUP = new Set(["enum", "boolean"]);
const DAY_GROUP = new Set(["date", "datetime"]);
const NUMERIC = new Set(["number", "integer"]);
/** Stands for NULL in the key column (a primary key of a WITHOUT ROWID table cannot hold NULL; json_extract never returns a blob). */
export const NULL_KEY = "X''";

const hash = (s: string) => Bun.hash(s).toString(36).slice(0, 10);

/** The rollup an entity type gets from its model, or null when it has nothing to roll up. */
export function rollupDef(appId: number, ent: CompiledEntity): RollupDef | null {
  const groups: RollupGroup[] = [];
  const nums: string[] = [];
  for (const f of ent.def.fields) {
    if (VALUE_GROUP.has(f.type)) groups.push({ field: f.name, day: false });
    else if (DAY_GROUP.has(f.type)) groups.push({ field: f.name, day: true });
    else if (NUMERIC.has(f.type)) nums.push(f.name);
  }
  // Whole-type sums need a row to live in when no field groups the records: group '' (one key).
  if (!groups.length && !nums.length) return null;
  const key = JSON.stringify({ groups, nums });
  return { type: ent.name, name: `agg_${Math.trunc(appId)}_${checkedIdent(ent.name)}_${hash(key)}`, groups, nums };
}

/** The group whose rows also give whole-type totals: the one with the fewest keys likely (a boolean, an enum, else a day). */
export function wholeGroup(def: RollupDef): string {
  const g = def.groups.find((x) => !x.day) ?? def.groups[0];
  return g ? g.field : "";
}

const jx = (row: string, field: string) => `json_extract(${row}.data, '$.${checkedIdent(field)}')`;
const keyOf = (row: string, g: RollupGroup) => (g.day ? `substr(${jx(row, g.field)}, 1, 10)` : jx(row, g.field));
const cols = (def: RollupDef) => ["g", "v", "n", ...def.nums.flatMap((_, i) => [`c${i}`, `s${i}`, `e${i}`])];

/**
 * One statement adding (sign 1) or taking away (sign -1) one record's contribution to the
 * row of one group value. An upsert both ways: SET sees the row's values from before the
 * statement, so e{i} is updated with the old s{i} (Neumaier: the bits lost in s + x).
 */
function bump(def: RollupDef, g: RollupGroup | null, row: string, sign: 1 | -1, when?: string): string {
  const neg = sign < 0 ? "-" : "";
  const values = [
    g ? `'${checkedIdent(g.field)}'` : "''",
    g ? `ifnull(${keyOf(row, g)}, ${NULL_KEY})` : NULL_KEY,
    `${sign}`,
    ...def.nums.flatMap((f) => [`${neg}(${jx(row, f)} IS NOT NULL)`, `${neg}ifnull(${jx(row, f)} + 0, 0)`, "0"]),
  ];
  const set = ["n = n + excluded.n"];
  def.nums.forEach((_, i) => {
    const s = `s${i}`,
      x = `excluded.s${i}`;
    set.push(
      `c${i} = c${i} + excluded.c${i}`,
      `s${i} = ${s} + ${x}`,
      `e${i} = e${i} + CASE WHEN abs(${s}) >= abs(${x}) THEN (${s} - (${s} + ${x})) + ${x} ELSE (${x} - (${s} + ${x})) + ${s} END`,
    );
  });
  const source = when ? `SELECT ${values.join(", ")} WHERE ${when}` : `VALUES (${values.join(", ")})`;
  return `INSERT INTO ${def.name} (${cols(def).join(", ")}) ${source} ON CONFLICT (g, v) DO UPDATE SET ${set.join(", ")};`;
}

const groupsOrWhole = (def: RollupDef): (RollupGroup | null)[] => (def.groups.length ? def.groups : [null]);

/** CREATE statements of the table and its three triggers. */
export function rollupDdl(appId: number, def: RollupDef): string[] {
  const here = (row: string) => `${row}.app_id = ${Math.trunc(appId)} AND ${row}.type = '${checkedIdent(def.type)}'`;
  const numCols = def.nums.flatMap((_, i) => [`c${i} INTEGER NOT NULL`, `s${i} NOT NULL`, `e${i} NOT NULL`]);
  // Only a change of what the rollup holds costs an update anything: a title edit fires nothing.
  const watched = [...def.groups.map((g) => g.field), ...def.nums];
  const changed = ["old.app_id IS NOT new.app_id", "old.type IS NOT new.type", ...watched.map((f) => `${jx("old", f)} IS NOT ${jx("new", f)}`)].join(" OR ");
  const each = (row: string, sign: 1 | -1, when?: string) =>
    groupsOrWhole(def)
      .map((g) => bump(def, g, row, sign, when))
      .join(" ");
  return [
    `CREATE TABLE ${def.name} (g TEXT NOT NULL, v NOT NULL, n INTEGER NOT NULL${numCols.map((c) => `, ${c}`).join("")}, PRIMARY KEY (g, v)) WITHOUT ROWID`,
    `CREATE TRIGGER ${def.name}_i AFTER INSERT ON entities WHEN ${here("new")} BEGIN ${each("new", 1)} END`,
    `CREATE TRIGGER ${def.name}_d AFTER DELETE ON entities WHEN ${here("old")} BEGIN ${each("old", -1)} END`,
    `CREATE TRIGGER ${def.name}_u AFTER UPDATE OF data, app_id, type ON entities WHEN (${here("old")} OR ${here("new")}) AND (${changed}) BEGIN ${each("old", -1, here("old"))} ${each("new", 1, here("new"))} END`,
  ];
}

/**
 * Fill a new rollup table from the type's rows: one scan, the values read out of the JSON
 * once into a temporary table, then one GROUP BY per group field over it.
 */
async function backfill(tx: Queryable, appId: number, def: RollupDef): Promise<void> {
  const tmp = "temp.torque_rollup_fill";
  const picks = [...def.groups.map((g, i) => `${keyOf("entities", g)} AS k${i}`), ...def.nums.map((f, i) => `${jx("entities", f)} AS x${i}`)];
  await tx.run(`DROP TABLE IF EXISTS ${tmp}`);
  await tx.run(`CREATE TABLE ${tmp} AS SELECT ${picks.join(", ") || "1 AS one"} FROM entities WHERE ${scope(appId, def.type)}`);
  // total() of x + 0 reads text as SQLite's arithmetic does (as the triggers' `x + 0`); sums of integers stay integers when they fit.
  const sums = def.nums.flatMap((_, i) => [
    `count(x${i})`,
    `CASE WHEN count(x${i}) = count(CASE WHEN typeof(x${i}) = 'integer' THEN 1 END) AND abs(total(x${i})) < 9e15 THEN CAST(total(x${i}) AS INTEGER) ELSE total(x${i} + 0) END`,
    "0",
  ]);
  const target = `INSERT INTO ${def.name} (${cols(def).join(", ")})`;
  if (!def.groups.length) {
    await tx.run(`${target} SELECT '', ${NULL_KEY}, count(*)${sums.map((s) => `, ${s}`).join("")} FROM ${tmp} HAVING count(*) > 0`);
  } else
    for (const [i, g] of def.groups.entries())
      await tx.run(
        `${target} SELECT '${checkedIdent(g.field)}', ifnull(k${i}, ${NULL_KEY}), count(*)${sums.map((s) => `, ${s}`).join("")} FROM ${tmp} GROUP BY k${i}`,
      );
  await tx.run(`DROP TABLE ${tmp}`);
}

async function dropRollup(tx: Queryable, name: string): Promise<void> {
  checkedIdent(name);
  // PostgreSQL's triggers are shared by every rollup (migration 10): the table alone goes.
  if (tx.dialect.name === "sqlite") for (const t of ["i", "d", "u"]) await tx.run(`DROP TRIGGER IF EXISTS ${name}_${t}`);
  await tx.run(`DROP TABLE IF EXISTS ${name}`);
}

/** Make one rollup's table, fill it from the type's rows and record it (with, on PostgreSQL, the statement its triggers run). */
async function makeRollup(tx: Queryable, appId: number, def: RollupDef, ent: CompiledEntity): Promise<void> {
  const definition = JSON.stringify({ groups: def.groups, nums: def.nums });
  if (tx.dialect.name === "sqlite") {
    for (const sql of rollupDdl(appId, def)) await tx.run(sql);
    await backfill(tx, appId, def);
    await tx.run("INSERT INTO entity_rollups (app_id, type, name, definition) VALUES (?, ?, ?, ?)", [appId, def.type, def.name, definition]);
    return;
  }
  const pg = postgresRollup(appId, def, ent, tx.dialect);
  await tx.run(pg.create);
  await tx.run(pg.fill);
  await tx.run("INSERT INTO entity_rollups (app_id, type, name, definition, apply) VALUES (?, ?, ?, ?, ?)", [appId, def.type, def.name, definition, pg.apply]);
}

/**
 * Bring one app's rollups in line with its model and its grown types (syncIndexes' `grown`), in the caller's transaction: a type
 * whose definition changed gets its new table and triggers, filled from its rows, and
 * the old ones dropped. Returns the tables made.
 */
export async function syncRollups(tx: Queryable, appId: number, m: CompiledModel, grown: ReadonlySet<string>): Promise<string[]> {
  const have = new Map(
    (await tx.all<{ type: string; name: string }>("SELECT type, name FROM entity_rollups WHERE app_id = ?", [appId])).map((r) => [r.type, r.name]),
  );
  const want = new Map<string, RollupDef>();
  for (const e of m.entities.values()) {
    // Only a grown type (growth.ts) has one: a few thousand rows aggregate fast from
    // themselves, and each rollup's triggers cost every write to `entities` (SQLite
    // evaluates every trigger's WHEN for every row written).
    if (!grown.has(e.name)) continue;
    const def = rollupDef(appId, e);
    if (def) want.set(e.name, def);
  }
  let changed = false;
  for (const [type, name] of have)
    if (want.get(type)?.name !== name) {
      if (name) await dropRollup(tx, name);
      await tx.run("DELETE FROM entity_rollups WHERE app_id = ? AND type = ?", [appId, type]);
      changed = true;
    }
  const made: string[] = [];
  for (const [type, def] of want) {
    if (have.get(type) === def.name) continue;
    await dropRollup(tx, def.name); // one a migration down left behind
    await makeRollup(tx, appId, def, m.entities.get(type)!);
    made.push(def.name);
  }
  if ((changed || made.length) && tx.dialect.name === "postgres") await writeRollupTriggers(tx);
  return made;
}

/**
 * Drop every rollup of an app (app deletion). Run before its rows are deleted: the
 * triggers would otherwise update the tables once per deleted row, for nothing.
 */
export async function dropAppRollups(tx: Queryable, appId: number): Promise<void> {
  for (const r of await tx.all<{ name: string }>("SELECT name FROM entity_rollups WHERE app_id = ? AND name <> ''", [appId])) await dropRollup(tx, r.name);
  await tx.run("DELETE FROM entity_rollups WHERE app_id = ?", [appId]);
  if (tx.dialect.name === "postgres") await writeRollupTriggers(tx);
}

/** At open: apps marked by migration 7 (they existed before rollups) get theirs from their current model, one transaction each. */
export async function repairRollups(db: Driver): Promise<number[]> {
  const apps = await db.all<{ app_id: number; model_id: string; version: number; doc: string }>(
    `SELECT r.app_id, m.id AS model_id, m.version, v.doc FROM entity_rollups r JOIN apps a ON a.id = r.app_id JOIN models m ON m.id = a.model_id
     JOIN model_versions v ON v.model_id = m.id AND v.version = m.version WHERE r.type = ''`,
  );
  for (const a of apps) {
    const model = compileModel(a.model_id, a.version, JSON.parse(a.doc) as Model);
    await db.transaction(async (tx) => {
      await tx.run("DELETE FROM entity_rollups WHERE app_id = ? AND type = ''", [a.app_id]);
      await syncRollups(tx, a.app_id, model, await grownTypesIn(tx, a.app_id));
    });
  }
  // A marker whose app is gone has nothing to build.
  await db.transaction((tx) => tx.run("DELETE FROM entity_rollups WHERE type = '' AND app_id NOT IN (SELECT id FROM apps)"));
  return apps.map((a) => a.app_id);
}

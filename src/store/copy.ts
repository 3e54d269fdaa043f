// Copying a whole Torque database into an empty one, SQLite or PostgreSQL either side
// (`torque migrate-data`; `torque backup` of a PostgreSQL database, into a new SQLite file).
//
// - What is copied: every system table that holds project data (TABLES below, in an order
//   that meets the foreign keys), with ids, versions and timestamps as they are; the id
//   sequences of apps and audit_log continue after the source's (never reused).
// - What is rebuilt instead: the bookkeeping derived from the models and the rows
//   (entity_indexes and the indexes, entity_fts and the full-text tables, entity_rollups
//   and the rollups, entity_counts), by the functions that make them when an app is
//   created or its model saved, once the rows are in (an index built over loaded rows is
//   a sort; kept up row by row, it costs more). entity_counts fills itself: triggers.
// - The source is only read, inside one snapshot (Driver.snapshot), in key order and in
//   batches; each batch is written in one transaction on the target while the next is read.
// - Verified: every table is read back from the target in the same order, and its row
//   count and a SHA-256 over its rows (each row's values as JSON, entities' data as JSON
//   with keys sorted: jsonb reorders keys and rewrites numbers) must equal the source's.

import { createHash } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { TorqueError } from "../lib/errors";
import { compileModel } from "../model/compile";
import type { Model } from "../model/schema";
import { appModels } from "./apps";
import type { Driver, Param, Queryable, Row } from "./driver";
import { scope } from "./entities/columns";
import { fillPendingFts, syncFts } from "./entities/fts";
import { noteGrown } from "./entities/growth";
import { syncIndexes } from "./entities/indexes";
import { syncRollups } from "./entities/rollups";
import { checkStorable, insertLoadedRow, insertLoadedRows, type LoadedRow } from "./entities/rows";
import { migrations } from "./migrations";
import { isPostgresUrl, openDatabase } from "./open";

type ColumnType = "text" | "integer" | "bigint" | "double precision";

interface TableSpec {
  name: CopiedTable;
  /** Every column, in the order rows are hashed. */
  columns: readonly (readonly [name: string, type: ColumnType])[];
  /** The primary key: rows are read in its order. */
  key: readonly string[];
  /** Rows per read (fewer where one row may be large: model documents, run records). */
  batch: number;
  /** Its integer id comes from a sequence that the target must continue (never reuse an id). */
  sequence?: boolean;
}

export type CopiedTable =
  | "models"
  | "model_versions"
  | "apps"
  | "entities"
  | "entity_relationships"
  | "xflow_executions"
  | "audit_log"
  | "seed_runs"
  | "schedule_claims"
  | "users"
  | "sessions"
  | "api_tokens"
  | "settings";

const T = "text",
  I = "integer";
/** The tables copied, in the order they are written. Entities are read per app and type (see copyEntities). */
const TABLES: readonly TableSpec[] = [
  {
    name: "models",
    columns: [
      ["id", T],
      ["name", T],
      ["version", I],
      ["created_at", T],
      ["updated_at", T],
    ],
    key: ["id"],
    batch: 5000,
  },
  {
    name: "model_versions",
    columns: [
      ["model_id", T],
      ["version", I],
      ["doc", T],
      ["created_at", T],
      ["actor", T],
      ["note", T],
    ],
    key: ["model_id", "version"],
    batch: 50,
  },
  {
    name: "apps",
    columns: [
      ["id", I],
      ["slug", T],
      ["model_id", T],
      ["settings", T],
      ["created_at", T],
    ],
    key: ["id"],
    batch: 5000,
    sequence: true,
  },
  {
    name: "entities",
    columns: [
      ["app_id", I],
      ["type", T],
      ["id", T],
      ["data", T],
      ["version", I],
      ["created_at", T],
      ["updated_at", T],
    ],
    key: ["app_id", "type", "id"],
    batch: 5000,
  },
  {
    name: "entity_relationships",
    columns: [
      ["app_id", I],
      ["relationship", T],
      ["from_id", T],
      ["to_id", T],
      ["created_at", T],
    ],
    key: ["app_id", "relationship", "from_id", "to_id"],
    batch: 5000,
  },
  {
    name: "xflow_executions",
    columns: [
      ["id", T],
      ["app_id", I],
      ["xflow", T],
      ["status", T],
      ["trigger", T],
      ["input", T],
      ["output", T],
      ["error", T],
      ["nodes", T],
      ["started_at", T],
      ["finished_at", T],
      ["duration_ms", "double precision"],
    ],
    key: ["id"],
    batch: 200,
  },
  {
    name: "audit_log",
    columns: [
      ["id", "bigint"],
      ["at", T],
      ["actor_kind", T],
      ["actor_id", T],
      ["action", T],
      ["app_id", I],
      ["model_id", T],
      ["entity_type", T],
      ["entity_id", T],
      ["before", T],
      ["after", T],
      ["door", T],
    ],
    key: ["id"],
    batch: 2000,
    sequence: true,
  },
  {
    name: "seed_runs",
    columns: [
      ["app_id", I],
      ["request", T],
      ["targets", T],
      ["started_at", T],
    ],
    key: ["app_id"],
    batch: 5000,
  },
  {
    name: "schedule_claims",
    columns: [
      ["app_id", I],
      ["xflow", T],
      ["scheduled_at", T],
      ["claimed_at", T],
      ["done_at", T],
    ],
    key: ["app_id", "xflow", "scheduled_at"],
    batch: 5000,
  },
  {
    name: "users",
    columns: [
      ["id", T],
      ["name", T],
      ["role", T],
      ["password_hash", T],
      ["created_at", T],
      ["updated_at", T],
    ],
    key: ["id"],
    batch: 5000,
  },
  {
    name: "sessions",
    columns: [
      ["hash", T],
      ["user_id", T],
      ["csrf", T],
      ["created_at", T],
      ["expires_at", T],
      ["seen_at", T],
    ],
    key: ["hash"],
    batch: 5000,
  },
  {
    name: "api_tokens",
    columns: [
      ["id", T],
      ["hash", T],
      ["user_id", T],
      ["name", T],
      ["role", T],
      ["apps", T],
      ["created_at", T],
      ["expires_at", T],
      ["used_at", T],
      ["revoked_at", T],
    ],
    key: ["id"],
    batch: 5000,
  },
  {
    name: "settings",
    columns: [
      ["key", T],
      ["value", T],
    ],
    key: ["key"],
    batch: 5000,
  },
];

/** At most this many bytes of rows go to PostgreSQL in one statement (one JSON parameter). */
const MAX_STATEMENT_BYTES = 16 * 1024 * 1024;
/** Rows per transaction when full-text tables are filled on a SQLite target (as a seed does). */
const FTS_FILL_BATCH = 20_000;

export interface CopyProgress {
  /** copy: rows written to the target; rebuild: apps whose indexes, full-text tables and rollups are made; verify: rows read back. */
  step: "copy" | "rebuild" | "verify";
  /** The table (copy, verify), or "apps" (rebuild). */
  table: string;
  done: number;
  total: number;
  /** This step of this table is over. */
  finished: boolean;
}

export interface CopyOptions {
  onProgress?: (p: CopyProgress) => void;
}

export interface TableCopy {
  table: CopiedTable;
  rows: number;
  /** SHA-256 (hex) over the rows in key order, equal on both sides. */
  checksum: string;
  /** Reading from the source and writing to the target. */
  ms: number;
  /** Reading back from the target and comparing. */
  verifyMs: number;
}

export interface CopyReport {
  /** Where from and where to (paths, or URLs without password). */
  from: string;
  to: string;
  tables: TableCopy[];
  /** What was made again on the target from the models and the rows. */
  rebuilt: { apps: number; indexes: number; fullText: number; rollups: number; ms: number };
  ms: number;
}

// ---- reading ------------------------------------------------------------------------

/** A running SHA-256 over rows, each its values as JSON on a line. */
class RowHash {
  private h = createHash("sha256");
  rows = 0;
  add(values: unknown[]): void {
    this.h.update(JSON.stringify(values));
    this.h.update("\n");
    this.rows++;
  }
  digest(): string {
    return this.h.digest("hex");
  }
}

/** JSON text with object keys sorted at every level: equal for equal JSON values, whatever the key order or number spelling stored. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

const names = (t: TableSpec) => t.columns.map(([c]) => c);

/** One batch of a table in key order, after the key of row `after` (from the start without one). */
function readRows(q: Queryable, t: TableSpec, after: Row | undefined): Promise<Row[]> {
  const key = t.key.join(", ");
  // A row value comparison: both databases seek the primary key's index with it.
  const where = after ? ` WHERE (${key}) > (${t.key.map(() => "?").join(", ")})` : "";
  return q.all<Row>(`SELECT ${names(t).join(", ")} FROM ${t.name}${where} ORDER BY ${key} LIMIT ${t.batch}`, after ? t.key.map((k) => after[k] as Param) : []);
}

interface EntityGroup {
  app_id: number;
  type: string;
  n: number;
}

/**
 * The (app, type) groups of entities, in order, with their counts: from the maintained
 * counts, unless those disagree with the table's own count (then from the rows).
 */
async function entityGroups(q: Queryable): Promise<{ groups: EntityGroup[]; total: number }> {
  const total = Number((await q.get<{ n: number }>("SELECT count(*) AS n FROM entities"))!.n);
  let groups = await q.all<EntityGroup>("SELECT app_id, type, n FROM entity_counts WHERE n > 0 ORDER BY app_id, type");
  if (groups.reduce((s, g) => s + Number(g.n), 0) !== total)
    groups = await q.all<EntityGroup>("SELECT app_id, type, count(*) AS n FROM entities GROUP BY app_id, type ORDER BY app_id, type");
  return { groups: groups.map((g) => ({ app_id: g.app_id, type: g.type, n: Number(g.n) })), total };
}

interface EntityRowRead {
  id: string;
  data: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** One batch of one app's records of one type, by id (each type has its id index). */
const readEntities = (q: Queryable, g: EntityGroup, after: string, limit: number) =>
  q.all<EntityRowRead>(
    `SELECT id, ${q.dialect.dataColumn} AS data, version, created_at, updated_at FROM entities WHERE ${scope(g.app_id, g.type)} AND id > ? ORDER BY id LIMIT ${Math.trunc(limit)}`,
    [after],
  );

const entityValues = (g: EntityGroup, r: EntityRowRead) => [g.app_id, g.type, r.id, canonicalJson(JSON.parse(r.data)), r.version, r.created_at, r.updated_at];

/** Row counts of the copied tables (entities aside). */
async function tableCount(q: Queryable, t: TableSpec): Promise<number> {
  return Number((await q.get<{ n: number }>(`SELECT count(*) AS n FROM ${t.name}`))!.n);
}

/** The highest id the table's sequence has handed out (a deleted row's included), 0 when none. */
async function sequenceAt(q: Queryable, table: CopiedTable): Promise<number> {
  if (q.dialect.name === "postgres") {
    const r = await q.get<{ n: number | null }>("SELECT pg_sequence_last_value(pg_get_serial_sequence(?, 'id')::regclass) AS n", [table]);
    return Number(r?.n ?? 0);
  }
  return (await q.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]))?.seq ?? 0;
}

/** Make the table's next id follow `last` (the copied rows were written with their ids, which a sequence does not see). */
async function continueSequence(tx: Queryable, table: CopiedTable, last: number): Promise<void> {
  if (last < 1) return;
  if (tx.dialect.name === "postgres") {
    await tx.get("SELECT setval(pg_get_serial_sequence(?, 'id'), ?)", [table, last]);
    return;
  }
  // AUTOINCREMENT keeps its high-water mark in sqlite_sequence (inserted ids raised it to their maximum already).
  if (!(await tx.run("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", [last, table])).changes)
    await tx.run("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, last]);
}

/** The tables of the database (for telling a fresh database from one that holds data). */
async function tableNames(q: Queryable): Promise<Set<string>> {
  const rows =
    q.dialect.name === "postgres"
      ? await q.all<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")
      : await q.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
  return new Set(rows.map((r) => r.name));
}

/** The first copied table that holds a row, if any (tables not there yet hold none). */
async function firstFilledTable(q: Queryable): Promise<CopiedTable | undefined> {
  const have = await tableNames(q);
  for (const t of TABLES) if (have.has(t.name) && (await q.get(`SELECT 1 AS x FROM ${t.name} LIMIT 1`))) return t.name;
  return undefined;
}

/** The schema migrations applied to a database, or null when it has no Torque schema. */
async function appliedMigrations(q: Queryable): Promise<number[] | null> {
  if (!(await tableNames(q)).has("schema_migrations")) return null;
  return (await q.all<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).map((r) => r.version);
}

/** Refuse a source whose schema is not the one this build writes: it would be read wrong. */
async function checkSource(q: Queryable, location: string): Promise<void> {
  const applied = await appliedMigrations(q);
  if (!applied?.length) throw new TorqueError("bad_request", `the source ${location} holds no Torque data (no Torque schema)`);
  const known = migrations.map((m) => m.version);
  if (applied.some((v) => !known.includes(v)))
    throw new TorqueError("bad_request", `the source ${location} was written by a newer Torque (schema migration ${Math.max(...applied)}); use that version`);
  if (known.some((v) => !applied.includes(v)))
    throw new TorqueError("bad_request", `the source ${location} has pending schema migrations: run \`torque migrate --db ${location}\` first`);
}

// ---- writing ------------------------------------------------------------------------

/** PostgreSQL text cannot hold NUL: say which row, rather than the server's message. */
function refuseNul(t: CopiedTable, row: Row, key: readonly string[]): void {
  for (const v of Object.values(row))
    if (typeof v === "string" && v.includes("\0"))
      throw new TorqueError(
        "bad_request",
        `cannot copy ${t} row ${key.map((k) => String(row[k])).join("/")}: it holds the NUL character, which PostgreSQL cannot store`,
      );
}

/** Rows of one table, with their keys and ids as they are, in the caller's transaction. */
async function writeRows(tx: Queryable, t: TableSpec, rows: readonly Row[]): Promise<void> {
  const cols = names(t);
  let written = 0;
  if (tx.dialect.name === "postgres") {
    // A statement per chunk, its rows one JSON parameter that the server unpacks (as insertAudits does).
    const sql = `INSERT INTO ${t.name} (${cols.join(", ")}) SELECT ${cols.map((c) => `r.${c}`).join(", ")} FROM jsonb_to_recordset(?::jsonb) AS r(${t.columns.map(([c, type]) => `${c} ${type}`).join(", ")})`;
    let chunk: string[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length) written += (await tx.run(sql, [`[${chunk.join(",")}]`])).changes;
      chunk = [];
      bytes = 0;
    };
    for (const r of rows) {
      refuseNul(t.name, r, t.key);
      const json = JSON.stringify(Object.fromEntries(cols.map((c) => [c, r[c] ?? null])));
      if (bytes + json.length > MAX_STATEMENT_BYTES) await flush();
      chunk.push(json);
      bytes += json.length;
    }
    await flush();
  } else {
    const sql = `INSERT INTO ${t.name} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`;
    for (const r of rows)
      written += (
        await tx.run(
          sql,
          cols.map((c) => (r[c] ?? null) as Param),
        )
      ).changes;
  }
  if (written !== rows.length) throw new Error(`${t.name}: the target took ${written} of ${rows.length} rows`);
}

/** One batch of records of one app and type, in the caller's transaction (no full-text entries: the tables are made after). */
async function writeEntities(tx: Queryable, g: EntityGroup, rows: readonly EntityRowRead[], fromPostgres: boolean): Promise<void> {
  const loaded: LoadedRow[] = rows.map((r) => ({
    id: r.id,
    appId: g.app_id,
    type: g.type,
    // jsonb's text has spaces after every colon and comma: SQLite keeps the compact form Torque writes.
    data: fromPostgres && tx.dialect.name === "sqlite" ? JSON.stringify(JSON.parse(r.data)) : r.data,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
  if (tx.dialect.name === "postgres") {
    for (const r of loaded) {
      try {
        checkStorable(tx.dialect, r.data);
      } catch (e) {
        throw new TorqueError("bad_request", `cannot copy ${g.type} ${r.id} (app ${g.app_id}): ${(e as TorqueError).message}`);
      }
      refuseNul("entities", { id: r.id, created_at: r.createdAt, updated_at: r.updatedAt }, ["id"]);
    }
    const done = await insertLoadedRows(tx, loaded);
    if (done.size !== loaded.length) throw new Error(`entities: the target took ${done.size} of ${loaded.length} rows of ${g.type} (app ${g.app_id})`);
  } else for (const r of loaded) await insertLoadedRow(tx, r);
}

// ---- copying --------------------------------------------------------------------------

type Report = (p: CopyProgress) => void;

/**
 * Read batches from `read` until one comes back short, writing each in its own target
 * transaction while the next is read. Returns the rows read.
 */
async function pump<R>(read: (last: R | undefined) => Promise<R[]>, limit: number, write: (rows: R[]) => Promise<void>, seen: (rows: R[]) => void) {
  let last: R | undefined;
  let inflight: Promise<void> = Promise.resolve();
  for (;;) {
    const rows = await read(last);
    await inflight;
    if (!rows.length) break;
    seen(rows);
    last = rows.at(-1);
    inflight = write(rows);
    inflight.catch(() => {}); // awaited on the next turn of the loop
    if (rows.length < limit) break;
  }
  await inflight;
}

interface SourceTable {
  spec: TableSpec;
  rows: number;
  checksum: string;
  ms: number;
  /** entities: rows per group, to compare with the target's maintained counts. */
  groups?: EntityGroup[];
}

async function copyTable(src: Queryable, target: Driver, t: TableSpec, report: Report): Promise<SourceTable> {
  const t0 = performance.now();
  const total = await tableCount(src, t);
  const hash = new RowHash();
  let done = 0;
  let maxId = 0;
  report({ step: "copy", table: t.name, done, total, finished: false });
  await pump(
    (after: Row | undefined) => readRows(src, t, after),
    t.batch,
    async (rows) => {
      await target.transaction((tx) => writeRows(tx, t, rows));
      done += rows.length;
      report({ step: "copy", table: t.name, done, total, finished: false });
    },
    (rows) => {
      for (const r of rows) {
        hash.add(names(t).map((c) => r[c] ?? null));
        if (t.sequence) maxId = Math.max(maxId, Number(r.id));
      }
    },
  );
  if (t.sequence) {
    const last = Math.max(maxId, await sequenceAt(src, t.name));
    await target.transaction((tx) => continueSequence(tx, t.name, last));
  }
  report({ step: "copy", table: t.name, done, total: Math.max(total, done), finished: true });
  return { spec: t, rows: hash.rows, checksum: hash.digest(), ms: performance.now() - t0 };
}

async function copyEntities(src: Queryable, target: Driver, t: TableSpec, report: Report): Promise<SourceTable> {
  const t0 = performance.now();
  const { groups, total } = await entityGroups(src);
  const hash = new RowHash();
  const fromPostgres = src.dialect.name === "postgres";
  const copied: EntityGroup[] = [];
  let done = 0;
  report({ step: "copy", table: t.name, done, total, finished: false });
  for (const g of groups) {
    let n = 0;
    await pump(
      (after: EntityRowRead | undefined) => readEntities(src, g, after?.id ?? "", t.batch),
      t.batch,
      async (rows) => {
        await target.transaction((tx) => writeEntities(tx, g, rows, fromPostgres));
        done += rows.length;
        report({ step: "copy", table: t.name, done, total, finished: false });
      },
      (rows) => {
        for (const r of rows) hash.add(entityValues(g, r));
        n += rows.length;
      },
    );
    if (n) copied.push({ ...g, n });
  }
  // Rows outside every group the counts named would have been left behind.
  if (hash.rows !== total) throw new Error(`entities: ${total} rows in the source, ${hash.rows} found by app and type`);
  report({ step: "copy", table: t.name, done, total, finished: true });
  return { spec: t, rows: hash.rows, checksum: hash.digest(), ms: performance.now() - t0, groups: copied };
}

/** Each app's indexes, full-text tables and rollups, made from its model over the copied rows. */
async function rebuild(target: Driver, report: Report): Promise<CopyReport["rebuilt"]> {
  const t0 = performance.now();
  const apps = await appModels(target);
  report({ step: "rebuild", table: "apps", done: 0, total: apps.length, finished: false });
  let done = 0;
  for (const a of apps) {
    const model = compileModel(a.model_id, a.version, JSON.parse(a.doc) as Model);
    // As an app's creation makes them (services/apps.ts), over rows already there: the
    // full-text tables come out pending and are filled next, in batches.
    const { grown } = await target.transaction(async (tx) => {
      const synced = await syncIndexes(tx, a.app_id, model, target.dialect);
      await syncFts(tx, a.app_id, model);
      await syncRollups(tx, a.app_id, model, synced.grown);
      return synced;
    });
    noteGrown(target, a.app_id, grown);
    await fillPendingFts(target, a.app_id, FTS_FILL_BATCH);
    report({ step: "rebuild", table: "apps", done: ++done, total: apps.length, finished: false });
  }
  report({ step: "rebuild", table: "apps", done, total: apps.length, finished: true });
  const count = async (table: string) => Number((await target.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n);
  return {
    apps: apps.length,
    indexes: await count("entity_indexes"),
    fullText: await count("entity_fts"),
    rollups: await count("entity_rollups"),
    ms: Math.round(performance.now() - t0),
  };
}

/** Read a table back from the target in the source's order; its count and checksum must be the source's. */
async function verify(target: Driver, s: SourceTable, report: Report): Promise<number> {
  const t0 = performance.now();
  const t = s.spec;
  const hash = new RowHash();
  const step = (finished: boolean) => report({ step: "verify", table: t.name, done: hash.rows, total: s.rows, finished });
  step(false);
  const noWrite = async () => {};
  if (s.groups) {
    for (const g of s.groups)
      await pump(
        (after: EntityRowRead | undefined) => readEntities(target, g, after?.id ?? "", t.batch),
        t.batch,
        noWrite,
        (rows) => {
          for (const r of rows) hash.add(entityValues(g, r));
          step(false);
        },
      );
    // The maintained counts (triggers on the target) must hold what was copied.
    const counts = await target.all<EntityGroup>("SELECT app_id, type, n FROM entity_counts WHERE n <> 0 ORDER BY app_id, type");
    const key = (g: EntityGroup) => `${g.app_id}/${g.type}/${Number(g.n)}`;
    if (counts.map(key).join(",") !== s.groups.map(key).join(","))
      throw new TorqueError("internal", "verification failed: entity_counts on the target do not match the records copied");
  } else
    await pump(
      (after: Row | undefined) => readRows(target, t, after),
      t.batch,
      noWrite,
      (rows) => {
        for (const r of rows) hash.add(names(t).map((c) => r[c] ?? null));
        step(false);
      },
    );
  const checksum = hash.digest();
  if (hash.rows !== s.rows || checksum !== s.checksum)
    throw new TorqueError(
      "internal",
      hash.rows !== s.rows
        ? `verification failed: ${t.name} has ${s.rows} rows in the source and ${hash.rows} in the target`
        : `verification failed: ${t.name} differs between the source and the target (checksum ${s.checksum.slice(0, 12)} against ${checksum.slice(0, 12)})`,
    );
  step(true);
  return performance.now() - t0;
}

/**
 * Copy everything `source` holds into `target`, which must be empty and migrated (see
 * copyBetween), then rebuild what derives from it and verify every table.
 */
export async function copyDatabase(source: Driver, target: Driver, opts: CopyOptions = {}): Promise<CopyReport> {
  const t0 = performance.now();
  const report: Report = opts.onProgress ?? (() => {});
  const filled = await firstFilledTable(target);
  if (filled) throw emptyTargetError(target.location, filled);
  const copied = await source.snapshot(async (src) => {
    await checkSource(src, source.location);
    const out: SourceTable[] = [];
    for (const t of TABLES) out.push(t.name === "entities" ? await copyEntities(src, target, t, report) : await copyTable(src, target, t, report));
    return out;
  });
  const rebuilt = await rebuild(target, report);
  const tables: TableCopy[] = [];
  for (const s of copied)
    tables.push({ table: s.spec.name, rows: s.rows, checksum: s.checksum, ms: Math.round(s.ms), verifyMs: Math.round(await verify(target, s, report)) });
  // Fold the load into the database now (SQLite: a checkpoint; PostgreSQL: fresh statistics).
  await target.settle();
  return { from: source.location, to: target.location, tables, rebuilt, ms: Math.round(performance.now() - t0) };
}

const emptyTargetError = (location: string, table: string) =>
  new TorqueError("conflict", `the target ${location} must be empty, but it holds ${table}: migrate-data never merges into or overwrites a database`);

// ---- opening both ends ------------------------------------------------------------------

/** A SQLite file and what SQLite keeps beside it. */
function removeSqliteFile(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
}

/** When a copy fails part-way: what to tell about the target (a file made for it is removed). */
async function failed(e: unknown, target: Driver | undefined, made: string | undefined): Promise<never> {
  await target?.close().catch(() => {});
  if (made) removeSqliteFile(made);
  else if (target && !(e instanceof TorqueError && e.code === "conflict"))
    throw new TorqueError(
      e instanceof TorqueError ? e.code : "internal",
      `${(e as Error).message} (the target ${target.location} may hold part of the copy: empty it before trying again)`,
    );
  throw e;
}

/**
 * `torque migrate-data`: copy the database at `from` (a SQLite path or a postgres:// URL)
 * into the empty one at `to`. The source is opened without migrating (it is only read)
 * and must have this build's schema; the target is made or migrated, and refused before
 * anything is written unless it holds no data.
 */
export async function copyBetween(from: string, to: string, opts: CopyOptions = {}): Promise<CopyReport> {
  if (isPostgresUrl(from) ? from === to : !isPostgresUrl(to) && resolve(from) === resolve(to))
    throw new TorqueError("bad_request", "the source and the target are the same database");
  if (!isPostgresUrl(from) && !existsSync(from)) throw new TorqueError("not_found", `the source ${from} does not exist`);
  const made = !isPostgresUrl(to) && !existsSync(to) ? resolve(to) : undefined;
  const source = await openDatabase(from, { migrate: false });
  let target: Driver | undefined;
  try {
    await checkSource(source, source.location);
    // Looked at before anything is written to it (migrations included): a database with data is left exactly as it is.
    const fresh = await openDatabase(to, { migrate: false });
    try {
      const filled = await firstFilledTable(fresh);
      if (filled) throw emptyTargetError(fresh.location, filled);
    } finally {
      await fresh.close();
    }
    target = await openDatabase(to);
    const report = await copyDatabase(source, target, opts);
    await target.close();
    return report;
  } catch (e) {
    return await failed(e, target, made);
  } finally {
    await source.close();
  }
}

/** `torque backup` of a PostgreSQL database: a copy into the new SQLite file `file`. */
export async function backupToSqlite(source: Driver, file: string, opts: CopyOptions = {}): Promise<CopyReport> {
  if (existsSync(file)) throw new TorqueError("conflict", `${file} already exists; choose a new file name`);
  let target: Driver | undefined;
  try {
    target = await openDatabase(file);
    const report = await copyDatabase(source, target, opts);
    await target.close();
    return report;
  } catch (e) {
    return await failed(e, target, resolve(file));
  }
}

// SQLite driver on bun:sqlite. Two connections to one WAL file: a writer that runs the
// (serialised) transactions and a reader for everything else, so reads never see
// uncommitted writes and never wait for a writer. Statements are cached by their SQL.
import { Database, type Statement } from "bun:sqlite";
import { statSync } from "node:fs";
import { CachingDriver, type RowCache } from "../cache";
import { sqliteDialect } from "../dialect";
import type { Driver, Param, Queryable, Row } from "../driver";
import { type Checkpointer, startCheckpointer } from "./checkpointer";

function open(path: string, readonly: boolean): Database {
  const db = new Database(path, readonly ? { readonly: true, strict: true } : { create: true, readwrite: true, strict: true });
  db.exec("PRAGMA busy_timeout = 5000");
  if (!readonly) {
    db.exec("PRAGMA journal_mode = WAL");
    // NORMAL in WAL mode: a commit survives a process crash; only an OS crash or power
    // loss may lose the last transactions, never corrupt the file.
    db.exec("PRAGMA synchronous = NORMAL");
    // Checkpoints run on the checkpointer thread instead (see checkpointer.ts).
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec(`PRAGMA journal_size_limit = ${WAL_LIMIT_BYTES}`);
  }
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA cache_size = -65536"); // 64 MiB page cache per connection
  db.exec("PRAGMA temp_store = MEMORY");
  // Reads of the database file through a memory map: a row read at random (a grid page's
  // rows, a candidate set) costs half as much as through read() into the page cache.
  // Writes still go to the write-ahead log; 2 GiB is SQLite's own ceiling.
  db.exec("PRAGMA mmap_size = 2147418112");
  return db;
}

/**
 * Under a long burst of writes the background checkpointer never sees the log fully
 * copied at the moment a write starts, so the log would not restart and would grow. Past
 * this size the writer forces a restart itself (about once per 64 MiB written).
 */
const WAL_LIMIT_BYTES = 64 * 1024 * 1024;

/** At most this many queued transactions share one commit. */
const MAX_GROUP = 64;

interface Unit {
  fn: (tx: Queryable) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const bind = (params: Param[] | undefined): Param[] => (params ?? []).map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));

const EXPLAIN = /^\s*EXPLAIN\b/i;

/**
 * Run one statement: cached by its SQL, but an EXPLAIN is prepared anew and finalized at
 * once. SQLite never halts an EXPLAIN's VM when it returns its last row, and bun:sqlite
 * resets a statement only when it next runs, so a cached EXPLAIN stays "active"; while a
 * statement is active the connection's read transaction outlives every later statement,
 * and the reader would keep the snapshot of its next read for good (count.ts plans with
 * EXPLAIN QUERY PLAN: rows committed after it were never seen again).
 */
function withStatement<R>(db: Database, sql: string, fn: (s: Statement) => R): R {
  if (!EXPLAIN.test(sql)) return fn(db.query(sql));
  const s = db.prepare(sql);
  try {
    return fn(s);
  } finally {
    s.finalize();
  }
}

function queryable(db: Database, cache: RowCache): Queryable {
  return {
    dialect: sqliteDialect,
    invalidate: (key: string) => cache.delete(key),
    invalidateAll: () => cache.clear(),
    all: async <T = Row>(sql: string, params?: Param[]) => withStatement(db, sql, (s) => s.all(...(bind(params) as never[])) as T[]),
    get: async <T = Row>(sql: string, params?: Param[]) => withStatement(db, sql, (s) => (s.get(...(bind(params) as never[])) ?? undefined) as T | undefined),
    run: async (sql: string, params?: Param[]) => withStatement(db, sql, (s) => ({ changes: s.run(...(bind(params) as never[])).changes })),
  };
}

export class SqliteDriver extends CachingDriver implements Driver {
  readonly dialect = sqliteDialect;
  readonly location: string;
  private writer: Database;
  private reader: Database;
  private readonly w: Queryable;
  private readonly r: Queryable;
  private lock: Promise<unknown> = Promise.resolve();
  private checkpointer: Checkpointer;
  private commits = 0;
  private watcher: ReturnType<typeof setInterval>;
  private dataVersion: number;

  constructor(path: string, opts: { cacheRows?: number } = {}) {
    super(opts.cacheRows);
    this.location = path;
    this.writer = open(path, false);
    this.reader = open(path, true);
    this.w = queryable(this.writer, this.cache);
    this.r = queryable(this.reader, this.cache);
    this.checkpointer = startCheckpointer(path);
    // The writer's data_version moves only when another connection commits: another
    // process (the CLI beside a server). Polled, not checked per request: a SQLite call
    // costs more than a cache hit.
    this.dataVersion = this.readDataVersion();
    this.watcher = setInterval(() => this.checkExternal(), 100);
    (this.watcher as unknown as { unref?(): void }).unref?.();
  }

  private readDataVersion(): number {
    return (this.writer.query("PRAGMA data_version").get() as { data_version: number }).data_version;
  }

  private checkExternal() {
    let v: number;
    try {
      v = this.readDataVersion();
    } catch {
      return;
    }
    if (v === this.dataVersion) return;
    this.dataVersion = v;
    this.cache.clear();
    this.changedElsewhere();
  }

  all<T = Row>(sql: string, params?: Param[]) {
    return this.r.all<T>(sql, params);
  }
  get<T = Row>(sql: string, params?: Param[]) {
    return this.r.get<T>(sql, params);
  }
  run(sql: string, params?: Param[]) {
    return this.serialised(() => this.w.run(sql, params));
  }
  async exec(sql: string) {
    await this.serialised(async () => this.writer.exec(sql));
    this.cache.clear(); // scripts (migrations) may change anything
  }

  /**
   * Group commit: transactions that queue up while one runs are run together in one
   * SQLite transaction, each inside its own savepoint, so a failing one rolls back alone
   * while the others share one commit (one log write instead of many). Every caller
   * still hears back only after the commit that holds its work.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn: fn as Unit["fn"], resolve: resolve as Unit["resolve"], reject });
      // Start on the next turn of the event loop, so requests already received can join.
      if (this.pending.length === 1) setImmediate(() => void this.serialised(() => this.runPending()));
    });
  }

  private pending: Unit[] = [];

  private async runPending(): Promise<void> {
    const batch = this.pending.splice(0, MAX_GROUP);
    if (!batch.length) return;
    try {
      await this.runGroup(batch);
    } catch (error) {
      // Whatever went wrong (the write lock stayed busy, the database closed), every caller hears of it.
      for (const unit of batch) unit.reject(error);
    }
  }

  private async runGroup(batch: Unit[]): Promise<void> {
    if (this.pending.length) void this.serialised(() => this.runPending()); // the rest go next, as one group
    const grouped = batch.length > 1;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const held: string[] = [];
    let all = false;
    // Work the units left for the end of the group (see Queryable.atCommit), and what they
    // cached for the length of the transaction (dropped when a unit rolls back).
    const late: (() => Promise<void>)[] = [];
    const txCache = new Map<string, unknown>();
    try {
      this.writer.exec("BEGIN IMMEDIATE");
      for (const unit of batch) {
        const mine: string[] = [];
        const mineLate: (() => Promise<void>)[] = [];
        let mineAll = false;
        const tx: Queryable = {
          ...this.w,
          invalidate: (key) => {
            this.cache.hold(key);
            mine.push(key);
          },
          invalidateAll: () => (mineAll = true),
          atCommit: (fn) => mineLate.push(fn),
          txCache,
        };
        if (grouped) this.writer.exec("SAVEPOINT unit");
        try {
          outcomes.push({ ok: true, value: await unit.fn(tx) });
          if (grouped) this.writer.exec("RELEASE unit");
          late.push(...mineLate);
        } catch (error) {
          if (!grouped) throw error;
          this.writer.exec("ROLLBACK TO unit");
          this.writer.exec("RELEASE unit");
          txCache.clear();
          outcomes.push({ ok: false, error });
        }
        held.push(...mine);
        all ||= mineAll;
      }
      // Outside every unit's savepoint: a failure here fails the whole group (the catch below).
      for (const fn of late) await fn();
      this.writer.exec("COMMIT");
      if (++this.commits % 64 === 0) this.boundWal();
    } catch (error) {
      if (this.writer.inTransaction) this.writer.exec("ROLLBACK");
      outcomes.length = 0;
      for (let i = 0; i < batch.length; i++) outcomes.push({ ok: false, error });
    } finally {
      // Synchronously after COMMIT (or ROLLBACK): no reader can run in between.
      for (const k of held) this.cache.release(k);
      if (all) this.cache.clear();
    }
    batch.forEach((unit, i) => {
      const o = outcomes[i]!;
      if (o.ok) unit.resolve(o.value);
      else unit.reject(o.error);
    });
  }

  private boundWal() {
    try {
      if (statSync(`${this.location}-wal`).size > WAL_LIMIT_BYTES) this.writer.exec("PRAGMA wal_checkpoint(RESTART)");
    } catch {
      // no log file yet, or readers hold it: the next check will do
    }
  }

  settle() {
    return this.serialised(async () => {
      this.writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    });
  }

  private snapshots: Promise<unknown> = Promise.resolve();

  /**
   * A read transaction on the reader connection: BEGIN, a first read (SQLite takes the
   * snapshot there, not at BEGIN), fn, COMMIT. Writers go on meanwhile (WAL); the
   * checkpointer cannot copy past this snapshot until it ends.
   */
  snapshot<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const run = this.snapshots.then(async () => {
      this.reader.exec("BEGIN");
      try {
        this.reader.query("SELECT count(*) AS n FROM sqlite_master").get();
        const value = await fn(this.r);
        this.reader.exec("COMMIT");
        return value;
      } finally {
        if (this.reader.inTransaction) this.reader.exec("ROLLBACK");
      }
    });
    this.snapshots = run.catch(() => {});
    return run;
  }

  async backup(target: string) {
    // VACUUM INTO reads one consistent snapshot while writers go on (WAL).
    this.reader.query("VACUUM INTO ?").run(target);
  }

  async close() {
    clearInterval(this.watcher);
    await this.lock.catch(() => {});
    await this.checkpointer.stop();
    this.reader.close();
    try {
      // Leave a compact file behind, and fresh statistics for the query planner.
      this.writer.exec("PRAGMA analysis_limit = 400; PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE)");
    } catch {
      // another process holds the database; its checkpoint will do
    }
    this.writer.close();
  }

  /** One writer at a time: chain each write after the previous one finishes. */
  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }
}

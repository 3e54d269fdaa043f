// SQLite driver on bun:sqlite. Two connections to one WAL file: a writer that runs the
// (serialised) transactions and a reader for everything else, so reads never see
// uncommitted writes and never wait for a writer. Statements are cached by their SQL.
import { Database } from "bun:sqlite";
import type { Driver, Param, Queryable, Row } from "../driver";
import { sqliteDialect } from "../dialect";

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
  }
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA cache_size = -65536"); // 64 MiB page cache per connection
  db.exec("PRAGMA temp_store = MEMORY");
  return db;
}

const bind = (params: Param[] | undefined): Param[] => (params ?? []).map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));

function queryable(db: Database): Queryable {
  return {
    all: async <T = Row>(sql: string, params?: Param[]) => db.query(sql).all(...(bind(params) as never[])) as T[],
    get: async <T = Row>(sql: string, params?: Param[]) => (db.query(sql).get(...(bind(params) as never[])) ?? undefined) as T | undefined,
    run: async (sql: string, params?: Param[]) => ({ changes: db.query(sql).run(...(bind(params) as never[])).changes }),
  };
}

export class SqliteDriver implements Driver {
  readonly dialect = sqliteDialect;
  readonly location: string;
  private writer: Database;
  private reader: Database;
  private readonly w: Queryable;
  private readonly r: Queryable;
  private lock: Promise<unknown> = Promise.resolve();
  private checkpointer: Worker;

  constructor(path: string) {
    this.location = path;
    this.writer = open(path, false);
    this.reader = open(path, true);
    this.w = queryable(this.writer);
    this.r = queryable(this.reader);
    this.checkpointer = new Worker(new URL("./checkpointer.ts", import.meta.url).href);
    this.checkpointer.postMessage({ path, intervalMs: 100 });
    (this.checkpointer as Worker & { unref(): void }).unref(); // never keeps the process alive
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
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.serialised(async () => {
      this.writer.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(this.w);
        this.writer.exec("COMMIT");
        return out;
      } catch (e) {
        if (this.writer.inTransaction) this.writer.exec("ROLLBACK");
        throw e;
      }
    });
  }

  settle() {
    return this.serialised(async () => {
      this.writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    });
  }

  async backup(target: string) {
    // VACUUM INTO reads one consistent snapshot while writers go on (WAL).
    this.reader.query("VACUUM INTO ?").run(target);
  }

  async close() {
    await this.lock.catch(() => {});
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 1000); // a stuck worker must not hold up shutdown
      this.checkpointer.onmessage = () => (clearTimeout(done), resolve());
      this.checkpointer.postMessage("stop");
    });
    this.checkpointer.terminate();
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

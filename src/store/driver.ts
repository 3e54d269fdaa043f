// The narrow storage contract every store module uses. SQLite (store/sqlite) and
// PostgreSQL (store/postgres) implement it. SQL is written with `?` placeholders; the
// PostgreSQL driver rewrites them to `$1, $2, …`. Differences in SQL
// itself live in the dialect (store/dialect.ts), split by concern.

import type { RowCache } from "./cache";
import type { Dialect } from "./dialect";

/** The largest message Driver.broadcast carries (PostgreSQL's NOTIFY holds 8,000 bytes with its envelope). */
export const MAX_BROADCAST = 7_600;

export type Param = string | number | bigint | boolean | null | Uint8Array;
export type Row = Record<string, unknown>;

export interface Queryable {
  /** The SQL dialect of the database behind this connection or transaction. */
  readonly dialect: Dialect;
  all<T = Row>(sql: string, params?: Param[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: Param[]): Promise<T | undefined>;
  run(sql: string, params?: Param[]): Promise<{ changes: number }>;
  /**
   * This key's cached row is being changed: inside a transaction it stays out of the
   * cache until after commit (or rollback); outside one, it is dropped now.
   */
  invalidate(key: string): void;
  /** Drop every cached row (bulk deletes, schema changes). */
  invalidateAll(): void;
  /**
   * This write changes models or apps, which processes compile from the database and
   * keep (so other servers on the database must look again; see Driver.onExternalChange).
   * Writes of records need not say so: their cached rows travel as keys (invalidate).
   */
  definitionsChanged?(): void;
  /**
   * Inside a write transaction only: run fn in the same transaction after every unit of
   * its group commit has run, just before COMMIT, in the order registered (dropped if
   * this unit rolls back; if fn fails, the whole group fails). For work that is cheaper
   * done once per commit than once per unit: the full-text index (entities/fts.ts), which
   * writes its buffered entries at every savepoint.
   */
  atCommit?(fn: () => Promise<void>): void;
  /**
   * Inside a write transaction only: a cache that lives while the write lock is held
   * (no other connection can change anything meanwhile), cleared when a unit rolls back.
   */
  readonly txCache?: Map<string, unknown>;
}

export interface Driver extends Queryable {
  /** Rows read through this driver, by key, coherent with its writes and others'. */
  readonly cache: RowCache;
  /**
   * Call fn when another process changed the database (detected within ~100 ms), so
   * in-memory state such as compiled models can be refreshed. Returns an unsubscribe.
   * SQLite cannot tell what changed, so any outside write counts; PostgreSQL calls fn
   * only for writes that changed models or apps (definitionsChanged) or whose extent is
   * unknown (invalidateAll), and after a lost connection.
   */
  onExternalChange(fn: () => void): () => void;
  /**
   * Several servers on one database (PostgreSQL): send a message of at most
   * MAX_BROADCAST bytes to every other process using it, and hear theirs. Messages from
   * one process arrive in the order sent. Absent on SQLite, which serves one machine.
   */
  broadcast?(message: string): void;
  onBroadcast?(fn: (message: string) => void): () => void;
  /** A human-readable description of where the data lives (a path or a URL without password). */
  readonly location: string;
  /** Run several statements (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Run fn in one write transaction: all or nothing. Transactions are serialised, and
   * reads through the driver outside fn never see its uncommitted writes.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** After a bulk load: fold the load's journal into the database now, so later requests do not pay for it. */
  settle(): Promise<void>;
  /**
   * Run fn over one consistent, read-only view of the whole database, taken at its start
   * while others go on writing (the source of a copy: store/copy.ts). SQLite: a read
   * transaction on the reader connection (other reads through this driver see the same
   * snapshot meanwhile); PostgreSQL: a REPEATABLE READ READ ONLY transaction. Snapshots
   * of one driver run one at a time.
   */
  snapshot<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * A consistent copy of the whole database in a new SQLite file, taken while others may
   * be writing (SQLite: VACUUM INTO; PostgreSQL: the copier of store/copy.ts).
   */
  backup(target: string): Promise<void>;
  close(): Promise<void>;
}

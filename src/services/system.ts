// What the doors need of the database itself, beside the data: where it is and how the
// row cache does (/health), an online backup (`torque backup`), word of changes made by
// another process (MCP list announcements), the system schema's migrations
// (`torque migrate`, which opens the database without migrating it first), and copying a
// whole project to another database (`torque migrate-data`).
import type { CacheStats } from "../store/cache";
import { backupToSqlite, type CopyOptions, type CopyReport, copyBetween } from "../store/copy";
import type { Dialect } from "../store/dialect";
import type { Driver } from "../store/driver";
import { type MigrationStatus, migrateDown, migrateUp, migrationStatus } from "../store/migrations";
import { openDatabase } from "../store/open";

export type { CopyOptions, CopyProgress, CopyReport } from "../store/copy";
export type { MigrationStatus };

export interface DatabaseInfo {
  /** The kind of database. */
  driver: Dialect["name"];
  /** Where the data lives: a path, or a URL without its password. */
  location: string;
  /** The row cache of point reads: hits and all reads since the database was opened. */
  cache: CacheStats;
}

export class SystemService {
  constructor(private readonly db: Driver) {}

  info(): DatabaseInfo {
    return { driver: this.db.dialect.name, location: this.db.location, cache: this.db.cache.stats() };
  }

  /**
   * A consistent copy of the whole database in the new SQLite file `target`, taken while
   * others may be writing. SQLite: VACUUM INTO (no report); PostgreSQL: the copier of
   * `migrate-data` into a new file, with its report (tables, counts, checksums).
   */
  async backup(target: string, opts: CopyOptions = {}): Promise<CopyReport | undefined> {
    if (this.db.dialect.name === "postgres") return backupToSqlite(this.db, target, opts);
    await this.db.backup(target);
    return undefined;
  }

  /** Call fn when another process changed the database (within ~100 ms). Returns an unsubscribe. */
  onExternalChange(fn: () => void): () => void {
    return this.db.onExternalChange(fn);
  }
}

/** The system schema of one database, opened without applying pending migrations. */
export interface SchemaMigrations {
  status(): Promise<MigrationStatus[]>;
  /** Apply every pending migration; returns the versions applied. */
  up(): Promise<number[]>;
  /** Revert the latest applied migration; returns its version, or null when none is applied. */
  down(): Promise<number | null>;
  close(): Promise<void>;
}

export async function openSchema(url: string): Promise<SchemaMigrations> {
  const db = await openDatabase(url, { migrate: false });
  return {
    status: () => migrationStatus(db),
    up: () => migrateUp(db),
    down: () => migrateDown(db),
    close: () => db.close(),
  };
}

/**
 * Copy a whole project from the database at `from` into the empty one at `to` (SQLite
 * paths or postgres:// URLs, either way): every model with its versions, app, record,
 * link, workflow run, audit entry, seed in progress and schedule claim; the target's
 * indexes, full-text tables, rollups and counts are rebuilt from them. The source is only
 * read, in one snapshot; every table is verified by row count and checksum.
 */
export function migrateData(from: string, to: string, opts: CopyOptions = {}): Promise<CopyReport> {
  return copyBetween(from, to, opts);
}

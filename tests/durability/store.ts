// A look straight into the database a killed process left behind, without Torque: on
// SQLite the file opened read-only with bun:sqlite (its write-ahead log read as a new
// process finds it), on PostgreSQL a plain connection. The crash tests read what is
// really stored here, not what a restarted server says.
import { Database } from "bun:sqlite";
import postgres from "postgres";
import { onPostgres } from "../helpers/db";

export interface StoredRow {
  id: string;
  data: Record<string, unknown>;
  version: number;
}

export interface StoredAudit {
  action: string;
  entityId: string | null;
  after: unknown;
}

export interface Stored {
  /** The records of one type of an app (by slug). */
  rows(slug: string, type: string): Promise<StoredRow[]>;
  /** The audit entries of an app, oldest first. */
  audit(slug: string): Promise<StoredAudit[]>;
  /** The slugs of the apps. */
  apps(): Promise<string[]>;
  /** The row count the entity_counts triggers keep for a type. */
  keptCount(slug: string, type: string): Promise<number>;
  /** SQLite: PRAGMA integrity_check's answer, and the full-text map's entries per type; PostgreSQL: undefined. */
  sqlite?: { integrity(): string; ftsEntries(slug: string, type: string): number | undefined };
  close(): Promise<void>;
}

const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);

/** Open the database at `db` (a SQLite file or a postgres:// URL) for reading. */
export async function openStored(db: string): Promise<Stored> {
  if (onPostgres) {
    const sql = postgres(db, { max: 1, onnotice: () => {} });
    return {
      async rows(slug, type) {
        const r =
          await sql`SELECT e.id, e.data::text AS data, e.version FROM entities e JOIN apps a ON a.id = e.app_id WHERE a.slug = ${slug} AND e.type = ${type}`;
        return r.map((x) => ({ id: x.id, data: JSON.parse(x.data), version: Number(x.version) }));
      },
      async audit(slug) {
        const r = await sql`SELECT l.action, l.entity_id, l.after FROM audit_log l JOIN apps a ON a.id = l.app_id WHERE a.slug = ${slug} ORDER BY l.id`;
        return r.map((x) => ({ action: x.action, entityId: x.entity_id, after: x.after === null ? undefined : parse(x.after) }));
      },
      async apps() {
        return (await sql`SELECT slug FROM apps ORDER BY slug`).map((r) => r.slug as string);
      },
      async keptCount(slug, type) {
        const r = await sql`SELECT c.n FROM entity_counts c JOIN apps a ON a.id = c.app_id WHERE a.slug = ${slug} AND c.type = ${type}`;
        return r.length ? Number(r[0]!.n) : 0;
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const d = new Database(db, { readonly: true });
  return {
    async rows(slug, type) {
      return d
        .query<{ id: string; data: string; version: number }, [string, string]>(
          "SELECT e.id, e.data, e.version FROM entities e JOIN apps a ON a.id = e.app_id WHERE a.slug = ? AND e.type = ?",
        )
        .all(slug, type)
        .map((x) => ({ id: x.id, data: JSON.parse(x.data), version: x.version }));
    },
    async audit(slug) {
      return d
        .query<{ action: string; entity_id: string | null; after: string | null }, [string]>(
          "SELECT l.action, l.entity_id, l.after FROM audit_log l JOIN apps a ON a.id = l.app_id WHERE a.slug = ? ORDER BY l.id",
        )
        .all(slug)
        .map((x) => ({ action: x.action, entityId: x.entity_id, after: x.after === null ? undefined : JSON.parse(x.after) }));
    },
    async apps() {
      return d
        .query<{ slug: string }, []>("SELECT slug FROM apps ORDER BY slug")
        .all()
        .map((r) => r.slug);
    },
    async keptCount(slug, type) {
      const r = d
        .query<{ n: number }, [string, string]>("SELECT c.n FROM entity_counts c JOIN apps a ON a.id = c.app_id WHERE a.slug = ? AND c.type = ?")
        .get(slug, type);
      return r?.n ?? 0;
    },
    sqlite: {
      integrity: () =>
        d
          .query<{ integrity_check: string }, []>("PRAGMA integrity_check")
          .all()
          .map((r) => r.integrity_check)
          .join("; "),
      ftsEntries(slug, type) {
        const t = d
          .query<{ name: string }, [string, string]>("SELECT f.name FROM entity_fts f JOIN apps a ON a.id = f.app_id WHERE a.slug = ? AND f.type = ?")
          .get(slug, type);
        return t ? d.query<{ n: number }, []>(`SELECT count(*) AS n FROM ftsid${t.name.slice(3)}`).get()!.n : undefined;
      },
    },
    async close() {
      d.close();
    },
  };
}

/**
 * Whether some process is inside a Torque write transaction on the database right now:
 * on SQLite the write lock is taken (a BEGIN IMMEDIATE that may not wait fails), on
 * PostgreSQL the advisory lock every write transaction takes is granted. Close it before
 * the process under test is killed: the last connection to close folds the log in.
 */
export async function writeLockProbe(db: string): Promise<{ held(): Promise<boolean>; close(): Promise<void> }> {
  if (onPostgres) {
    const sql = postgres(db, { max: 1, onnotice: () => {} });
    return {
      async held() {
        const [r] =
          await sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
        return r!.n > 0;
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const d = new Database(db, { readwrite: true });
  d.exec("PRAGMA busy_timeout = 0");
  return {
    async held() {
      try {
        d.exec("BEGIN IMMEDIATE");
      } catch {
        return true;
      }
      d.exec("ROLLBACK");
      return false;
    },
    async close() {
      d.close();
    },
  };
}

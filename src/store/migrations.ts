// System schema migrations: ordered, each with an up and a down script from schema/,
// embedded into the binary as text. Applied versions are recorded in schema_migrations.

import pgDown1 from "../../schema/migrations/postgres/0001_system.down.sql" with { type: "text" };
import pgUp1 from "../../schema/migrations/postgres/0001_system.up.sql" with { type: "text" };
import pgDown2 from "../../schema/migrations/postgres/0002_app_ids.down.sql" with { type: "text" };
import pgUp2 from "../../schema/migrations/postgres/0002_app_ids.up.sql" with { type: "text" };
import pgDown3 from "../../schema/migrations/postgres/0003_bulk_load_safety.down.sql" with { type: "text" };
import pgUp3 from "../../schema/migrations/postgres/0003_bulk_load_safety.up.sql" with { type: "text" };
import pgDown4 from "../../schema/migrations/postgres/0004_drop_xflows.down.sql" with { type: "text" };
import pgUp4 from "../../schema/migrations/postgres/0004_drop_xflows.up.sql" with { type: "text" };
import pgDown5 from "../../schema/migrations/postgres/0005_full_text.down.sql" with { type: "text" };
import pgUp5 from "../../schema/migrations/postgres/0005_full_text.up.sql" with { type: "text" };
import pgDown6 from "../../schema/migrations/postgres/0006_entity_counts.down.sql" with { type: "text" };
import pgUp6 from "../../schema/migrations/postgres/0006_entity_counts.up.sql" with { type: "text" };
import pgDown7 from "../../schema/migrations/postgres/0007_entity_rollups.down.sql" with { type: "text" };
import pgUp7 from "../../schema/migrations/postgres/0007_entity_rollups.up.sql" with { type: "text" };
import pgDown8 from "../../schema/migrations/postgres/0008_schedule_claims.down.sql" with { type: "text" };
import pgUp8 from "../../schema/migrations/postgres/0008_schedule_claims.up.sql" with { type: "text" };
import pgDown9 from "../../schema/migrations/postgres/0009_text_search.down.sql" with { type: "text" };
import pgUp9 from "../../schema/migrations/postgres/0009_text_search.up.sql" with { type: "text" };
import pgDown10 from "../../schema/migrations/postgres/0010_rollup_triggers.down.sql" with { type: "text" };
import pgUp10 from "../../schema/migrations/postgres/0010_rollup_triggers.up.sql" with { type: "text" };
import pgDown11 from "../../schema/migrations/postgres/0011_claim_done.down.sql" with { type: "text" };
import pgUp11 from "../../schema/migrations/postgres/0011_claim_done.up.sql" with { type: "text" };
import pgDown12 from "../../schema/migrations/postgres/0012_users.down.sql" with { type: "text" };
import pgUp12 from "../../schema/migrations/postgres/0012_users.up.sql" with { type: "text" };
import pgDown13 from "../../schema/migrations/postgres/0013_grown_types.down.sql" with { type: "text" };
import pgUp13 from "../../schema/migrations/postgres/0013_grown_types.up.sql" with { type: "text" };
import down1 from "../../schema/migrations/sqlite/0001_system.down.sql" with { type: "text" };
import up1 from "../../schema/migrations/sqlite/0001_system.up.sql" with { type: "text" };
import down2 from "../../schema/migrations/sqlite/0002_app_ids.down.sql" with { type: "text" };
import up2 from "../../schema/migrations/sqlite/0002_app_ids.up.sql" with { type: "text" };
import down3 from "../../schema/migrations/sqlite/0003_bulk_load_safety.down.sql" with { type: "text" };
import up3 from "../../schema/migrations/sqlite/0003_bulk_load_safety.up.sql" with { type: "text" };
import down4 from "../../schema/migrations/sqlite/0004_drop_xflows.down.sql" with { type: "text" };
import up4 from "../../schema/migrations/sqlite/0004_drop_xflows.up.sql" with { type: "text" };
import down5 from "../../schema/migrations/sqlite/0005_full_text.down.sql" with { type: "text" };
import up5 from "../../schema/migrations/sqlite/0005_full_text.up.sql" with { type: "text" };
import down6 from "../../schema/migrations/sqlite/0006_entity_counts.down.sql" with { type: "text" };
import up6 from "../../schema/migrations/sqlite/0006_entity_counts.up.sql" with { type: "text" };
import down7 from "../../schema/migrations/sqlite/0007_entity_rollups.down.sql" with { type: "text" };
import up7 from "../../schema/migrations/sqlite/0007_entity_rollups.up.sql" with { type: "text" };
import down8 from "../../schema/migrations/sqlite/0008_schedule_claims.down.sql" with { type: "text" };
import up8 from "../../schema/migrations/sqlite/0008_schedule_claims.up.sql" with { type: "text" };
import down9 from "../../schema/migrations/sqlite/0009_text_search.down.sql" with { type: "text" };
import up9 from "../../schema/migrations/sqlite/0009_text_search.up.sql" with { type: "text" };
import down10 from "../../schema/migrations/sqlite/0010_rollup_triggers.down.sql" with { type: "text" };
import up10 from "../../schema/migrations/sqlite/0010_rollup_triggers.up.sql" with { type: "text" };
import down11 from "../../schema/migrations/sqlite/0011_claim_done.down.sql" with { type: "text" };
import up11 from "../../schema/migrations/sqlite/0011_claim_done.up.sql" with { type: "text" };
import down12 from "../../schema/migrations/sqlite/0012_users.down.sql" with { type: "text" };
import up12 from "../../schema/migrations/sqlite/0012_users.up.sql" with { type: "text" };
import down13 from "../../schema/migrations/sqlite/0013_grown_types.down.sql" with { type: "text" };
import up13 from "../../schema/migrations/sqlite/0013_grown_types.up.sql" with { type: "text" };
import type { Driver } from "./driver";

export interface Migration {
  version: number;
  name: string;
  up: Record<string, string>; // by dialect
  down: Record<string, string>;
}

export const migrations: Migration[] = [
  { version: 1, name: "system", up: { sqlite: up1, postgres: pgUp1 }, down: { sqlite: down1, postgres: pgDown1 } },
  { version: 2, name: "app_ids", up: { sqlite: up2, postgres: pgUp2 }, down: { sqlite: down2, postgres: pgDown2 } },
  { version: 3, name: "bulk_load_safety", up: { sqlite: up3, postgres: pgUp3 }, down: { sqlite: down3, postgres: pgDown3 } },
  { version: 4, name: "drop_xflows", up: { sqlite: up4, postgres: pgUp4 }, down: { sqlite: down4, postgres: pgDown4 } },
  { version: 5, name: "full_text", up: { sqlite: up5, postgres: pgUp5 }, down: { sqlite: down5, postgres: pgDown5 } },
  { version: 6, name: "entity_counts", up: { sqlite: up6, postgres: pgUp6 }, down: { sqlite: down6, postgres: pgDown6 } },
  { version: 7, name: "entity_rollups", up: { sqlite: up7, postgres: pgUp7 }, down: { sqlite: down7, postgres: pgDown7 } },
  { version: 8, name: "schedule_claims", up: { sqlite: up8, postgres: pgUp8 }, down: { sqlite: down8, postgres: pgDown8 } },
  { version: 9, name: "text_search", up: { sqlite: up9, postgres: pgUp9 }, down: { sqlite: down9, postgres: pgDown9 } },
  { version: 10, name: "rollup_triggers", up: { sqlite: up10, postgres: pgUp10 }, down: { sqlite: down10, postgres: pgDown10 } },
  { version: 11, name: "claim_done", up: { sqlite: up11, postgres: pgUp11 }, down: { sqlite: down11, postgres: pgDown11 } },
  { version: 12, name: "users", up: { sqlite: up12, postgres: pgUp12 }, down: { sqlite: down12, postgres: pgDown12 } },
  { version: 13, name: "grown_types", up: { sqlite: up13, postgres: pgUp13 }, down: { sqlite: down13, postgres: pgDown13 } },
];

export interface MigrationStatus {
  version: number;
  name: string;
  applied: boolean;
  appliedAt?: string;
}

async function ensureTable(db: Driver): Promise<void> {
  await db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
}

export async function migrationStatus(db: Driver): Promise<MigrationStatus[]> {
  await ensureTable(db);
  const rows = await db.all<{ version: number; applied_at: string }>("SELECT version, applied_at FROM schema_migrations");
  const applied = new Map(rows.map((r) => [r.version, r.applied_at]));
  return migrations.map((m) => ({ version: m.version, name: m.name, applied: applied.has(m.version), appliedAt: applied.get(m.version) }));
}

/** Apply every pending migration, each in its own transaction. Returns the versions applied. */
export async function migrateUp(db: Driver): Promise<number[]> {
  const done: number[] = [];
  for (const s of await migrationStatus(db)) {
    if (s.applied) continue;
    const m = migrations.find((x) => x.version === s.version)!;
    await db.transaction(async (tx) => {
      // Re-check inside the write lock: another process may have migrated meanwhile.
      if (await tx.get("SELECT 1 FROM schema_migrations WHERE version = ?", [m.version])) return;
      tx.invalidateAll(); // a schema change: other processes must not trust what they hold
      for (const stmt of statements(db, m.up[db.dialect.name]!)) await tx.run(stmt);
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [m.version, m.name, new Date().toISOString()]);
      done.push(m.version);
    });
  }
  return done;
}

/** Revert the most recent applied migration. Returns its version, or null when none is applied. */
export async function migrateDown(db: Driver): Promise<number | null> {
  const last = (await migrationStatus(db)).filter((s) => s.applied).pop();
  if (!last) return null;
  const m = migrations.find((x) => x.version === last.version)!;
  await db.transaction(async (tx) => {
    tx.invalidateAll();
    for (const stmt of statements(db, m.down[db.dialect.name]!)) await tx.run(stmt);
    await tx.run("DELETE FROM schema_migrations WHERE version = ?", [m.version]);
  });
  return m.version;
}

/**
 * The statements of a script as the driver runs them: SQLite's one by one; PostgreSQL's
 * as one script (its function bodies hold semicolons at line ends), none if only comments.
 */
function statements(db: Driver, script: string): string[] {
  const parts = splitStatements(script);
  return db.dialect.name === "postgres" ? (parts.length ? [script] : []) : parts;
}

/** Split a migration script on semicolons at line ends; comments are dropped. */
export function splitStatements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((l) => !l.trim().startsWith("--"))
    .join("\n")
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

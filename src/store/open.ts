// Opens the database a URL names: a postgres:// (or postgresql://) URL is PostgreSQL,
// anything else a SQLite file path. The PostgreSQL driver is imported only for such a URL,
// so a SQLite project never loads it.
import { resolve } from "node:path";
import { TorqueError } from "../lib/errors";
import type { Driver } from "./driver";
import { repairFts } from "./entities/fts";
import { loadGrown } from "./entities/growth";
import { growOverdue, rebuildPendingIndexes, upgradeIndexRules, upgradeStatistics } from "./entities/indexes";
import { repairRollups } from "./entities/rollups";
import { migrateUp } from "./migrations";
import { SqliteDriver } from "./sqlite/driver";

export async function openDatabase(url: string, opts: { migrate?: boolean } = {}): Promise<Driver> {
  const db = isPostgresUrl(url) ? await openPostgres(url) : openSqlite(url);
  if (opts.migrate !== false) {
    await migrateUp(db);
    // A new PostgreSQL database gets pg_trgm from migration 9 (applied here or by another
    // server starting at the same time): the dialect is chosen once the schema is current.
    if ("chooseDialect" in db) await (db as { chooseDialect(): Promise<void> }).chooseDialect();
    // Indexes a bulk load dropped and did not live to rebuild (see entities/indexes.ts).
    // Checked with a read first: an open must not queue for the write lock for nothing.
    if (await db.get("SELECT 1 AS x FROM entity_indexes WHERE pending = 1 LIMIT 1")) await db.transaction((tx) => rebuildPendingIndexes(tx));
    // Which types have grown their own indexes (entities/growth.ts), before anything plans a query.
    await loadGrown(db);
    // A database from before the current index rules gets each app's derived indexes once.
    await upgradeIndexRules(db);
    // Types a killed seed or load took past the growth line get their indexes (entities/growth.ts).
    await growOverdue(db);
    // PostgreSQL: statistics on each indexed field's expression (entities/statistics.ts).
    await upgradeStatistics(db);
    // Full-text tables still to be made (apps from before migration 5) or filled (a fill a crash cut short): see entities/fts.ts.
    if (await db.get("SELECT 1 AS x FROM entity_fts WHERE pending = 1 LIMIT 1")) await repairFts(db);
    // Aggregate rollups of apps from before migration 7 (marked by it): see entities/rollups.ts.
    if (await db.get("SELECT 1 AS x FROM entity_rollups WHERE type = '' LIMIT 1")) await repairRollups(db);
  }
  return db;
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

function openSqlite(path: string): Driver {
  try {
    return new SqliteDriver(resolve(path));
  } catch (e) {
    throw new TorqueError("bad_request", `cannot open database ${path}: ${(e as Error).message}`);
  }
}

async function openPostgres(url: string): Promise<Driver> {
  const { PostgresDriver, connectionProblem } = await import("./postgres/driver");
  const db = new PostgresDriver(url);
  try {
    await db.connect();
  } catch (e) {
    await db.close().catch(() => {});
    throw new TorqueError("bad_request", connectionProblem(db.location, e));
  }
  return db;
}

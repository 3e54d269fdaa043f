// Opens the database a URL names: a file path (SQLite) today; postgres:// URLs get their
// own driver beside this one.
import { resolve } from "node:path";
import { TorqueError } from "../lib/errors";
import type { Driver } from "./driver";
import { SqliteDriver } from "./sqlite/driver";
import { migrateUp } from "./migrations";

export async function openDatabase(url: string, opts: { migrate?: boolean } = {}): Promise<Driver> {
  if (/^postgres(ql)?:\/\//.test(url))
    throw new TorqueError("bad_request", `unsupported database URL ${url.replace(/\/\/[^@/]*@/, "//")}: this build stores data in SQLite; pass a file path`);
  let db: Driver;
  try {
    db = new SqliteDriver(resolve(url));
  } catch (e) {
    throw new TorqueError("bad_request", `cannot open database ${url}: ${(e as Error).message}`);
  }
  if (opts.migrate !== false) await migrateUp(db);
  return db;
}

// Where a test keeps its data. By default a SQLite file in the test's folder; with
// TORQUE_TEST_DB=postgres, a fresh database on the PostgreSQL server TORQUE_TEST_PG names
// (an admin URL, e.g. postgres://postgres@127.0.0.1:55432/postgres; `.ci/run` starts one
// and runs the shared suite both ways). Tests written against `testDatabase` run
// unchanged on either.
import { join } from "node:path";
import postgres from "postgres";

export const onPostgres = process.env.TORQUE_TEST_DB === "postgres";

/** The PostgreSQL server's admin URL, or undefined when none is configured. */
export const pgAdminUrl = (): string | undefined => process.env.TORQUE_TEST_PG || undefined;

let admin: ReturnType<typeof postgres> | undefined;
let n = 0;

/** A new, empty PostgreSQL database on the test server; its URL. */
export async function freshPgDatabase(): Promise<string> {
  const url = pgAdminUrl();
  if (!url) throw new Error("TORQUE_TEST_PG must name a PostgreSQL server (an admin URL) for tests on PostgreSQL");
  admin ??= postgres(url, { max: 2, onnotice: () => {} });
  const name = `torque_t${process.pid}_${Date.now().toString(36)}_${++n}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drop a database freshPgDatabase made (after everything connected to it has closed). */
export async function dropPgDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^torque_t\w+$/.test(name) || !admin) return;
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** The database URL for one test's data: `name` inside `dir` on SQLite, a fresh database on PostgreSQL. */
export async function testDatabase(dir: string, name: string): Promise<string> {
  return onPostgres ? freshPgDatabase() : join(dir, name);
}

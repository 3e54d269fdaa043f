// The SQLite driver: group commit, a busy write lock, and the row cache's coherence.

import { Database } from "bun:sqlite";
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteDriver } from "./driver";

const dir = mkdtempSync(join(tmpdir(), "torque-driver-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("transactions queued together commit together, and one failing rolls back alone", async () => {
  const db = new SqliteDriver(join(dir, "g.db"));
  await db.exec("CREATE TABLE t (x INTEGER UNIQUE)");
  const results = await Promise.allSettled([1, 2, 2, 3].map((x) => db.transaction((tx) => tx.run("INSERT INTO t (x) VALUES (?)", [x]))));
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
  expect(await db.all("SELECT x FROM t ORDER BY x")).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
  await db.close();
});

test("a write lock held elsewhere past the busy timeout fails the write instead of hanging it", async () => {
  const path = join(dir, "b.db");
  const db = new SqliteDriver(path);
  await db.exec("CREATE TABLE t (x INTEGER)");
  const other = new Database(path);
  other.exec("BEGIN IMMEDIATE");
  const started = Date.now();
  const outcome = await db
    .transaction((tx) => tx.run("INSERT INTO t (x) VALUES (1)"))
    .then(
      () => "written",
      (e) => `failed: ${(e as Error).message}`,
    );
  other.exec("ROLLBACK");
  other.close();
  expect(outcome).toMatch(/^failed: .*locked/i);
  expect(Date.now() - started).toBeLessThan(15_000);
  // and the driver still works afterwards
  await db.transaction((tx) => tx.run("INSERT INTO t (x) VALUES (2)"));
  expect(await db.all("SELECT x FROM t")).toEqual([{ x: 2 }]);
  await db.close();
}, 20_000);

test("a row read before a commit is never cached after it", async () => {
  const db = new SqliteDriver(join(dir, "c.db"));
  const readAt = db.cache.generation;
  await db.transaction(async (tx) => tx.invalidate("k"));
  db.cache.set("k", { stale: true }, readAt);
  expect(db.cache.get("k")).toBeUndefined();
  db.cache.set("k", { fresh: true }, db.cache.generation);
  expect(db.cache.get("k")).toEqual({ fresh: true });
  await db.close();
});

test("an EXPLAIN on the reader leaves it on no old snapshot: later commits are still seen", async () => {
  const db = new SqliteDriver(join(dir, "e.db"));
  await db.exec("CREATE TABLE t (x INTEGER); CREATE INDEX t_x ON t (x)");
  await db.transaction((tx) => tx.run("INSERT INTO t (x) VALUES (1)"));
  const plan = await db.all<{ detail: string }>("EXPLAIN QUERY PLAN SELECT 1 FROM t WHERE x = ?", [1]);
  expect(plan.some((p) => p.detail.startsWith("SEARCH"))).toBe(true);
  for (const x of [2, 3]) {
    // A read, then a commit: the next read sees it (an active EXPLAIN kept the first read's snapshot).
    await db.get("SELECT max(x) AS m FROM t");
    await db.transaction((tx) => tx.run("INSERT INTO t (x) VALUES (?)", [x]));
    expect(await db.get("SELECT max(x) AS m FROM t")).toEqual({ m: x });
  }
  await db.close();
});

// The copier (store/copy.ts) and the driver snapshot it reads in, on real databases (SQLite
// files, or PostgreSQL with TORQUE_TEST_DB=postgres): a write made while a copy runs is not
// in the copy; a target that changes under the copy fails verification naming the table;
// a target that holds data is refused. tests/cli/migrate-data.test.ts copies across
// databases through the command line.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropPgDatabase, onPostgres, testDatabase } from "../../tests/helpers/db";
import { growEveryType } from "../../tests/helpers/growth";
import { TorqueError } from "../lib/errors";
import { templates } from "../model/templates";
import { systemActor } from "../services/actor";
import { testServices } from "../services/entities/test-kit";
import { canonicalJson, copyDatabase } from "./copy";
import type { Driver, Queryable } from "./driver";
import { openDatabase } from "./open";

growEveryType(); // these tests are about what the per-field indexes make fast, on small data

const fresh = testServices("torque-copy-", systemActor);
const dir = mkdtempSync(join(tmpdir(), "torque-copy-targets-"));
const targets: Driver[] = [];
const urls: string[] = [];
let n = 0;
afterAll(async () => {
  for (const t of targets) await t.close().catch(() => {});
  if (onPostgres) for (const u of urls) await dropPgDatabase(u);
  rmSync(dir, { recursive: true, force: true });
});

async function target(): Promise<Driver> {
  const url = await testDatabase(dir, `target${++n}.db`);
  urls.push(url);
  const t = await openDatabase(url);
  targets.push(t);
  return t;
}

/** The same driver, with `after` run at the end of every write transaction it is given. */
function withAfterWrite(db: Driver, after: (tx: Queryable) => Promise<void>): Driver {
  return new Proxy(db, {
    get(t, p) {
      if (p === "transaction") return <T>(fn: (tx: Queryable) => Promise<T>) => t.transaction(async (tx) => [await fn(tx), await after(tx)][0] as T);
      const v = Reflect.get(t, p, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}

const count = async (q: Queryable, table: string) => Number((await q.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n);

test("canonical JSON: equal values give equal text, whatever the key order or number spelling", () => {
  expect(canonicalJson(JSON.parse('{"b": 1.0, "a": [1e2, {"y": null, "x": "é"}]}'))).toBe('{"a":[100,{"x":"é","y":null}],"b":1}');
  expect(canonicalJson(JSON.parse('{"a":1,"b":2}'))).toBe(canonicalJson(JSON.parse('{"b":2,"a":1}')));
  expect(canonicalJson(JSON.parse('{"__proto__": {"x": 1}}'))).toBe('{"__proto__":{"x":1}}');
});

describe("snapshot", () => {
  test("reads in a snapshot see one state while a write commits beside them, and cannot write", async () => {
    const s = await fresh(templates.todo, "todo");
    const before = await count(s.db, "audit_log");
    await s.db.snapshot(async (q) => {
      expect(await count(q, "audit_log")).toBe(before);
      await s.entities.create("todo", "project", { name: "during" }, { actor: systemActor });
      expect(await count(q, "audit_log")).toBe(before);
    });
    expect(await count(s.db, "audit_log")).toBe(before + 1);
    await expect(s.db.snapshot((q) => q.run("DELETE FROM audit_log"))).rejects.toThrow(/read-only|readonly/);
    expect(await count(s.db, "audit_log")).toBe(before + 1);
  });
});

describe("copyDatabase", () => {
  test("copies what the source held when the copy began; a write made meanwhile stays in the source only", async () => {
    const s = await fresh(templates.todo, "todo");
    const p = await s.entities.create("todo", "project", { name: "P" }, { actor: systemActor });
    for (let i = 0; i < 12; i++) await s.entities.create("todo", "task", { title: `t${i}`, project: p.id, priority: 1 + (i % 5) }, { actor: systemActor });
    const records = await count(s.db, "entities");
    const audit = await count(s.db, "audit_log");
    let wrote: Promise<unknown> | undefined;
    // The first write to the target happens inside the source's snapshot: the source's write commits before any record is read.
    const t = await target();
    const r = await copyDatabase(
      s.db,
      withAfterWrite(t, async () => {
        wrote ??= s.entities.create("todo", "project", { name: "too late" }, { actor: systemActor });
        await wrote;
      }),
    );
    expect(await count(s.db, "entities")).toBe(records + 1);
    const rows = Object.fromEntries(r.tables.map((x) => [x.table, x.rows]));
    expect(rows.entities).toBe(records);
    expect(rows.audit_log).toBe(audit);
    expect(await count(t, "entities")).toBe(records);
    expect(await count(t, "entity_indexes")).toBeGreaterThan(5);
  });

  test("a row changed on the target after it was written fails verification, naming the table", async () => {
    const s = await fresh(templates.todo, "todo");
    await s.entities.create("todo", "project", { name: "P" }, { actor: systemActor });
    const changed = withAfterWrite(await target(), async (tx) => {
      await tx.run("UPDATE entities SET version = version + 1 WHERE id = (SELECT min(id) FROM entities)");
    });
    const e = await copyDatabase(s.db, changed).catch((x) => x);
    expect(e).toBeInstanceOf(TorqueError);
    expect(e.message).toMatch(/^verification failed: entities differs between the source and the target/);

    let once = false;
    const lost = withAfterWrite(await target(), async (tx) => {
      if (!once) once = (await tx.run("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")).changes > 0;
    });
    const audit = await count(s.db, "audit_log");
    expect((await copyDatabase(s.db, lost).catch((x) => x)).message).toBe(
      `verification failed: audit_log has ${audit} rows in the source and ${audit - 1} in the target`,
    );
  });

  test("a target that holds a model is refused before anything is written", async () => {
    const s = await fresh(templates.todo, "todo");
    const other = await fresh(templates.blank, "blank");
    const audit = await count(other.db, "audit_log");
    const e = await copyDatabase(s.db, other.db).catch((x) => x);
    expect(e).toBeInstanceOf(TorqueError);
    expect(e.code).toBe("conflict");
    expect(e.message).toContain(`the target ${other.db.location} must be empty, but it holds models`);
    expect(await count(other.db, "audit_log")).toBe(audit);
    expect(await count(other.db, "entities")).toBe(0);
  });
});

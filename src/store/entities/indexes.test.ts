// Crash safety of derived indexes: an index dropped for a bulk load is marked pending in
// the same transaction, and opening the database rebuilds whatever is still pending.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { growEveryType } from "../../../tests/helpers/growth";
import { templates } from "../../model/templates";
import { systemActor } from "../../services/actor";
import { openTestServices, type TestServices as Services } from "../../services/testing";
import { grownTypes } from "./growth";
import { dropIndexesFor, INDEX_RULES_VERSION, rebuildPendingIndexes, walkIndexes } from "./indexes";

growEveryType(); // these tests are about what the per-field indexes make fast, on small data

const dir = mkdtempSync(join(tmpdir(), "torque-indexes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const state = async (s: Services) => {
  const recorded = await s.db.all<{ name: string; pending: number }>("SELECT name, pending FROM entity_indexes ORDER BY name");
  const built = new Set((await s.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")).map((r) => r.name));
  return {
    names: recorded.map((r) => r.name),
    pending: recorded.filter((r) => r.pending).map((r) => r.name),
    missing: recorded.filter((r) => !built.has(r.name)).map((r) => r.name),
  };
};

test("indexes dropped for a load and never rebuilt (the process died) are rebuilt by the next open", async () => {
  const path = join(dir, "a.db");
  let s = await openTestServices(path);
  const m = await s.models.create(structuredClone(templates.todo), systemActor);
  await s.apps.create(m.id, "todo", systemActor);
  const before = await state(s);
  const appId = (await s.apps.runtime("todo")).id;
  await s.db.transaction((tx) => dropIndexesFor(tx, appId, "task", { keepUnique: true }));
  const dropped = await state(s);
  expect(dropped.pending.length).toBeGreaterThan(0);
  expect(dropped.missing).toEqual(dropped.pending);
  expect(dropped.names).toEqual(before.names); // still recorded: the intent to rebuild is durable
  await s.close(); // as if the loader had died here

  s = await openTestServices(path);
  expect(await state(s)).toEqual({ names: before.names, pending: [], missing: [] });
  // And queries use them again.
  const plan = await s.db.all<{ detail: string }>(
    `EXPLAIN QUERY PLAN SELECT id FROM entities WHERE app_id = ${appId} AND type = 'task' AND json_extract(data, '$.status') = 'open'`,
  );
  expect(plan.map((p) => p.detail).join(" ")).toMatch(/USING (COVERING )?INDEX/);
  await s.close();
});

test("a model save while indexes are pending keeps the marks right: a removed index is forgotten, a kept one rebuilt", async () => {
  const s = await openTestServices(join(dir, "b.db"));
  const m = await s.models.create(structuredClone(templates.todo), systemActor);
  await s.apps.create(m.id, "todo", systemActor);
  const appId = (await s.apps.runtime("todo")).id;
  await s.db.transaction((tx) => dropIndexesFor(tx, appId, "task", { keepUnique: true }));
  const dropped = await state(s);
  const doc = structuredClone(templates.todo) as any;
  const status = doc.entities[1].fields.find((f: any) => f.name === "status");
  delete status.indexed;
  doc.entities[1].indexes = [];
  await s.models.save(m.id, doc, systemActor);
  const mid = await state(s);
  expect(mid.pending.length).toBeGreaterThan(0);
  expect(mid.pending.length).toBeLessThan(dropped.pending.length); // the ones the model no longer wants are gone
  expect(mid.missing).toEqual(mid.pending); // nothing recorded as built that is not
  expect((await s.db.transaction((tx) => rebuildPendingIndexes(tx))).sort()).toEqual(mid.pending);
  expect(await state(s)).toMatchObject({ pending: [], missing: [] });
  await s.close();
});

test("every scalar field is indexed by default; indexed: false opts out (references stay indexed); createdAt and updatedAt too", async () => {
  const s = await openTestServices(join(dir, "c.db"));
  const types = ["text", "number", "integer", "date", "datetime", "enum", "boolean", "email", "url"];
  const fields = [
    ...types.map((t) => ({ name: `f_${t}`, type: t, ...(t === "enum" && { values: ["a"] }) })),
    ...types.map((t) => ({ name: `off_${t}`, type: t, indexed: false, ...(t === "enum" && { values: ["a"] }) })),
    { name: "owner", type: "reference", entity: "person", indexed: false },
    { name: "notes", type: "longtext" },
    { name: "tags", type: "multienum", values: ["x"] },
    { name: "extra", type: "json" },
  ];
  const doc = {
    name: "Kinds",
    entities: [
      { name: "person", fields: [{ name: "name", type: "text" }] },
      { name: "thing", fields },
    ],
  };
  const m = await s.models.create(doc, systemActor);
  await s.apps.create(m.id, "kinds", systemActor);
  const rt = await s.apps.runtime("kinds");
  const ix = walkIndexes(rt.id, rt.model, s.db.dialect, "thing", grownTypes(s.db, rt.id));
  expect([...ix.keys()].sort()).toEqual(["createdAt", "id", "owner", "updatedAt", ...types.map((t) => `f_${t}`)].sort());
  const built = new Set((await s.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")).map((r) => r.name));
  for (const name of ix.values()) expect(built.has(name)).toBe(true);
  await s.close();
});

test("a database made under older index rules gets each app's derived indexes at its next open, once", async () => {
  const path = join(dir, "rules.db");
  let s = await openTestServices(path);
  const m = await s.models.create(structuredClone(templates.todo), systemActor);
  await s.apps.create(m.id, "todo", systemActor);
  const want = await state(s);
  // As an older version left it: some derived indexes never made, and the old rules' mark.
  const gone = want.names.slice(0, 3);
  await s.db.transaction(async (tx) => {
    for (const n of gone) {
      await tx.run(`DROP INDEX ${n}`);
      await tx.run("DELETE FROM entity_indexes WHERE name = ?", [n]);
    }
  });
  await s.db.exec("PRAGMA user_version = 1");
  await s.close();

  s = await openTestServices(path);
  expect(await state(s)).toEqual({ names: want.names, pending: [], missing: [] });
  expect((await s.db.get<{ user_version: number }>("PRAGMA user_version"))!.user_version).toBe(INDEX_RULES_VERSION);
  // Once upgraded, an open does not sync again (a missing index is then left to model saves and pending repair).
  await s.db.transaction((tx) => tx.run(`DROP INDEX ${gone[0]}`));
  await s.close();
  s = await openTestServices(path);
  expect((await state(s)).missing).toEqual([gone[0]!]);
  await s.close();
});

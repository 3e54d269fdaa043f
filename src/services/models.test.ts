// Models on a real SQLite file: versioned saves, validation with JSON paths, concurrent
// editors, rollback and diff, deletion, and how a saved model reshapes its apps' indexes
// without ever losing data of a removed field.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDatabase } from "../../tests/helpers/db";
import { growEveryType } from "../../tests/helpers/growth";
import type { Issue } from "../lib/errors";
import { templates } from "../model/templates";
import type { Actor } from "./actor";
import { failure } from "./entities/test-kit";
import { openTestServices, type TestServices as Services } from "./testing";

growEveryType(); // these tests are about what the per-field indexes make fast, on small data

const actor: Actor = { kind: "cli", id: "tester" };
const w = { actor };
const dir = mkdtempSync(join(tmpdir(), "torque-models-"));
const opened: Services[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

type Doc = any; // a model document being edited in a test
const todo = (): Doc => structuredClone(templates.todo);
const taskOf = (doc: Doc) => doc.entities.find((e: Doc) => e.name === "task");

let n = 0;
/** A database with the todo model and an app "todo" of it; returns the services and the model id. */
async function freshServices(doc: Doc = todo(), slug: string | null = "todo"): Promise<{ s: Services; id: string }> {
  const s = await openTestServices(await testDatabase(dir, `t${++n}.db`));
  opened.push(s);
  const m = await s.models.create(doc, actor);
  if (slug) await s.apps.create(m.id, slug, actor);
  return { s, id: m.id };
}

const count = async (s: Services, sql: string, params: unknown[] = []) => (await s.db.get<{ n: number }>(sql, params as never))!.n;
const indexNames = async (s: Services) => (await s.db.all<{ name: string }>("SELECT name FROM entity_indexes ORDER BY name")).map((r) => r.name);
/** The model's indexes as the database holds them (its catalogue, not Torque's bookkeeping). */
const sqliteIndexes = async (s: Services) =>
  (
    await s.db.all<{ name: string }>(
      s.db.dialect.name === "sqlite"
        ? "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ent\\_%' ESCAPE '\\' ORDER BY name"
        : "SELECT indexname AS name FROM pg_indexes WHERE tablename LIKE 'entities\\_p%' AND indexname LIKE 'ent\\_%' ORDER BY name",
    )
  ).map((r) => r.name);
/** Where an index definition reads the task's title. */
const titleSql = (s: Services) => s.db.dialect.jsonField({ name: "title", type: "text" });
/** The ordered (B-tree) indexes whose definition holds needle; PostgreSQL's trigram indexes, which serve text matching, are left out. */
const definitionsFor = async (s: Services, needle: string) =>
  (await s.db.all<{ name: string; definition: string }>("SELECT name, definition FROM entity_indexes")).filter(
    (r) => r.definition.includes(needle) && !r.definition.includes("USING gin"),
  );

describe("versions", () => {
  test("every save is a new version and the old ones are kept", async () => {
    const { s, id } = await freshServices(todo(), null);
    expect((await s.models.get(id)).version).toBe(1);
    const d2 = todo();
    taskOf(d2).fields.push({ name: "estimate", type: "integer" });
    expect((await s.models.save(id, d2, actor)).version).toBe(2);
    expect((await s.models.save(id, d2, actor, { note: "same again" })).version).toBe(3);
    expect((await s.models.versions(id)).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await s.models.versions(id))[0]).toMatchObject({ actor: "cli:tester", note: "same again" });
    const v1 = await s.models.get(id, 1);
    expect(taskOf(v1.doc).fields.some((f: Doc) => f.name === "estimate")).toBe(false);
    expect(taskOf((await s.models.get(id)).doc).fields.some((f: Doc) => f.name === "estimate")).toBe(true);
    expect((await s.models.get("Todo")).version).toBe(3); // by name too
    expect((await failure(s.models.get(id, 9))).code).toBe("not_found");
  });

  test("a broken model is refused with JSON paths, and nothing is saved", async () => {
    const { s, id } = await freshServices();
    const before = {
      versions: await count(s, "SELECT count(*) AS n FROM model_versions"),
      audit: await count(s, "SELECT count(*) AS n FROM audit_log"),
      ix: await indexNames(s),
    };
    const bad = todo();
    taskOf(bad).fields[0].type = "strng";
    const e = await failure(s.models.save(id, bad, actor));
    expect(e.code).toBe("validation");
    expect((e.data as Issue[]).map((i) => i.path)).toContain("/entities/1/fields/0/type");
    const bad2 = todo();
    taskOf(bad2).fields[6].entity = "nowhere";
    taskOf(bad2).indexes = [{ fields: ["ghost"] }];
    const e2 = await failure(s.models.save(id, bad2, actor));
    expect((e2.data as Issue[]).map((i) => `${i.path} ${i.rule}`)).toEqual(
      expect.arrayContaining(["/entities/1/fields/6/entity reference", "/entities/1/indexes/0/fields/0 reference"]),
    );
    expect((await failure(s.models.create({ name: "x", entities: [{ name: "Bad Name", fields: [] }] }, actor))).code).toBe("validation");
    expect((await s.models.get(id)).version).toBe(1);
    expect(await count(s, "SELECT count(*) AS n FROM model_versions")).toBe(before.versions);
    expect(await count(s, "SELECT count(*) AS n FROM models")).toBe(1);
    expect(await count(s, "SELECT count(*) AS n FROM audit_log")).toBe(before.audit);
    expect(await indexNames(s)).toEqual(before.ix);
  });

  test("a save based on an old version is a conflict, not an overwrite", async () => {
    const { s, id } = await freshServices();
    const d = todo();
    d.description = "first editor";
    await s.models.save(id, d, actor, { expectedVersion: 1 });
    const d2 = todo();
    d2.description = "second editor";
    const e = await failure(s.models.save(id, d2, actor, { expectedVersion: 1 }));
    expect(e.code).toBe("conflict");
    expect(e.data).toMatchObject({ currentVersion: 2 });
    const now = await s.models.get(id);
    expect(now.version).toBe(2);
    expect(now.doc.description).toBe("first editor");
  });

  test("rollback restores an old document as a new version; diff names what changed", async () => {
    const { s, id } = await freshServices();
    const d2 = todo();
    taskOf(d2).fields.push({ name: "estimate", type: "integer" });
    taskOf(d2).fields.find((f: Doc) => f.name === "notes").label = "Notes!";
    d2.entities.push({ name: "tag", fields: [{ name: "name", type: "text" }] });
    await s.models.save(id, d2, actor);
    await s.entities.create("todo", "tag", { name: "t" }, w);
    const diff = await s.models.diff(id, 1, 2);
    expect(diff).toMatchObject({ from: 1, to: 2, identical: false, entities: { added: ["tag"], removed: [] } });
    expect(diff.entities.changed).toEqual([{ name: "task", fields: { added: ["estimate"], removed: [], changed: ["notes"] }, properties: [] }]);

    const rolled = await s.models.rollback(id, 1, actor);
    expect(rolled.version).toBe(3);
    expect((await s.models.versions(id)).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await s.models.versions(id))[0]!.note).toContain("rollback");
    const { version: _v3, ...doc3 } = (await s.models.get(id, 3)).doc as Doc;
    const { version: _v1, ...doc1 } = (await s.models.get(id, 1)).doc as Doc;
    expect(doc3).toEqual(doc1);
    expect((await s.models.diff(id, 1, 3)).identical).toBe(true);
    // the app follows at once: the rolled-back field and type are gone
    const p = await s.entities.create("todo", "project", { name: "p" }, w);
    const e = await failure(s.entities.create("todo", "task", { title: "t", project: p.id, estimate: 1 }, w));
    expect((e.data as Issue[])[0]).toMatchObject({ field: "estimate", rule: "unknown" });
    expect((await failure(s.entities.query("todo", "tag"))).code).toBe("not_found");
  });

  test("delete is refused while apps use the model, and with withApps removes them and their data", async () => {
    const { s, id } = await freshServices();
    await s.apps.create(id, "todo-staging", actor);
    const p = await s.entities.create("todo", "project", { name: "P" }, w);
    await s.entities.create("todo", "task", { title: "t", project: p.id }, w);
    const ixBefore = await sqliteIndexes(s);
    expect(ixBefore.length).toBeGreaterThan(0);
    const e = await failure(s.models.delete(id, actor));
    expect(e.code).toBe("conflict");
    expect(e.data).toEqual({ apps: ["todo", "todo-staging"] });
    expect((await s.apps.list()).length).toBe(2);
    expect(await count(s, "SELECT count(*) AS n FROM entities")).toBe(2);

    const res = await s.models.delete(id, actor, { withApps: true });
    expect(res.appsDeleted.sort()).toEqual(["todo", "todo-staging"]);
    expect(await s.models.list()).toEqual([]);
    expect(await s.apps.list()).toEqual([]);
    expect(await count(s, "SELECT count(*) AS n FROM entities")).toBe(0);
    expect(await count(s, "SELECT count(*) AS n FROM model_versions")).toBe(0);
    expect(await indexNames(s)).toEqual([]);
    expect(await sqliteIndexes(s)).toEqual([]);
    expect((await failure(s.entities.query("todo", "task"))).code).toBe("not_found");
  });
});

describe("index sync on save", () => {
  test("a scalar field is indexed by default (bookkept and real); indexed: false drops it, removing that makes it again", async () => {
    const { s, id } = await freshServices();
    const made = await definitionsFor(s, titleSql(s));
    expect(made).toHaveLength(1);
    expect(made[0]!.name).toStartWith("ent_");
    expect(await sqliteIndexes(s)).toContain(made[0]!.name);
    expect(await indexNames(s)).toEqual(await sqliteIndexes(s));

    const d2 = todo();
    taskOf(d2).fields[0].indexed = false;
    await s.models.save(id, d2, actor);
    expect(await definitionsFor(s, titleSql(s))).toEqual([]);
    expect(await sqliteIndexes(s)).not.toContain(made[0]!.name);
    expect(await indexNames(s)).toEqual(await sqliteIndexes(s));

    await s.models.save(id, todo(), actor);
    expect(await definitionsFor(s, titleSql(s))).toEqual(made);
    expect(await indexNames(s)).toEqual(await sqliteIndexes(s));
  });

  test("making a field unique over duplicate data is a conflict that leaves the model as it was", async () => {
    const { s, id } = await freshServices();
    const p = await s.entities.create("todo", "project", { name: "P" }, w);
    await s.entities.create("todo", "task", { title: "same", project: p.id }, w);
    await s.entities.create("todo", "task", { title: "same", project: p.id }, w);
    const ix = await sqliteIndexes(s);
    const d2 = todo();
    taskOf(d2).fields[0].unique = true;
    const e = await failure(s.models.save(id, d2, actor));
    expect(e.code).toBe("conflict");
    expect(e.data).toMatchObject({ entity: "task", fields: ["title"], rule: "unique" });
    expect((await s.models.get(id)).version).toBe(1);
    expect((await s.models.versions(id)).length).toBe(1);
    expect(await sqliteIndexes(s)).toEqual(ix);
    // the app still runs on version 1: duplicates are still allowed
    await s.entities.create("todo", "task", { title: "same", project: p.id }, w);
    // once the data is clean the same change goes through and is enforced
    const dupes = (await s.entities.query("todo", "task", { filter: { title: "same" } })).data;
    for (const [i, t] of dupes.entries()) await s.entities.update("todo", "task", t.id, { title: `t${i}` }, w);
    expect((await s.models.save(id, d2, actor)).version).toBe(2);
    const clash = await failure(s.entities.create("todo", "task", { title: "t0", project: p.id }, w));
    expect((clash.data as Issue[])[0]).toMatchObject({ field: "title", rule: "unique" });
  });
});

describe("a removed field keeps its data", () => {
  test("remove a field, update the record, add the field back: the value is there again", async () => {
    const { s, id } = await freshServices();
    const p = await s.entities.create("todo", "project", { name: "P" }, w);
    const t = await s.entities.create("todo", "task", { title: "t", notes: "precious", project: p.id }, w);
    const without = todo();
    taskOf(without).fields = taskOf(without).fields.filter((f: Doc) => f.name !== "notes");
    await s.models.save(id, without, actor);

    const hidden = await s.entities.get("todo", "task", t.id);
    expect(hidden.data.notes).toBeUndefined();
    expect((await failure(s.entities.update("todo", "task", t.id, { notes: "x" }, w))).code).toBe("validation");
    expect((await failure(s.entities.query("todo", "task", { filter: { notes: { isNull: false } } }))).code).toBe("validation");
    const up = await s.entities.update("todo", "task", t.id, { title: "renamed", priority: null }, w);
    expect(up.data.notes).toBeUndefined();
    const raw = await s.db.get<{ data: string }>("SELECT data FROM entities WHERE id = ?", [t.id]);
    expect(JSON.parse(raw!.data).notes).toBe("precious");

    await s.models.save(id, todo(), actor);
    const back = await s.entities.get("todo", "task", t.id);
    expect(back.data).toMatchObject({ title: "renamed", notes: "precious" });
    expect(back.data.priority).toBeUndefined();
    expect(back.version).toBe(2);
  });

  test("the app picks up a new field at once (no restart, no migration)", async () => {
    const { s, id } = await freshServices();
    const p = await s.entities.create("todo", "project", { name: "P" }, w);
    const d2 = todo();
    taskOf(d2).fields.push({ name: "estimate", type: "integer", min: 1 });
    await s.models.save(id, d2, actor);
    const t = await s.entities.create("todo", "task", { title: "t", project: p.id, estimate: 3 }, w);
    expect(t.data.estimate).toBe(3);
    expect((await failure(s.entities.create("todo", "task", { title: "t", project: p.id, estimate: 0 }, w))).code).toBe("validation");
  });
});

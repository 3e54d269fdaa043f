// Bulk inserts and seeding on a real SQLite file: a batch is all-or-nothing (or skips and
// reports bad rows when asked), problems are reported by row and field, and seeded data
// is data the model accepts, with every reference pointing at a record that exists.
import { describe, expect, test } from "bun:test";
import { templates } from "../../model/templates";
import type { Actor } from "../actor";
import type { EntityChanged } from "../events";
import { seedApp } from "../seed/seed";
import type { TestServices as Services } from "../testing";
import { normaliseData } from "./data";
import { failure, issues, testServices } from "./test-kit";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-bulk-", actor);

const freshServices = (doc: unknown = templates.todo, slug = "todo") => fresh(doc, slug);

async function snapshot(s: Services) {
  return {
    rows: await s.db.all("SELECT id, type, data, version FROM entities ORDER BY id"),
    audit: (await s.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log"))!.n,
  };
}
const countOf = async (s: Services, type: string) => (await s.db.get<{ n: number }>("SELECT count(*) AS n FROM entities WHERE type = ?", [type]))!.n;

/** Todo app with one project; `tasks(k)` makes k valid task rows. */
async function todoApp() {
  const s = await freshServices();
  const project = await s.entities.create("todo", "project", { name: "P" }, { actor });
  const tasks = (k: number) => Array.from({ length: k }, (_, i) => ({ title: `task ${i}`, project: project.id }));
  return { s, project, tasks };
}

describe("insertMany", () => {
  test("all valid: every row stored with defaults, ids returned in order, one audit entry each", async () => {
    const { s, tasks } = await todoApp();
    const r = await s.entities.insertMany("todo", "task", tasks(5), { actor });
    expect(r).toMatchObject({ inserted: 5, skipped: [] });
    expect(r.ids).toHaveLength(5);
    for (const [i, id] of r.ids.entries()) {
      const rec = await s.entities.get("todo", "task", id);
      expect(rec.data).toMatchObject({ title: `task ${i}`, status: "open", priority: 3 });
      expect(rec.version).toBe(1);
    }
    expect((await s.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'entity.create' AND entity_type = 'task'"))!.n).toBe(5);
  });

  test("one bad row and nothing is written; each problem names its row and field", async () => {
    const { s, tasks } = await todoApp();
    const snap = await snapshot(s);
    const rows: Record<string, unknown>[] = tasks(6);
    rows[2] = { project: rows[2]!.project }; // no title
    rows[4] = { ...rows[4], priority: 7, colour: "red" };
    const e = await failure(s.entities.insertMany("todo", "task", rows, { actor }));
    expect(e.code).toBe("validation");
    expect(
      issues(e)
        .map((i) => `${i.row}:${i.field}:${i.rule}`)
        .sort(),
    ).toEqual(["2:title:required", "4:colour:unknown", "4:priority:max"]);
    expect(e.message).toContain("row 2");
    expect(await snapshot(s)).toEqual(snap);
    const e2 = await failure(s.entities.insertMany("todo", "task", rows, { actor, rowOffset: 100 }));
    expect(
      issues(e2)
        .map((i) => i.row)
        .sort(),
    ).toEqual([102, 104, 104]);
  });

  test("a reference to a missing record fails the batch, naming row and field", async () => {
    const { s, tasks } = await todoApp();
    const snap = await snapshot(s);
    const rows = tasks(4);
    rows[3]!.project = "ghost";
    const e = await failure(s.entities.insertMany("todo", "task", rows, { actor }));
    expect(issues(e)).toEqual([expect.objectContaining({ row: 3, field: "project", rule: "reference" })]);
    expect(await snapshot(s)).toEqual(snap);
  });

  test('onInvalid "skip" stores the good rows and reports the bad ones', async () => {
    const { s, tasks } = await todoApp();
    const rows: Record<string, unknown>[] = tasks(5);
    rows[1] = { ...rows[1], status: "maybe" };
    rows[3] = { ...rows[3], project: "ghost" };
    const r = await s.entities.insertMany("todo", "task", rows, { actor, onInvalid: "skip" });
    expect(r.inserted).toBe(3);
    expect(r.ids).toHaveLength(3);
    expect(r.skipped.map((i) => `${i.row}:${i.field}:${i.rule}`).sort()).toEqual(["1:status:enum", "3:project:reference"]);
    const stored = (await s.entities.query("todo", "task", { sort: "title" })).data.map((t) => t.data.title);
    expect(stored).toEqual(["task 0", "task 2", "task 4"]);
  });

  test("unique values clashing inside the batch or with stored data fail it, naming row and field", async () => {
    const s = await freshServices();
    await s.entities.create("todo", "project", { name: "Existing" }, { actor });
    const snap = await snapshot(s);
    const e1 = await failure(s.entities.insertMany("todo", "project", [{ name: "A" }, { name: "B" }, { name: "A" }], { actor }));
    expect(e1.code).toBe("validation");
    expect(issues(e1)).toEqual([expect.objectContaining({ row: 2, field: "name", rule: "unique" })]);
    const e2 = await failure(s.entities.insertMany("todo", "project", [{ name: "C" }, { name: "Existing" }], { actor }));
    expect(issues(e2)).toEqual([expect.objectContaining({ row: 1, field: "name", rule: "unique" })]);
    expect(await snapshot(s)).toEqual(snap);
  });

  test('onInvalid "skip" also skips rows whose unique value clashes', async () => {
    const s = await freshServices();
    const r = await s.entities.insertMany("todo", "project", [{ name: "A" }, { name: "A" }, { name: "B" }], { actor, onInvalid: "skip" });
    expect(r.inserted).toBe(2);
    expect(r.skipped).toEqual([expect.objectContaining({ row: 1, field: "name", rule: "unique" })]);
    expect(await countOf(s, "project")).toBe(2);
  });

  test("given ids are kept; an id already taken fails the batch", async () => {
    const { s, tasks } = await todoApp();
    const r = await s.entities.insertMany("todo", "task", tasks(2), { actor, ids: ["keep-1", "keep-2"] });
    expect(r.ids).toEqual(["keep-1", "keep-2"]);
    expect((await s.entities.get("todo", "task", "keep-2")).data.title).toBe("task 1");
    const e = await failure(s.entities.insertMany("todo", "task", tasks(2), { actor, ids: ["new-1", "keep-1"] }));
    expect(issues(e)).toEqual([expect.objectContaining({ row: 1, field: "id", rule: "unique" })]);
    expect(await countOf(s, "task")).toBe(2);
  });

  test("one id twice in a load: the later row is the clash (the batch fails; skipping keeps the first)", async () => {
    const { s, tasks } = await todoApp();
    const rows = tasks(2).map((t, i) => ({ ...t, title: `twin ${i}` }));
    const e = await failure(s.entities.insertMany("todo", "task", rows, { actor, ids: ["twin", "twin"] }));
    expect(issues(e)).toEqual([expect.objectContaining({ row: 1, field: "id", rule: "unique" })]);
    expect(await countOf(s, "task")).toBe(0);
    const r = await s.entities.insertMany("todo", "task", rows, { actor, ids: ["twin", "twin"], onInvalid: "skip" });
    expect(r).toMatchObject({ inserted: 1, ids: ["twin"], skipped: [expect.objectContaining({ row: 1, field: "id" })] });
    expect((await s.entities.get("todo", "task", "twin")).data.title).toBe("twin 0");
  });

  test("summary audit, before-hooks and change events", async () => {
    const { s, tasks } = await todoApp();
    const events: EntityChanged[] = [];
    const off1 = s.events.on("entityChanged", (e) => void events.push(e));
    const off2 = s.entities.hooks.on("beforeCreate", (e) => void (e.data = { ...e.data, notes: "from hook" }));
    try {
      const r = await s.entities.insertMany("todo", "task", tasks(3), { actor, audit: "summary" });
      const audit = await s.db.all<{ action: string; after: string }>("SELECT action, after FROM audit_log WHERE entity_type = 'task'");
      expect(audit).toHaveLength(1);
      expect(audit[0]!.action).toBe("entity.bulkCreate");
      expect(JSON.parse(audit[0]!.after)).toEqual({ count: 3, first: r.ids[0], last: r.ids[2] });
      expect(events.map((e) => `${e.op}:${e.id}`)).toEqual(r.ids.map((id) => `create:${id}`));
      for (const id of r.ids) expect((await s.entities.get("todo", "task", id)).data.notes).toBe("from hook");
    } finally {
      off1();
      off2();
    }
  });
});

describe("seedApp on the crm template", () => {
  test("seeds the counts asked for, with valid references and data the model accepts", async () => {
    const s = await freshServices(templates.crm, "crm");
    const counts = { company: 15, contact: 40, deal: 60, activity: 80 };
    const result = await seedApp(s, "crm", { count: 10, counts, seed: 42, actor, batchSize: 25 });
    expect(result).toEqual(counts);
    for (const [type, k] of Object.entries(counts)) expect(await countOf(s, type)).toBe(k);

    const all = async (type: string) => (await s.entities.query("crm", type, { limit: 1000 })).data;
    const companies = new Set((await all("company")).map((r) => r.id));
    const contacts = new Set((await all("contact")).map((r) => r.id));
    const deals = await all("deal");
    expect(deals.every((d) => companies.has(d.data.company as string))).toBe(true); // required: always set and existing
    expect(deals.every((d) => d.data.contact === undefined || contacts.has(d.data.contact as string))).toBe(true);
    const dealIds = new Set(deals.map((d) => d.id));
    expect((await all("activity")).every((a) => a.data.deal === undefined || dealIds.has(a.data.deal as string))).toBe(true);
    expect((await all("contact")).every((c) => c.data.company === undefined || companies.has(c.data.company as string))).toBe(true);

    // unique fields are unique
    const names = (await all("company")).map((c) => c.data.name);
    expect(new Set(names).size).toBe(names.length);
    const emails = (await all("contact")).map((c) => c.data.email);
    expect(new Set(emails).size).toBe(emails.length);

    // every seeded record passes the model: checked directly, and by an update that must succeed
    const rt = await s.apps.runtime("crm");
    for (const type of Object.keys(counts)) {
      const ent = rt.model.entities.get(type)!;
      const recs = await all(type);
      for (const rec of recs) expect(normaliseData(ent, rec.data, undefined, false, new Date().toISOString()).issues).toEqual([]);
      for (const rec of recs.slice(0, 5)) expect((await s.entities.update("crm", type, rec.id, {}, { actor })).version).toBe(2);
    }
  });

  test("the same seed gives the same data; a required reference with nothing to point at is refused", async () => {
    const a = await freshServices(templates.crm, "crm");
    const b = await freshServices(templates.crm, "crm");
    for (const s of [a, b]) await seedApp(s, "crm", { count: 0, counts: { company: 8 }, seed: 7, actor });
    const names = async (s: Services) => (await s.entities.query("crm", "company", { sort: "name", limit: 100 })).data.map((r) => r.data);
    expect(await names(a)).toEqual(await names(b));

    const c = await freshServices(templates.crm, "crm");
    const e = await failure(seedApp(c, "crm", { count: 0, counts: { deal: 5 }, actor }));
    expect(e.message).toContain("company");
    expect(await countOf(c, "deal")).toBe(0);
  });
});

// Types grow their own indexes (store/entities/growth.ts): a small type has only its
// unique and declared indexes and no rollup, and answers every query the same; the write
// that takes it to GROWTH.at records builds the whole set once (single creates, bulk
// loads, a seed); a database from before the rule loses its small types' indexes at open;
// a 300-type model keeps `entities` down to a handful of indexes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { onPostgres } from "../../../tests/helpers/db";
import { GROWTH, grownTypes } from "../../store/entities/growth";
import { INDEX_RULES_VERSION, walkIndexes } from "../../store/entities/indexes";
import type { Actor } from "../actor";
import { seedApp } from "../seed/seed";
import { testServices } from "./test-kit";

const AT = 40;
const growAt = GROWTH.at;
beforeAll(() => {
  GROWTH.at = AT;
});
afterAll(() => {
  GROWTH.at = growAt;
});

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-growth-", actor);

const MODEL = {
  name: "Growth",
  entities: [
    {
      name: "item",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "code", type: "text", unique: true },
        { name: "qty", type: "integer" },
        { name: "kind", type: "enum", values: ["a", "b", "c"] },
        { name: "note", type: "text", indexed: true },
      ],
      indexes: [{ fields: ["kind", "qty"] }],
    },
    { name: "tag", fields: [{ name: "name", type: "text" }] },
  ],
};

type Rec = { id: string; data: Record<string, unknown> };
const indexesOf = async (s: Awaited<ReturnType<typeof fresh>>, type: string) =>
  (await s.db.all<{ name: string; definition: string }>("SELECT name, definition FROM entity_indexes WHERE type = ? ORDER BY name", [type])).map(
    (r) => r.definition,
  );
const rollups = async (s: Awaited<ReturnType<typeof fresh>>, type: string) =>
  (await s.db.all<{ name: string }>("SELECT name FROM entity_rollups WHERE type = ?", [type])).length;

/** Every answer a grid, a chart or a search asks for, to compare before and after growth. */
async function answers(s: Awaited<ReturnType<typeof fresh>>) {
  const all = async (opts: Record<string, unknown>) => {
    const out: Rec[] = [];
    let cursor: string | null = null;
    do {
      const page = await s.entities.query("g", "item", { ...opts, limit: 7, ...(cursor ? { cursor } : {}) }, actor);
      out.push(...(page.data as Rec[]));
      cursor = page.pagination.nextCursor;
    } while (cursor);
    return out.map((r) => r.id);
  };
  return {
    byQty: await all({ sort: [{ field: "qty", direction: "desc" }] }),
    kindB: await all({ filter: { kind: "b" }, sort: [{ field: "title" }] }),
    range: await all({ filter: { qty: { gte: 10, lt: 30 } }, sort: [{ field: "updatedAt" }] }),
    search: await all({ filter: { $search: "tem 1" } }),
    total: (await s.entities.query("g", "item", { filter: { kind: "a" }, total: true, limit: 1 }, actor)).pagination.total,
    sums: await s.entities.aggregate("g", "item", { groupBy: "kind", aggregates: [{ op: "sum", field: "qty" }, { op: "count" }] }, actor),
  };
}

describe("types grow their own indexes", () => {
  test("a small type has only unique and declared indexes and no rollup; the write that reaches the line builds the rest, and answers stay the same", async () => {
    const s = await fresh(MODEL, "g");
    const rt = await s.apps.runtime("g");
    const small = await indexesOf(s, "item");
    // The unique field, the declared (kind, qty) and the field marked indexed: true.
    expect(small.length).toBe(3);
    expect(small.some((d) => d.startsWith("CREATE UNIQUE"))).toBe(true);
    expect(await rollups(s, "item")).toBe(0);
    for (let i = 0; i < AT - 1; i++)
      await s.entities.create("g", "item", { title: `item ${i}`, code: `c${i}`, qty: (i * 7) % 41, kind: "abc"[i % 3], note: `n${i % 5}` }, { actor });
    expect(grownTypes(s.db, rt.id).has("item")).toBe(false);
    const before = await answers(s);
    if (!onPostgres) {
      // A small type's rows are found through the shared index, never by a scan of the table.
      const plan = await s.db.all<{ detail: string }>(
        `EXPLAIN QUERY PLAN SELECT id FROM entities WHERE app_id = ${rt.id} AND type = 'item' AND (type || '') = 'item' ORDER BY id LIMIT 5`,
      );
      expect(plan.map((p) => p.detail).join(" ")).toContain("entities_small_types");
    }
    await s.entities.create("g", "item", { title: "item last", code: "last", qty: 3, kind: "a" }, { actor });
    expect(grownTypes(s.db, rt.id).has("item")).toBe(true);
    const grown = await indexesOf(s, "item");
    // id, createdAt, updatedAt, title, code (walk), qty, kind, note, (kind, qty) and the unique code.
    expect(grown.length).toBeGreaterThanOrEqual(9);
    expect(await rollups(s, "item")).toBe(1);
    expect(await s.db.get("SELECT type FROM entity_grown_types WHERE app_id = ? AND type = 'item'", [rt.id])).toBeTruthy();
    const rtNow = await s.apps.runtime("g");
    expect([...walkIndexes(rtNow.id, rtNow.model, s.db.dialect, "item", grownTypes(s.db, rtNow.id)).keys()].sort()).toEqual(
      ["code", "createdAt", "id", "kind", "note", "qty", "title", "updatedAt"].sort(),
    );
    // The other type did not grow.
    expect((await indexesOf(s, "tag")).length).toBe(0);
    // The same answers with the new record taken out of the comparison.
    const last = (await s.entities.query("g", "item", { filter: { code: "last" } }, actor)).data[0]!.id;
    await s.entities.delete("g", "item", last, { actor });
    expect(await answers(s)).toEqual(before);
  });

  test("a bulk load and a seed build the set once, after the rows; a model save keeps a grown type grown", async () => {
    const s = await fresh(MODEL, "g");
    const rt = await s.apps.runtime("g");
    const rows = Array.from({ length: AT + 5 }, (_, i) => ({ title: `t${i}`, code: `b${i}`, qty: i, kind: "a" }));
    await s.entities.insertMany("g", "item", rows, { actor });
    expect(grownTypes(s.db, rt.id).has("item")).toBe(true);
    await seedApp(s, "g", { count: AT + 1, counts: { item: 0 }, actor, seed: 3 });
    expect(grownTypes(s.db, rt.id).has("tag")).toBe(true);
    expect((await indexesOf(s, "tag")).length).toBeGreaterThanOrEqual(4);
    const m = await s.models.get((await s.db.get<{ model_id: string }>("SELECT model_id FROM apps WHERE slug = 'g'"))!.model_id);
    const doc = structuredClone(m.doc) as typeof MODEL;
    doc.entities[1]!.fields.push({ name: "color", type: "text" });
    await s.models.save(m.id, doc, actor);
    const tagIx = await indexesOf(s, "tag");
    expect(tagIx.some((d) => d.includes("color"))).toBe(true);
  });

  test("a database made under the older rules keeps only its grown types' indexes after its next open", async () => {
    if (onPostgres) return; // the rules' mark is SQLite's user_version here; PostgreSQL's is a setting, same code path
    const s = await fresh(MODEL, "g");
    const rt = await s.apps.runtime("g");
    // As an older Torque left it: every field of the small type indexed, a rollup, the older mark.
    GROWTH.at = 0;
    await s.models.save(rt.model.id, structuredClone(rt.model.doc), actor);
    expect((await indexesOf(s, "tag")).length).toBeGreaterThan(0);
    await s.db.run("DELETE FROM entity_grown_types");
    await s.db.exec("PRAGMA user_version = 2");
    GROWTH.at = AT;
    const { openTestServices } = await import("../testing");
    const path = (await s.db.get<{ file: string }>("SELECT file FROM pragma_database_list WHERE name = 'main'"))!.file;
    await s.close();
    const again = await openTestServices(path);
    try {
      expect((await again.db.all("SELECT name FROM entity_indexes WHERE type = 'tag'")).length).toBe(0);
      expect((await again.db.all("SELECT name FROM entity_rollups WHERE type = 'item'")).length).toBe(0);
      expect((await again.db.get<{ user_version: number }>("PRAGMA user_version"))!.user_version).toBe(INDEX_RULES_VERSION);
      expect((await again.entities.query("g", "tag", { sort: [{ field: "name" }] }, actor)).data).toEqual([]);
    } finally {
      await again.close();
    }
  });

  test("300 entity types of 30 fields: `entities` keeps a handful of indexes and no triggers per type", async () => {
    const { bigModel } = await import("../../../scripts/bench/big-model");
    const s = await fresh(bigModel(300, 30), "big");
    await seedApp(s, "big", { count: 3, actor, seed: 1 });
    expect((await s.db.all("SELECT name FROM entity_indexes")).length).toBe(0);
    if (!onPostgres) {
      const onTable = await s.db.all<{ type: string }>("SELECT type FROM sqlite_master WHERE tbl_name = 'entities' AND type IN ('index', 'trigger')");
      expect(onTable.length).toBeLessThan(10);
    }
    const page = await s.entities.query("big", "e250", { sort: [{ field: "f4", direction: "desc" }], limit: 2 }, actor);
    expect(page.data.length).toBe(2);
  });
});

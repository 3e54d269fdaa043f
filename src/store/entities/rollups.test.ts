// Differential test of the maintained rollups: after every kind of write (bulk load,
// create, update, delete, cascade, purge, a model change, app deletion, an open of a
// database from before migration 7), each aggregate the rollups answer is compared with
// the plain query over the rows, on a real SQLite file and on PostgreSQL (where the rollups
// are kept by shared statement triggers: rollups-postgres.ts). Counts and keys must be equal;
// sums and averages equal within a relative 1e-12 (compensated sums add in another
// order than a scan: the last bits may differ).
import { describe, expect, test } from "bun:test";
import { growEveryType } from "../../../tests/helpers/growth";
import { systemActor } from "../../services/actor";
import { aggregateEntities } from "../../services/entities/aggregate";
import { testServices } from "../../services/entities/test-kit";
import type { TestServices as Services } from "../../services/testing";
import { buildAggregate } from "./aggregate";
import { MINMAX_WINDOW, rollupAggregate } from "./rollup-aggregate";
import { repairRollups } from "./rollups";

growEveryType(); // these tests are about what the per-field indexes make fast, on small data

const actor = systemActor;
const fresh = testServices("torque-rollups-", actor);
const STATUS = ["new", "paid", "shipped"];
const MODEL = {
  name: "Shop",
  entities: [
    { name: "customer", fields: [{ name: "name", type: "text", required: true }] },
    {
      name: "order",
      fields: [
        { name: "title", type: "text" },
        { name: "amount", type: "number" },
        { name: "qty", type: "integer" },
        { name: "due", type: "date" },
        { name: "placed", type: "datetime" },
        { name: "status", type: "enum", values: STATUS },
        { name: "gift", type: "boolean" },
        { name: "customer", type: "reference", entity: "customer" },
      ],
    },
  ],
  relationships: [{ name: "customer_orders", from: "customer", to: "order", kind: "1:n", inverse: "customer", onDelete: "cascade" }],
};

/** Amounts that make a naive running sum drift: large and small magnitudes, tenths. */
const AMOUNTS = [0.1, 0.2, 0.3, 1e15 + 0.5, -1e15, 1234.56, 7.77, 1e-3, 99999.99, 3];
function orders(n: number, customers: string[], salt = 0) {
  return Array.from({ length: n }, (_, j) => {
    const i = j + salt;
    return {
      title: `order ${i}`,
      amount: i % 7 === 0 ? null : AMOUNTS[i % AMOUNTS.length]! * (1 + (i % 5)),
      qty: i % 5 === 0 ? null : (i % 9) - 3,
      due: i % 11 === 0 ? null : `2026-0${1 + (i % 3)}-${String(1 + (i % 28)).padStart(2, "0")}`,
      placed: i % 13 === 0 ? null : new Date(Date.UTC(2026, 0, 1) + i * 3_600_000 * 7).toISOString(),
      status: i % 6 === 0 ? null : STATUS[i % 3],
      gift: i % 4 === 0 ? null : i % 2 === 0,
      customer: customers.length ? customers[i % customers.length] : undefined,
    };
  });
}

/** Requests the rollups answer: every group kind, whole-type figures, value filters. */
const REQUESTS: Record<string, unknown>[] = [
  { aggregates: [{ op: "sum", field: "amount" }, { op: "avg", field: "qty" }, { op: "count" }] },
  { groupBy: "status", aggregates: [{ op: "count" }, { op: "sum", field: "amount" }, { op: "avg", field: "amount" }, { op: "sum", field: "qty" }] },
  { groupBy: "gift", aggregates: [{ op: "count" }, { op: "avg", field: "amount" }] },
  { groupBy: { field: "due", bucket: "day" }, aggregates: [{ op: "count" }, { op: "sum", field: "qty" }] },
  { groupBy: { field: "placed", bucket: "week" }, aggregates: [{ op: "count" }, { op: "sum", field: "amount" }] },
  { groupBy: { field: "placed", bucket: "month" }, aggregates: [{ op: "count" }, { op: "avg", field: "qty" }] },
  { filter: { status: "paid" }, aggregates: [{ op: "count" }, { op: "sum", field: "amount" }, { op: "min", field: "amount" }, { op: "max", field: "due" }] },
  { filter: { gift: false }, groupBy: "gift", aggregates: [{ op: "count" }, { op: "sum", field: "qty" }] },
  { filter: { status: { in: ["new", "shipped"] } }, groupBy: "status", aggregates: [{ op: "count" }, { op: "avg", field: "amount" }] },
  { aggregates: [{ op: "min", field: "amount" }, { op: "max", field: "placed" }, { op: "count" }] },
];

const close = (a: unknown, b: unknown) => a === b || (typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)));

/** Every request through the service (fast paths) and as the plain query; both must agree and the fast path must have been taken. */
async function agree(s: Services, slug = "shop") {
  const rt = await s.apps.runtime(slug);
  const ent = rt.model.entities.get("order")!;
  for (const req of REQUESTS) {
    const q = buildAggregate(rt.id, ent, s.db.dialect, req);
    const fast = rollupAggregate(rt.id, ent, s.db.dialect, q, true);
    expect(fast).not.toBeNull();
    await s.db.all(fast!.sql, fast!.params); // the table exists: the service did not fall back
    const plain = await s.db.all<Record<string, unknown>>(q.sql, q.params);
    const got = await aggregateEntities({ db: s.db, apps: s.apps } as never, slug, "order", req);
    const want = plain.map((r) => ({
      key: r.k,
      values: q.specs.map((_, i) => r[`v${i}`] ?? null),
    }));
    const seen = got.groups.map((g) => ({ key: typeof g.key === "boolean" ? Number(g.key) : g.key, values: g.values }));
    const label = JSON.stringify(req);
    expect(
      seen.map((g) => g.key),
      label,
    ).toEqual(want.map((g) => (q.group ? g.key : undefined)) as never);
    seen.forEach((g, i) =>
      g.values.forEach((v, j) => {
        if (!close(v, want[i]!.values[j])) throw new Error(`${label}: group ${i} value ${j}: ${v} ≠ ${want[i]!.values[j]}`);
      }),
    );
  }
}

const rollupTables = (s: Services) =>
  s.db.dialect.name === "sqlite"
    ? s.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'agg\\_%' ESCAPE '\\' ORDER BY name")
    : s.db.all<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'agg\\_%' ORDER BY 1");

describe("maintained rollups agree with the plain query", () => {
  test("after bulk loads, creates, updates, deletes, cascades and purges", async () => {
    const s = await fresh(MODEL, "shop");
    await agree(s); // empty type
    const c1 = await s.entities.create("shop", "customer", { name: "Ada" }, { actor });
    const c2 = await s.entities.create("shop", "customer", { name: "Bob" }, { actor });
    await s.entities.insertMany("shop", "order", orders(600, [c1.id, c2.id]), { actor });
    await agree(s);
    const made = [];
    for (const o of orders(30, [c2.id], 1000)) made.push(await s.entities.create("shop", "order", o, { actor }));
    await agree(s);
    // Updates that move records between groups, change sums, empty values, and change nothing rolled up.
    for (const [i, m] of made.entries()) {
      const patch = [{ status: "new", amount: 0.7 }, { amount: null, qty: 12 }, { gift: !m.data.gift, due: "2027-01-01" }, { title: "renamed" }][i % 4]!;
      await s.entities.update("shop", "order", m.id, patch, { actor });
    }
    await agree(s);
    for (const m of made.slice(0, 10)) await s.entities.delete("shop", "order", m.id, { actor });
    await agree(s);
    await s.entities.delete("shop", "customer", c1.id, { actor }); // cascades to its orders
    await agree(s);
    expect((await s.entities.aggregate("shop", "order", { aggregates: [{ op: "count" }] })).groups[0]!.values[0]).toBe(320);
  });

  test("a model change rebuilds the type's rollup; app deletion drops it; an old database gets its rollups at open", async () => {
    const s = await fresh(MODEL, "shop");
    await s.entities.insertMany("shop", "order", orders(300, []), { actor });
    const before = await rollupTables(s);
    expect(before).toHaveLength(1);
    const modelId = (await s.db.get<{ model_id: string }>("SELECT model_id FROM apps WHERE slug = 'shop'"))!.model_id;
    // A new enum value and a new numeric field: a new table, filled from the rows.
    const doc = structuredClone(MODEL);
    const order = doc.entities[1]! as unknown as { fields: { name: string; type: string; values?: string[] }[] };
    order.fields.find((f) => f.name === "status")!.values!.push("void");
    order.fields.push({ name: "weight", type: "number" });
    await s.models.save(modelId, doc, actor);
    const after = await rollupTables(s);
    expect(after).toHaveLength(1);
    expect(after[0]!.name).not.toBe(before[0]!.name);
    await s.entities.insertMany(
      "shop",
      "order",
      orders(50, [], 7).map((o, i) => ({ ...o, status: i % 2 ? "void" : o.status, weight: i / 3 })),
      { actor },
    );
    await agree(s);
    const weight = await s.entities.aggregate("shop", "order", { groupBy: "status", aggregates: [{ op: "sum", field: "weight" }] });
    expect(weight.groups.find((g) => g.key === "void")!.values[0]).toBeCloseTo(
      [...Array(50).keys()].filter((i) => i % 2).reduce((a, i) => a + i / 3, 0),
      9,
    );
    // A numeric field removed: its values stay hidden in the rows, the rollup no longer holds them.
    order.fields = order.fields.filter((f) => f.name !== "qty");
    await s.models.save(modelId, doc, actor);
    const REQ = { groupBy: "status", aggregates: [{ op: "count" }, { op: "sum", field: "amount" }] };
    const rt = await s.apps.runtime("shop");
    const q = buildAggregate(rt.id, rt.model.entities.get("order")!, s.db.dialect, REQ);
    expect(await s.entities.aggregate("shop", "order", REQ)).toEqual({
      groups: (await s.db.all<Record<string, unknown>>(q.sql, q.params)).map((r) => ({ key: r.k, values: [r.v0, r.v1] })) as never,
      limited: false,
    });
    // Purge rewrites rows without the hidden values: the rollup follows (nothing it holds changed).
    const { purgeHiddenData } = await import("../../services/purge");
    await purgeHiddenData(s, "shop", actor);
    expect(await s.entities.aggregate("shop", "order", REQ)).toEqual({
      groups: (await s.db.all<Record<string, unknown>>(q.sql, q.params)).map((r) => ({ key: r.k, values: [r.v0, r.v1] })) as never,
      limited: false,
    });
    // A database from before migration 7: the app is marked, the next open makes and fills its rollups.
    const [{ name }] = (await rollupTables(s)) as [{ name: string }];
    if (s.db.dialect.name === "sqlite") for (const t of ["i", "d", "u"]) await s.db.exec(`DROP TRIGGER ${name}_${t}`);
    await s.db.exec(`DROP TABLE ${name}`);
    await s.db.exec("DELETE FROM entity_rollups");
    await s.db.exec("INSERT INTO entity_rollups (app_id, type, name, definition) SELECT id, '', '', '{}' FROM apps");
    // Meanwhile the plain query answers.
    expect((await s.entities.aggregate("shop", "order", { groupBy: "status", aggregates: [{ op: "count" }] })).groups.length).toBeGreaterThan(0);
    expect(await repairRollups(s.db)).toEqual([rt.id]);
    expect(await rollupTables(s)).toEqual([{ name }]);
    // Back to the original model's fields, then the app goes: its tables and triggers with it.
    await s.models.save(modelId, MODEL, actor);
    await agree(s);
    await s.apps.delete("shop", actor);
    expect(await rollupTables(s)).toEqual([]);
    if (s.db.dialect.name === "sqlite") expect(await s.db.all("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'agg%'")).toEqual([]);
    expect(await s.db.all("SELECT * FROM entity_rollups")).toEqual([]);
  });

  test("filtered min/max walk the field's index and fall back to the plain query past the window", async () => {
    const s = await fresh(MODEL, "shop");
    // The only "shipped" orders hold the largest amounts: min walks every smaller one first.
    const rows = Array.from({ length: 200 }, (_, i) => ({ amount: i, status: i >= 190 ? "shipped" : "new" }));
    await s.entities.insertMany("shop", "order", rows, { actor });
    const req = { filter: { status: "shipped" }, aggregates: [{ op: "min", field: "amount" }, { op: "max", field: "amount" }, { op: "count" }] };
    const expected = { groups: [{ values: [190, 199, 10] }], limited: false };
    expect(await s.entities.aggregate("shop", "order", req)).toEqual(expected);
    const w = MINMAX_WINDOW.entries;
    MINMAX_WINDOW.entries = 20; // the min walk finds no match in its window: the plain query answers
    try {
      expect(await s.entities.aggregate("shop", "order", req)).toEqual(expected);
      expect(await s.entities.aggregate("shop", "order", { ...req, filter: { status: "paid" } })).toEqual({
        groups: [{ values: [null, null, 0] }],
        limited: false,
      });
    } finally {
      MINMAX_WINDOW.entries = w;
    }
  });
});

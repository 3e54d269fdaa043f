// Totals and aggregates on real SQLite files: the maintained per-type counts agree with
// count(*) after every write path, totals are exact or flagged estimates, and aggregates
// agree with the same figures computed in JavaScript over every record.
import { describe, expect, test } from "bun:test";
import { COUNT, SMALL_TYPE } from "../../store/entities/count";
import { systemActor } from "../actor";
import type { TestServices as Services } from "../testing";
import { failure, issues, testServices } from "./test-kit";

const actor = systemActor;
const fresh = testServices("torque-agg-", actor);
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
        { name: "status", type: "enum", values: ["new", "paid", "shipped"] },
        { name: "gift", type: "boolean" },
        { name: "notes", type: "longtext" },
        { name: "customer", type: "reference", entity: "customer" },
      ],
    },
  ],
  relationships: [{ name: "customer_orders", from: "customer", to: "order", kind: "1:n", inverse: "customer", onDelete: "cascade" }],
};

const counted = async (s: Services) => {
  const maintained = await s.db.all<{ app_id: number; type: string; n: number }>(
    "SELECT app_id, type, n FROM entity_counts WHERE n <> 0 ORDER BY app_id, type",
  );
  const real = await s.db.all<{ app_id: number; type: string; n: number }>(
    "SELECT app_id, type, count(*) AS n FROM entities GROUP BY app_id, type ORDER BY app_id, type",
  );
  return { maintained, real };
};

/** Deterministic orders: a value of every kind, some empty. */
function orders(n: number, customers: string[]) {
  return Array.from({ length: n }, (_, i) => ({
    title: `order ${i}`,
    amount: i % 7 === 0 ? null : (i % 50) * 1.5,
    qty: i % 5 === 0 ? null : i % 9,
    due: i % 11 === 0 ? null : `2026-0${1 + (i % 3)}-${String(1 + (i % 28)).padStart(2, "0")}`,
    placed: i % 13 === 0 ? null : new Date(Date.UTC(2026, 0, 1) + i * 3_600_000 * 5).toISOString(),
    status: i % 6 === 0 ? null : ["new", "paid", "shipped"][i % 3],
    gift: i % 4 === 0 ? null : i % 2 === 0,
    customer: customers[i % customers.length],
  }));
}

describe("maintained counts (migration 6)", () => {
  test("agree with count(*) after create, bulk, delete, cascade, purge and app deletion", async () => {
    const s = await fresh(MODEL, "shop");
    const c1 = await s.entities.create("shop", "customer", { name: "Ada" }, { actor });
    const c2 = await s.entities.create("shop", "customer", { name: "Bob" }, { actor });
    await s.entities.insertMany("shop", "order", orders(300, [c1.id, c2.id]), { actor });
    const one = await s.entities.create("shop", "order", { title: "x", customer: c1.id }, { actor });
    let c = await counted(s);
    expect(c.maintained).toEqual(c.real);
    expect(c.real).toContainEqual({ app_id: expect.any(Number), type: "order", n: 301 });
    await s.entities.delete("shop", "order", one.id, { actor });
    await s.entities.delete("shop", "customer", c1.id, { actor }); // cascades to its 150 orders
    c = await counted(s);
    expect(c.maintained).toEqual(c.real);
    expect(c.real.find((r) => r.type === "order")!.n).toBe(150);
    // A second app of the same model, then the first one deleted with all its rows.
    const m = (await s.db.get<{ model_id: string }>("SELECT model_id FROM apps WHERE slug = 'shop'"))!.model_id;
    await s.apps.create(m, "shop2", actor);
    await s.entities.create("shop2", "customer", { name: "Cy" }, { actor });
    await s.apps.delete("shop", actor);
    c = await counted(s);
    expect(c.maintained).toEqual(c.real);
    expect(c.real.map((r) => r.type)).toEqual(["customer"]);
  });

  test("a purge of a removed entity type keeps them exact", async () => {
    const s = await fresh(MODEL, "shop");
    await s.entities.insertMany("shop", "order", orders(40, []), { actor });
    const modelId = (await s.db.get<{ model_id: string }>("SELECT model_id FROM apps WHERE slug = 'shop'"))!.model_id;
    const doc = structuredClone(MODEL);
    doc.entities = doc.entities.filter((e) => e.name === "customer");
    doc.relationships = [];
    await s.models.save(modelId, doc, actor);
    const { purgeHiddenData } = await import("../purge");
    await purgeHiddenData(s, "shop", actor);
    const c = await counted(s);
    expect(c.maintained).toEqual(c.real);
    expect(c.real).toEqual([]);
  });
});

describe("totals", () => {
  test("exact on a small type, for every filter, with totalExact true", async () => {
    const s = await fresh(MODEL, "shop");
    const rows = orders(500, []);
    await s.entities.insertMany("shop", "order", rows, { actor });
    const cases: [unknown, number][] = [
      [undefined, 500],
      [{ status: "paid" }, rows.filter((r) => r.status === "paid").length],
      [{ gift: true, status: { ne: "paid" } }, rows.filter((r) => r.gift === true && r.status !== "paid").length],
      [{ amount: { gt: 30 } }, rows.filter((r) => r.amount !== null && r.amount > 30).length],
    ];
    for (const [filter, n] of cases) {
      const p = await s.entities.query("shop", "order", { filter, limit: 10, total: true });
      expect(p.pagination).toMatchObject({ total: n, totalExact: true });
    }
    // A first page that holds every match is its own total.
    const all = await s.entities.query("shop", "order", { filter: { title: "order 7" }, total: true });
    expect(all.pagination).toMatchObject({ total: 1, totalExact: true });
  });

  test(`over ${SMALL_TYPE.toLocaleString("en-US")} records: exact through an index, else a flagged estimate close to the truth`, async () => {
    const s = await fresh(MODEL, "shop");
    const n = SMALL_TYPE + 5000;
    const rows = orders(n, []);
    for (let i = 0; i < n; i += 10_000) await s.entities.insertMany("shop", "order", rows.slice(i, i + 10_000), { actor });
    const truth = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).length;
    const none = await s.entities.query("shop", "order", { limit: 1, total: true });
    expect(none.pagination).toMatchObject({ total: n, totalExact: true });
    const checks: [unknown, number][] = [
      [{ status: "paid" }, truth((r) => r.status === "paid")],
      [{ title: { contains: "9" }, gift: false }, truth((r) => r.title.includes("9") && r.gift === false)],
      [{ not: { status: "new" } }, truth((r) => r.status !== "new")],
      [{ notes: { isNull: true } }, n],
    ];
    for (const [filter, exact] of checks) {
      const p = await s.entities.query("shop", "order", { filter, limit: 1, total: true });
      const { total, totalExact } = p.pagination;
      expect(typeof totalExact).toBe("boolean");
      if (totalExact) expect(total).toBe(exact);
      else expect(Math.abs(total! - exact)).toBeLessThanOrEqual(Math.max(200, exact * 0.1));
    }
    // A filter no record matches: the first page is empty, so the total is exactly 0.
    const zero = await s.entities.query("shop", "order", { filter: { title: "nothing" }, total: true });
    expect(zero.pagination).toMatchObject({ total: 0, totalExact: true });
    // The estimate is never below what the first page shows.
    const est = await s.entities.query("shop", "order", { filter: { title: { contains: "order 1" } }, limit: 50, total: true });
    expect(est.pagination.total!).toBeGreaterThanOrEqual(51);
  }, 60_000);

  test("records written after a large type's totals are found by get, update and delete (the reader keeps no old snapshot)", async () => {
    const s = await fresh(MODEL, "shop");
    await s.entities.insertMany("shop", "order", orders(60, []), { actor });
    const small = COUNT.smallType;
    COUNT.smallType = 10; // the type counts as large: totals take the index-count (EXPLAIN QUERY PLAN) and estimate paths
    try {
      for (const filter of [{ status: "paid" }, { title: { contains: "9" } }]) {
        const before = await s.entities.query("shop", "order", { filter, limit: 1, total: true });
        const made = await s.entities.create("shop", "order", { title: "late 9", status: "paid" }, { actor });
        expect((await s.entities.get("shop", "order", made.id)).data.title).toBe("late 9");
        expect((await s.entities.update("shop", "order", made.id, { amount: 3 }, { actor })).version).toBe(2);
        expect((await s.entities.query("shop", "order", { filter, limit: 1, total: true })).pagination.total).toBe(before.pagination.total! + 1);
        await s.entities.delete("shop", "order", made.id, { actor });
        expect((await failure(s.entities.get("shop", "order", made.id))).code).toBe("not_found");
      }
    } finally {
      COUNT.smallType = small;
    }
  });
});

describe("aggregates", () => {
  const sum = (xs: (number | null)[]) => (xs.some((x) => x !== null) ? xs.reduce<number>((a, x) => a + (x ?? 0), 0) : null);

  test("count, sum, avg, min, max with a filter and each kind of group agree with JavaScript over the same records", async () => {
    const s = await fresh(MODEL, "shop");
    const c1 = await s.entities.create("shop", "customer", { name: "Ada" }, { actor });
    const rows = orders(400, [c1.id]);
    rows[3]!.customer = undefined as unknown as string;
    await s.entities.insertMany("shop", "order", rows, { actor });

    const whole = await s.entities.aggregate("shop", "order", {
      aggregates: [{ op: "count" }, { op: "sum", field: "amount" }, { op: "min", field: "due" }, { op: "max", field: "placed" }, { op: "max", field: "qty" }],
    });
    const amounts = rows.map((r) => r.amount);
    expect(whole).toEqual({
      groups: [
        {
          values: [
            400,
            sum(amounts),
            rows
              .map((r) => r.due)
              .filter((x) => x !== null)
              .sort()[0]!,
            rows
              .map((r) => r.placed)
              .filter((x) => x !== null)
              .sort()
              .at(-1)!,
            Math.max(...rows.map((r) => r.qty ?? -1)),
          ],
        },
      ],
      limited: false,
    });

    const byStatus = await s.entities.aggregate("shop", "order", {
      filter: { gift: true },
      groupBy: "status",
      aggregates: [{ op: "count" }, { op: "avg", field: "amount" }],
    });
    const gifts = rows.filter((r) => r.gift === true);
    const expected = [null, "new", "paid", "shipped"]
      .map((k) => {
        const g = gifts.filter((r) => r.status === k);
        const a = g.map((r) => r.amount).filter((x): x is number => x !== null);
        return { key: k, values: [g.length, a.length ? a.reduce((x, y) => x + y, 0) / a.length : null] };
      })
      .filter((g) => (g.values[0] as number) > 0);
    expect(byStatus.limited).toBe(false);
    expect(byStatus.groups.map((g) => g.key)).toEqual(expected.map((g) => g.key));
    byStatus.groups.forEach((g, i) => {
      expect(g.values[0]).toBe(expected[i]!.values[0]!);
      expect(g.values[1] as number).toBeCloseTo(expected[i]!.values[1] as number, 6);
    });

    const byGift = await s.entities.aggregate("shop", "order", { groupBy: "gift", aggregates: [{ op: "count" }] });
    expect(byGift.groups).toEqual([
      { key: null, values: [rows.filter((r) => r.gift === null).length] },
      { key: false, values: [rows.filter((r) => r.gift === false).length] },
      { key: true, values: [rows.filter((r) => r.gift === true).length] },
    ]);

    const byCustomer = await s.entities.aggregate("shop", "order", { groupBy: "customer", aggregates: [{ op: "count" }] });
    expect(byCustomer.groups).toEqual([
      { key: null, values: [1] },
      { key: c1.id, values: [399] },
    ]);
  });

  test("date buckets: days, ISO weeks starting on Monday, months, in UTC", async () => {
    const s = await fresh(MODEL, "shop");
    const placed = ["2026-03-01T23:30:00Z", "2026-03-02T00:10:00Z", "2026-03-08T12:00:00Z", "2026-03-09T00:00:00Z", "2026-04-30T10:00:00Z"];
    await s.entities.insertMany(
      "shop",
      "order",
      placed.map((p) => ({ placed: p, due: p.slice(0, 10) })),
      { actor },
    );
    const agg = (field: string, bucket: string) => s.entities.aggregate("shop", "order", { groupBy: { field, bucket }, aggregates: [{ op: "count" }] });
    // 2026-03-01 is a Sunday: it belongs to the week of Monday 2026-02-23.
    const weeks = [
      { key: "2026-02-23", values: [1] },
      { key: "2026-03-02", values: [2] },
      { key: "2026-03-09", values: [1] },
      { key: "2026-04-27", values: [1] },
    ];
    expect((await agg("placed", "week")).groups).toEqual(weeks);
    expect((await agg("due", "week")).groups).toEqual(weeks);
    expect((await agg("placed", "month")).groups).toEqual([
      { key: "2026-03", values: [4] },
      { key: "2026-04", values: [1] },
    ]);
    expect((await agg("placed", "day")).groups.map((g) => g.key)).toEqual(["2026-03-01", "2026-03-02", "2026-03-08", "2026-03-09", "2026-04-30"]);
  });

  test("at most 1,000 groups, with limited saying that there are more", async () => {
    const s = await fresh(MODEL, "shop");
    const days = Array.from({ length: 1100 }, (_, i) => ({ placed: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString() }));
    await s.entities.insertMany("shop", "order", days, { actor });
    const r = await s.entities.aggregate("shop", "order", { groupBy: { field: "placed", bucket: "day" }, aggregates: [{ op: "count" }] });
    expect(r.limited).toBe(true);
    expect(r.groups).toHaveLength(1000);
    expect(r.groups[0]!.key).toBe("2020-01-01");
    const few = await s.entities.aggregate("shop", "order", { groupBy: { field: "placed", bucket: "month" }, aggregates: [{ op: "count" }] });
    expect(few.limited).toBe(false);
    expect(few.groups.reduce((a, g) => a + (g.values[0] as number), 0)).toBe(1100);
  });

  test("bad requests are validation errors naming every problem", async () => {
    const s = await fresh(MODEL, "shop");
    const e = await failure(
      s.entities.aggregate("shop", "order", {
        groupBy: "title",
        aggregates: [
          { op: "sum", field: "status" },
          { op: "avg", field: "due" },
          { op: "min", field: "gift" },
          { op: "max", field: "nope" },
          { op: "median", field: "amount" },
          { op: "sum" },
        ],
      }),
    );
    expect(e.code).toBe("validation");
    const found = issues(e).map((i) => `${i.field}:${i.rule}`);
    expect(found).toEqual([
      "aggregates[0].field:type",
      "aggregates[1].field:type",
      "aggregates[2].field:type",
      "aggregates[3].field:unknown",
      "aggregates[4].op:enum",
      "aggregates[5].field:required",
      "groupBy.field:type",
    ]);
    expect(issues(e)[0]!.message).toContain("status is enum");
    expect(issues(e).at(-1)!.message).toContain("title is text");
    const tooMany = await failure(s.entities.aggregate("shop", "order", { aggregates: Array.from({ length: 11 }, () => ({ op: "count" })) }));
    expect(issues(tooMany)[0]).toMatchObject({ field: "aggregates", rule: "range" });
    expect(issues(await failure(s.entities.aggregate("shop", "order", { aggregates: [] })))[0]).toMatchObject({ rule: "required" });
    const bucket = await failure(s.entities.aggregate("shop", "order", { groupBy: { field: "status", bucket: "week" }, aggregates: [{ op: "count" }] }));
    expect(issues(bucket)[0]).toMatchObject({ field: "groupBy.bucket", rule: "type" });
    const badFilter = await failure(s.entities.aggregate("shop", "order", { filter: { nope: 1 }, aggregates: [{ op: "count" }] }));
    expect(badFilter.code).toBe("validation");
    expect((await failure(s.entities.aggregate("shop", "nope", { aggregates: [{ op: "count" }] }))).code).toBe("not_found");
  });
});

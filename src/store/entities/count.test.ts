// Totals of a selective filter on a large type (count.ts): counted exactly from the
// filter's small index-backed candidate set, whatever kind of set it is (equality, a
// case-insensitive prefix, full-text terms, an `or` of them), and equal to the truth.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Actor } from "../../services/actor";
import { testServices } from "../../services/entities/test-kit";
import type { Services } from "../../services/index";
import { COUNT, EXACT_CANDIDATES } from "./count";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-count-", actor);
let s: Services;
const small = COUNT.smallType;
type Row = { code: string; tier: string; note: string; qty: number };
const rows: Row[] = [];

beforeAll(async () => {
  s = await fresh(
    {
      name: "Stock",
      entities: [
        {
          name: "item",
          fields: [
            { name: "code", type: "text" },
            { name: "tier", type: "enum", values: ["a", "b", "c"] },
            { name: "note", type: "text" },
            { name: "qty", type: "integer" },
          ],
        },
      ],
    },
    "stock",
  );
  for (let i = 0; i < 3000; i++)
    rows.push({ code: `${i % 3 ? "Box" : "bag"}-${i}`, tier: ["a", "b", "c"][i % 3]!, note: i % 250 === 0 ? "rare walrus" : "plain", qty: i % 40 });
  await s.entities.insertMany("stock", "item", rows, { actor });
  COUNT.smallType = 10; // a large type: totals are not a plain count
});
afterAll(() => {
  COUNT.smallType = small;
});

test("selective filters get exact totals from their candidate sets", async () => {
  expect(EXACT_CANDIDATES).toBeGreaterThan(100);
  const truth = (f: (r: Row) => boolean) => rows.filter(f).length;
  const cases: [unknown, number][] = [
    [{ code: { startsWith: "BOX-12" } }, truth((r) => r.code.toLowerCase().startsWith("box-12"))],
    [{ code: { startsWith: "bag-1" }, qty: { gt: 10 } }, truth((r) => r.code.startsWith("bag-1") && r.qty > 10)],
    [{ $search: "walrus" }, truth((r) => r.note.includes("walrus"))],
    [{ or: [{ qty: 7 }, { note: { contains: "walrus" } }] }, truth((r) => r.qty === 7 || r.note.includes("walrus"))],
    [{ qty: 3, tier: "b" }, truth((r) => r.qty === 3 && r.tier === "b")],
  ];
  for (const [filter, n] of cases) {
    const p = await s.entities.query("stock", "item", { filter, limit: 2, sort: "qty", total: true });
    expect({ filter, p: p.pagination.total, exact: p.pagination.totalExact }).toEqual({ filter, p: n, exact: true });
  }
});

test("a filter without a candidate set (a two-letter suffix) is estimated, and says so", async () => {
  const p = await s.entities.query("stock", "item", { filter: { note: { endsWith: "in" } }, limit: 2, total: true });
  expect(p.pagination.totalExact).toBe(false);
  const truth = rows.filter((r) => r.note.endsWith("in")).length;
  expect(Math.abs(p.pagination.total! - truth)).toBeLessThanOrEqual(truth * 0.1);
});

// A filtered aggregate the rollups cannot answer reads only its filter's candidate set
// when that set is small (services/entities/aggregate.ts → planner's smallCandidateSet),
// and answers exactly what the query over every row answers.
import { beforeAll, expect, test } from "bun:test";
import { onPostgres } from "../../../tests/helpers/db";
import { buildAggregate } from "../../store/entities/aggregate";
import type { Actor } from "../actor";
import type { TestServices as Services } from "../testing";
import { testServices } from "./test-kit";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-agg-within-", actor);
let s: Services;

beforeAll(async () => {
  s = await fresh(
    {
      name: "Sales",
      entities: [
        {
          name: "sale",
          fields: [
            { name: "code", type: "text" },
            { name: "region", type: "enum", values: ["north", "south", "east", "west"] },
            { name: "paid", type: "boolean" },
            { name: "day", type: "date" },
            { name: "amount", type: "number" },
            { name: "units", type: "integer" },
          ],
        },
      ],
    },
    "sales",
  );
  const rows = Array.from({ length: 2000 }, (_, i) => ({
    code: `${["ab", "cd", "ef"][i % 3]}-${i}`,
    region: ["north", "south", "east", "west"][i % 4],
    paid: i % 5 !== 0,
    day: `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, "0")}`,
    amount: (i % 97) * 1.25,
    units: i % 13,
  }));
  await s.entities.insertMany("sales", "sale", rows, { actor });
});

// SQLite's path: PostgreSQL plans the plain aggregate itself.
test.skipIf(onPostgres)("filtered aggregates read the candidates only, with the answers of the full query", async () => {
  const rt = await s.apps.runtime("sales");
  const ent = rt.model.entities.get("sale")!;
  const requests = [
    { filter: { units: 3 }, groupBy: "region", aggregates: [{ op: "count" }, { op: "sum", field: "amount" }, { op: "max", field: "day" }] },
    { filter: { code: { startsWith: "AB-1" } }, groupBy: { field: "day", bucket: "month" }, aggregates: [{ op: "avg", field: "amount" }] },
    { filter: { day: { between: ["2026-03-01", "2026-03-10"] }, paid: true }, groupBy: "paid", aggregates: [{ op: "count" }, { op: "min", field: "units" }] },
    { filter: { or: [{ units: 12 }, { code: "ef-5" }] }, aggregates: [{ op: "sum", field: "units" }, { op: "count" }] },
  ];
  const seen: string[] = [];
  const all = s.db.all.bind(s.db);
  (s.db as { all: typeof s.db.all }).all = (sql, params) => {
    seen.push(sql);
    return all(sql, params);
  };
  try {
    for (const req of requests) {
      seen.length = 0;
      const got = await s.entities.aggregate("sales", "sale", req);
      expect(seen.some((q) => q.includes("FROM entities WHERE rowid IN ("))).toBe(true);
      const full = buildAggregate(rt.id, ent, s.db.dialect, req);
      const rows = await all<Record<string, unknown>>(full.sql, full.params);
      expect(got.groups.map((g) => g.values)).toEqual(rows.map((r) => req.aggregates.map((_, i) => (r[`v${i}`] ?? null) as number | string | null)));
    }
  } finally {
    (s.db as { all: typeof s.db.all }).all = all;
  }
});

// Quick measurement of the query planner (store/entities/planner.ts) over N `order`
// records with no field marked indexed: p50/p99 of grid shapes, first page and a keyset
// page 10,000 rows deep, plus write cost and file size against the same data without
// the per-field indexes. Development aid; the official grid benchmark is grid.ts.
//   bun scripts/bench/grid-dev.ts [N=1000000] [db path]
import { Database } from "bun:sqlite";
import { existsSync, rmSync, statSync } from "node:fs";
import { openServices } from "../../src/services";
import { systemActor as actor } from "../../src/services/actor";
import { seedApp } from "../../src/services/seed/seed";
import { lastTrace } from "../../src/store/entities/planner";
import { latency } from "./report";

const N = Number(process.argv[2] ?? 1_000_000);
const path = process.argv[3] ?? `/tmp/grid-dev-${N}.db`;
const model = (indexed: boolean) => ({
  name: "GridDev",
  entities: [
    {
      name: "order",
      fields: [
        { name: "title", type: "text" },
        { name: "customer_email", type: "email" },
        { name: "amount", type: "number", min: 0, max: 10000 },
        { name: "quantity", type: "integer", min: 1, max: 100 },
        { name: "due", type: "date" },
        { name: "placed_at", type: "datetime" },
        { name: "status", type: "enum", values: ["new", "paid", "shipped", "delivered", "cancelled", "refunded"] },
        { name: "gift", type: "boolean" },
        { name: "website", type: "url" },
      ].map((f) => (indexed ? f : { ...f, indexed: false })),
    },
  ],
});

const fresh = !existsSync(path);
const s = await openServices(path);
if (fresh) {
  const m = await s.models.create(model(true), actor);
  await s.apps.create(m.id, "g", actor);
  const t0 = performance.now();
  await seedApp(s, "g", { count: 0, counts: { order: N }, seed: 7, actor });
  console.log(`seeded ${N} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const sample = (await s.entities.query("g", "order", { limit: 1000 })).data;
const some = (f: string) => sample.map((r) => r.data[f]).filter((v) => v !== undefined && v !== null);
const title = some("title")[3] as string;
const day = some("due")[5] as string;
const sorted = (some("amount") as number[]).sort((a, b) => a - b);
const amounts = (i: number) => sorted[Math.floor((sorted.length * i) / 1000)]!;

type Opts = { filter?: unknown; sort?: unknown };
const shapes: [string, Opts][] = [
  ["enum eq + sort number desc", { filter: { status: "paid" }, sort: [{ field: "amount", dir: "desc" }] }],
  ["no filter + sort text", { sort: "title" }],
  ["no filter + sort text desc", { sort: "-title" }],
  ["number range + sort date", { filter: { amount: { between: [amounts(100), amounts(300)] } }, sort: "due" }],
  ["number range (narrow) + sort date", { filter: { amount: { between: [amounts(500), amounts(501)] } }, sort: "due" }],
  ["text eq (selective) + sort datetime", { filter: { title }, sort: "-placed_at" }],
  ["boolean + two sort keys", { filter: { gift: true }, sort: ["status", "-amount"] }],
  ["two sort keys, bool first", { sort: ["gift", "-placed_at"] }],
  ["and: enum + number gt, sort datetime", { filter: { status: "new", amount: { gt: amounts(900) } }, sort: "placed_at" }],
  ["or: enum | date eq, sort number", { filter: { or: [{ status: "refunded" }, { due: day }] }, sort: "amount" }],
  ["or of two selective eqs, sort text", { filter: { or: [{ due: day }, { title }] }, sort: "title" }],
  ["enum ne + sort integer", { filter: { status: { ne: "new" } }, sort: "-quantity" }],
  ["date eq + sort createdAt desc", { filter: { due: day }, sort: "-createdAt" }],
  ["filter matching nothing (number > max)", { filter: { amount: { gt: 1e9 } }, sort: "title" }],
  ["filter matching everything", { filter: { amount: { gte: 0 } }, sort: "-due" }],
  ["contains 3 chars (no FTS yet)", { filter: { title: { contains: "xqz" } }, sort: "amount" }],
  ["contains 2 chars, rare", { filter: { title: { contains: "zq" } }, sort: "amount" }],
  ["not contains", { filter: { not: { title: { contains: "e" } } }, sort: "-due" }],
];

const rows: string[] = [];
for (const [name, o] of shapes) {
  const first = await latency(60, () => s.entities.query("g", "order", { ...o, limit: 50 }));
  const firstTrace = lastTrace.steps.join("; ");
  const firstPage = await s.entities.query("g", "order", { ...o, limit: 50 });
  let cursor: string | null = null,
    depth = 0;
  for (let i = 0; i < 10 && (i === 0 || cursor); i++) {
    const p = await s.entities.query("g", "order", { ...o, limit: 1000, cursor });
    depth += p.data.length;
    cursor = p.pagination.nextCursor;
  }
  let deep = { p50: Number.NaN, p99: Number.NaN };
  let deepTrace = "";
  if (cursor) {
    deep = await latency(60, () => s.entities.query("g", "order", { ...o, limit: 50, cursor }));
    deepTrace = lastTrace.steps.join("; ");
  }
  rows.push(
    `${name.padEnd(42)} first p50 ${first.p50.toFixed(2).padStart(7)} p99 ${first.p99.toFixed(2).padStart(7)} | ${depth} deep p50 ${deep.p50.toFixed(2).padStart(7)} p99 ${deep.p99.toFixed(2).padStart(7)} ms | rows ${firstPage.data.length}${firstPage.pagination.nextCursor ? "+" : ""} | ${firstTrace.slice(0, 80)} | ${deepTrace.slice(0, 60)}`,
  );
  console.log(rows.at(-1));
}

// Write cost: in-process create and update on this type (all fields indexed by default).
const ids: string[] = [];
const create = await latency(2000, async (i) =>
  ids.push(
    (
      await s.entities.create(
        "g",
        "order",
        { title: `bench ${i}`, amount: i % 1000, quantity: 1 + (i % 50), status: "new", gift: i % 2 === 0, due: "2026-01-01" },
        { actor },
      )
    ).id,
  ),
);
const update = await latency(2000, (i) => s.entities.update("g", "order", ids[i]!, { amount: i, status: "paid" }, { actor }));
console.log(`create p50 ${create.p50.toFixed(3)} p99 ${create.p99.toFixed(3)} ms; update p50 ${update.p50.toFixed(3)} p99 ${update.p99.toFixed(3)} ms`);
await s.close();

// File size against the same data without the per-field indexes (a vacuumed copy each).
if (process.env.SIZE !== "0") {
  const a = `${path}.with`,
    b = `${path}.without`;
  for (const p of [a, b]) rmSync(p, { force: true });
  const db = new Database(path);
  db.run(`VACUUM INTO '${a}'`);
  db.close();
  const c = new Database(a);
  c.run(`VACUUM INTO '${b}'`);
  c.close();
  const w = new Database(b);
  const field = w
    .query("SELECT name, definition FROM entity_indexes WHERE definition LIKE '%json_extract%' AND definition NOT LIKE 'CREATE UNIQUE%'")
    .all() as {
    name: string;
  }[];
  const sys = w.query("SELECT name FROM entity_indexes WHERE definition LIKE '%(created_at%' OR definition LIKE '%(updated_at%'").all() as { name: string }[];
  for (const r of [...field, ...sys]) w.run(`DROP INDEX ${r.name}`);
  w.run("VACUUM");
  w.close();
  const mb = (p: string) => statSync(p).size / 2 ** 20;
  console.log(
    `size with per-field indexes ${mb(a).toFixed(0)} MiB, without ${mb(b).toFixed(0)} MiB: ${(mb(a) / mb(b)).toFixed(2)}x (${field.length} field + ${sys.length} system indexes)`,
  );
  for (const p of [a, b]) rmSync(p, { force: true });
}

// Full-text search over 1,000,000 records (issue 9 item 3): `$search` first pages (few and
// many matches), the per-write cost of keeping the index in step (create/update/delete
// with and without it, on the same table), a fill after a model change, and sizes.
//   bun scripts/bench/fts.ts [records=1000000]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Actor } from "../../src/services/actor";
import { seedApp } from "../../src/services/seed/seed";
import { openTestServices } from "../../src/services/testing";
import { scope } from "../../src/store/entities/columns";
import { compileFilter } from "../../src/store/entities/filter";
import { ftsCandidateRowids, ftsSizes } from "../../src/store/entities/fts";

const N = Number(process.argv[2] ?? 1_000_000);
const actor: Actor = { kind: "cli", id: "bench" };
const dir = mkdtempSync(join(tmpdir(), "torque-bench-fts-"));
const path = join(dir, "fts.db");
const s = await openTestServices(path);
const MODEL = {
  name: "Orders",
  entities: [
    {
      name: "order",
      fields: [
        { name: "title", type: "text" },
        { name: "customer_email", type: "email" },
        { name: "notes", type: "longtext" },
        { name: "code", type: "text" },
        { name: "status", type: "enum", values: ["open", "paid", "shipped", "cancelled"] },
        { name: "amount", type: "number" },
        { name: "qty", type: "integer" },
        { name: "ordered_on", type: "date" },
        { name: "paid_at", type: "datetime" },
        { name: "rush", type: "boolean" },
      ],
    },
  ],
};
const m = await s.models.create(MODEL, actor);
await s.apps.create(m.id, "grid", actor);
const t0 = performance.now();
await seedApp(s, "grid", { count: N, actor, seed: 1 });
console.log(`seeded ${N} orders with the full-text index in step: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const rt = await s.apps.runtime("grid");
const ent = rt.model.entities.get("order")!;

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
async function time(label: string, runs: number, fn: () => Promise<number>, target?: number) {
  const ts: number[] = [];
  let n = 0;
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    n = await fn();
    ts.push(performance.now() - a);
  }
  const p99 = pct(ts, 99);
  console.log(
    `${label.padEnd(58)} p50 ${pct(ts, 50).toFixed(2).padStart(8)} ms  p99 ${p99.toFixed(2).padStart(8)} ms  rows ${String(n).padStart(4)}${target ? `  target < ${target} ms ${p99 < target ? "ok" : "MISSED"}` : ""}`,
  );
}

// Terms: one row (an email), a few rows, ~1/12 of rows, every row, two words, none, a short word.
const sample = (await s.db.get<{ e: string }>(
  `SELECT json_extract(data, '$.customer_email') AS e FROM entities WHERE ${scope(rt.id, "order")} LIMIT 1 OFFSET ?`,
  [Math.floor(N / 2)],
))!.e;
const count = async (term: string) =>
  (await s.db.get<{ n: number }>(
    `SELECT count(*) AS n FROM entities WHERE ${scope(rt.id, "order")} AND ${compileFilter(ent, { $search: term }, s.db.dialect, rt.id).sql}`,
    compileFilter(ent, { $search: term }, s.db.dialect, rt.id).params,
  ))!.n;
const terms = [sample, "99999", "hopper quarterly", "quarterly", "example", "zzqqxx", "ab"];
for (const t of terms) console.log(`  "${t}" matches ${await count(t)} rows`);

console.log("\n$search, first page of 50 (direct SQL: exact rule AND index candidates), sorted by id:");
for (const t of terms) {
  const f = compileFilter(ent, { $search: t }, s.db.dialect, rt.id);
  const sql = `SELECT id FROM entities WHERE ${scope(rt.id, "order")} AND ${f.sql} ORDER BY id LIMIT 50`;
  await time(`  "${t}"`, t === "ab" ? 3 : 30, async () => (await s.db.all(sql, f.params)).length, 50);
}

// Through the entity service (the query planner, with the index as its candidate source when it has the hook).
const planner = await import("../../src/store/entities/planner").catch(() => undefined);
if (planner && "registerCandidates" in planner) (planner.registerCandidates as (p: typeof ftsCandidateRowids) => void)(ftsCandidateRowids);
for (const sort of [undefined, [{ field: "amount", dir: "desc" }]]) {
  console.log(`\n$search through entities.query, first page of 50, sort ${JSON.stringify(sort ?? "id")}:`);
  for (const t of terms)
    await time(
      `  "${t}"`,
      t === "ab" ? 3 : 30,
      async () => (await s.entities.query("grid", "order", { filter: { $search: t }, sort, limit: 50 })).data.length,
      50,
    );
}

// Per-write cost, same table, index on and off (off: its record hidden, so writers skip it).
const ftsRow = await s.db.get<{ type: string }>("SELECT type FROM entity_fts WHERE app_id = ? AND type = 'order'", [rt.id]);
const setIndex = (on: boolean) =>
  s.db.transaction((tx) =>
    tx.run("UPDATE entity_fts SET type = ? WHERE app_id = ? AND type = ?", [on ? "order" : "order_off", rt.id, on ? "order_off" : "order"]),
  );
console.log("\nper write, in process, sequential (1,000 each):");
for (const on of [false, true, false, true]) {
  await setIndex(on);
  const ids: string[] = [];
  const tag = on ? "with index   " : "without index";
  await time(`  create ${tag}`, 1000, async () => {
    ids.push(
      (await s.entities.create("grid", "order", { title: "Bench quarterly row", customer_email: "b@example.com", notes: "n", code: "c", amount: 1 }, { actor }))
        .id,
    );
    return 1;
  });
  let i = 0;
  await time(`  update ${tag} (text changes)`, 1000, async () => {
    await s.entities.update("grid", "order", ids[i]!, { title: `Changed title ${i++}` }, { actor });
    return 1;
  });
  i = 0;
  await time(`  update ${tag} (no text changes)`, 1000, async () => {
    await s.entities.update("grid", "order", ids[i++]!, { amount: i }, { actor });
    return 1;
  });
  i = 0;
  await time(`  delete ${tag}`, 1000, async () => {
    await s.entities.delete("grid", "order", ids[i++]!, { actor });
    return 1;
  });
}
if (!ftsRow) throw new Error("no full-text record");

// Sizes.
await s.db.settle();
const size = async (like: string) =>
  (await s.db.get<{ n: number }>("SELECT coalesce(sum(pgsize), 0) AS n FROM dbstat WHERE name = 'entities' OR name LIKE ?", [like]))!.n;
const entitiesBytes = await size("sqlite_autoindex_entities%");
const indexBytes = (await s.db.get<{ n: number }>("SELECT coalesce(sum(pgsize), 0) AS n FROM dbstat WHERE name LIKE 'ent\\_%' ESCAPE '\\'"))!.n;
const fts = Object.values(await ftsSizes(s.db, rt.id)).reduce((a, b) => a + b, 0);
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
console.log(
  `\nsizes: entities table + primary key ${mb(entitiesBytes)}, field indexes ${mb(indexBytes)}, full-text index ${mb(fts)} (${((fts / entitiesBytes) * 100).toFixed(0)}% of the table), file ${mb(statSync(path).size)}`,
);

// A model change that changes the text-like fields: the new table is filled in batches.
const doc = structuredClone(MODEL) as typeof MODEL;
doc.entities[0]!.fields.push({ name: "summary", type: "text" });
const t1 = performance.now();
await s.models.save(m.id, doc, actor);
console.log(`model save adding a text field (new table filled over ${N} rows): ${((performance.now() - t1) / 1000).toFixed(1)} s`);
await s.close();
rmSync(dir, { recursive: true, force: true });

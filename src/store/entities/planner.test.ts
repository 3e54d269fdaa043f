// The planner against the plain query on a real SQLite file: many generated filter × sort
// × cursor shapes, walked several pages deep, must give the same rows in the same order
// (and the same cursors wherever a page is full) as the plain filter-and-ORDER-BY query.
// The planner's windows and bounds are shrunk so every path runs on 1,500 rows: windows,
// the filter-driven candidate set (read and sorted, or matched during the walk), a
// window dense enough to skip it, chunks of groups, big groups, the budget that ends a
// page early, and the plain query for a field with `indexed: false`.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { growEveryType } from "../../../tests/helpers/growth";
import type { Actor } from "../../services/actor";
import { openTestServices, type TestServices as Services } from "../../services/testing";
import { grownTypes } from "./growth";
import { walkIndexes } from "./indexes";
import { lastTrace, PLAN } from "./planner";
import { buildPageQuery } from "./query";

growEveryType(); // these tests are about what the per-field indexes make fast, on small data

const actor: Actor = { kind: "cli", id: "tester" };
const dir = mkdtempSync(join(tmpdir(), "torque-planner-"));
const saved = { ...PLAN };
afterAll(async () => {
  Object.assign(PLAN, saved);
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const E = ["new", "paid", "sent", "void"];
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
        { name: "day", type: "date" },
        { name: "at", type: "datetime" },
        { name: "status", type: "enum", values: E },
        { name: "paid", type: "boolean" },
        { name: "mail", type: "email" },
        { name: "site", type: "url" },
        { name: "customer", type: "reference", entity: "customer" },
        { name: "note", type: "text", indexed: false },
        { name: "code", type: "text", unique: true },
      ],
    },
  ],
};

let s: Services;
let customers: string[];
let rng = 1;
const rand = () => {
  rng = (rng * 1103515245 + 12345) % 2147483648;
  return rng / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const maybe = <T>(p: number, v: () => T): T | undefined => (rand() < p ? v() : undefined);

const WORDS = ["alpha", "Beta", "gamma", "delta", "ALPHA beta", "zq", "omega"];
const N = 1500;

beforeAll(async () => {
  s = await openTestServices(join(dir, "planner.db"));
  const m = await s.models.create(structuredClone(MODEL), actor);
  await s.apps.create(m.id, "shop", actor);
  customers = [];
  for (let i = 0; i < 5; i++) customers.push((await s.entities.create("shop", "customer", { name: `c${i}` }, { actor })).id);
  const rows = Array.from({ length: N }, (_, i) => {
    const r: Record<string, unknown> = {};
    const set = (k: string, v: unknown) => v !== undefined && (r[k] = v);
    set(
      "title",
      maybe(0.9, () => `${pick(WORDS)} ${i % 37}`),
    );
    // A skewed amount: most rows low, a few high (a selective range at the top).
    set(
      "amount",
      maybe(0.9, () => (i % 50 === 0 ? 1000 + (i % 7) : Math.floor(rand() * 40) / 2)),
    );
    set(
      "qty",
      maybe(0.8, () => Math.floor(rand() * 5)),
    );
    set(
      "day",
      maybe(0.85, () => `2024-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`),
    );
    set(
      "at",
      maybe(0.85, () => new Date(Date.UTC(2024, 0, 1) + Math.floor(rand() * 400) * 3_600_000).toISOString()),
    );
    // One status is rare: a selective equality on an indexed field.
    set(
      "status",
      maybe(0.9, () => (i % 97 === 0 ? "void" : pick(E.slice(0, 3)))),
    );
    set(
      "paid",
      maybe(0.9, () => rand() < 0.7),
    );
    set(
      "mail",
      maybe(0.7, () => `u${Math.floor(rand() * 30)}@x.org`),
    );
    set(
      "site",
      maybe(0.5, () => `https://s${Math.floor(rand() * 10)}.org`),
    );
    set(
      "customer",
      maybe(0.8, () => pick(customers)),
    );
    set(
      "note",
      maybe(0.6, () => `n${Math.floor(rand() * 8)}`),
    );
    set(
      "code",
      maybe(0.5, () => `c${i}`),
    );
    return r;
  });
  await s.entities.insertMany("shop", "order", rows, { actor });
  // Some rows with their own timestamps (later than the bulk rows, some tied).
  for (let i = 0; i < 40; i++)
    await s.entities.update("shop", "order", (await s.entities.query("shop", "order", { limit: 1, sort: "qty" })).data[0]!.id, { qty: 9 }, { actor });
});

const FIELDS = ["title", "amount", "qty", "day", "at", "status", "paid", "mail", "site", "customer", "note", "code", "createdAt", "updatedAt", "id"];

function value(f: string): unknown {
  switch (f) {
    case "title":
      return pick([...WORDS.map((w) => `${w} ${Math.floor(rand() * 37)}`), "m"]);
    case "amount":
      return pick([0, 5, 10.5, 19.5, 1000, 1003, 2000]);
    case "qty":
      return Math.floor(rand() * 6);
    case "day":
      return `2024-0${1 + Math.floor(rand() * 9)}-15`;
    case "at":
    case "createdAt":
    case "updatedAt":
      return new Date(Date.UTC(2024, 0, 1) + Math.floor(rand() * 400) * 3_600_000).toISOString();
    case "status":
      return pick(E);
    case "paid":
      return rand() < 0.5;
    case "mail":
      return `u${Math.floor(rand() * 30)}@x.org`;
    case "site":
      return `https://s${Math.floor(rand() * 10)}.org`;
    case "customer":
      return pick(customers);
    case "note":
      return `n${Math.floor(rand() * 8)}`;
    case "code":
      return `c${Math.floor(rand() * N)}`;
    default:
      return "0";
  }
}

const ORDERED = new Set(["title", "amount", "qty", "day", "at", "status", "mail", "site", "customer", "note", "code", "createdAt", "updatedAt", "id"]);
const TEXTY = new Set(["title", "status", "mail", "site", "note", "code", "id"]);

function condition(): Record<string, unknown> {
  const f = pick(FIELDS);
  const ops = ["eq", "ne", "in", "nin", "isNull", "null"];
  if (ORDERED.has(f)) ops.push("gt", "gte", "lt", "lte", "between");
  if (TEXTY.has(f)) ops.push("contains", "startsWith", "endsWith");
  const op = pick(ops);
  if (f === "createdAt" || f === "updatedAt" || f === "id") if (op === "isNull" || op === "null") return { [f]: { gte: value(f) } };
  switch (op) {
    case "null":
      return { [f]: null };
    case "isNull":
      return { [f]: { isNull: rand() < 0.5 } };
    case "in":
    case "nin":
      return { [f]: { [op]: [value(f), value(f), value(f)] } };
    case "between": {
      const [a, b] = [value(f), value(f)] as (string | number)[];
      return { [f]: { between: a! < b! ? [a, b] : [b, a] } };
    }
    case "contains":
    case "startsWith":
    case "endsWith":
      return { [f]: { [op]: pick(["a", "alp", "BETA", "zq", "1", "x.o", "c1"]) } };
    default:
      return { [f]: { [op]: value(f) } };
  }
}

function filter(depth = 0): Record<string, unknown> | undefined {
  const r = rand();
  if (r < 0.12 && depth === 0) return undefined;
  if (r < 0.55 || depth > 1) return condition();
  if (r < 0.75) return { and: [filter(depth + 1) ?? condition(), filter(depth + 1) ?? condition()] };
  if (r < 0.92) return { or: [filter(depth + 1) ?? condition(), filter(depth + 1) ?? condition()] };
  return { not: filter(depth + 1) ?? condition() };
}

function sort(): { field: string; dir: string }[] | undefined {
  const n = pick([0, 1, 1, 1, 2, 2, 3]);
  const out: { field: string; dir: string }[] = [];
  for (let i = 0; i < n; i++) {
    const f = pick([...ORDERED, "paid"]);
    if (!out.some((k) => k.field === f)) out.push({ field: f, dir: rand() < 0.5 ? "asc" : "desc" });
  }
  return out.length ? out : undefined;
}

/** The plain query's page for the same request (the reference). */
async function plainPage(opts: { filter?: unknown; sort?: unknown; limit: number; cursor?: string | null }) {
  const rt = await s.apps.runtime("shop");
  const q = buildPageQuery(rt.id, rt.model.entities.get("order")!, s.db.dialect, opts);
  const rows: Record<string, unknown>[] = [];
  for (const part of q.parts) {
    rows.push(...(await s.db.all(part.sql, [...part.params, q.limit + 1 - rows.length])));
    if (rows.length > q.limit) break;
  }
  return rows.map((r) => r.id as string);
}

test("generated filter × sort × cursor shapes give the plain query's rows, order and cursors, pages deep", async () => {
  Object.assign(PLAN, { window: 16, budget: 300, candidates: 250, semiWindow: 64, semiBudget: 1200 });
  const seen = new Map<string, number>();
  const traces = (t: string) => seen.set(t.replace(/[: ].*/, ""), (seen.get(t.replace(/[: ].*/, "")) ?? 0) + 1);
  let shortPages = 0;
  for (let shape = 0; shape < 400; shape++) {
    const opts = { filter: filter(), sort: sort(), limit: pick([1, 3, 10, 25, 60]) };
    const expected = await plainPage({ ...opts, limit: 1000 });
    const got: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 6; page++) {
      const res = await s.entities.query("shop", "order", { ...opts, cursor });
      lastTrace.steps.forEach(traces);
      const ids = res.data.map((r) => r.id);
      got.push(...ids);
      const ref = await plainPage({ ...opts, cursor });
      if (ids.length === opts.limit || !res.pagination.nextCursor) {
        // A full page (or the last one) is exactly the plain query's page, cursor included.
        expect({ shape, page, ids }).toEqual({ shape, page, ids: ref.slice(0, opts.limit) });
        expect(!!res.pagination.nextCursor).toBe(ref.length > opts.limit);
      } else {
        shortPages++; // ended early by the budget: a prefix of the plain page
        expect({ shape, page, ids }).toEqual({ shape, page, ids: ref.slice(0, ids.length) });
      }
      cursor = res.pagination.nextCursor;
      if (!cursor) break;
    }
    expect({ shape, opts, got }).toEqual({ shape, opts, got: expected.slice(0, got.length) });
    if (!cursor) expect(got.length).toBe(expected.length);
  }
  // Every path ran.
  for (const path of ["window", "dense", "windows", "candidates", "semi", "chunk", "group", "read-group", "budget", "plain"])
    expect({ path, n: seen.get(path) ?? 0 }).not.toEqual({ path, n: 0 });
  expect(shortPages).toBeGreaterThan(0);
}, 120_000);

test("a page ended by the budget resumes where it stopped; walking on reaches every match", async () => {
  Object.assign(PLAN, { window: 8, budget: 40, candidates: 250 });
  // contains of two letters and a not: no index serves them, and together they are rare.
  const opts = { filter: { title: { contains: "zq" }, not: { amount: { lt: 15 } } }, sort: [{ field: "amount", dir: "desc" }], limit: 5 };
  const expected = await plainPage({ ...opts, limit: 1000 });
  expect(expected.length).toBeGreaterThan(5);
  const got: string[] = [];
  let cursor: string | null = null,
    pages = 0,
    empty = 0;
  do {
    const res = await s.entities.query("shop", "order", { ...opts, cursor });
    got.push(...res.data.map((r) => r.id));
    if (res.data.length === 0) empty++;
    cursor = res.pagination.nextCursor;
    pages++;
  } while (cursor);
  expect(got).toEqual(expected);
  expect(pages).toBeGreaterThan(expected.length / 5 + 1); // some pages were ended early
  expect(empty).toBeGreaterThan(0);
  Object.assign(PLAN, saved);
});

test("the planner's queries use the intended indexes (EXPLAIN QUERY PLAN)", async () => {
  Object.assign(PLAN, saved);
  const rt = await s.apps.runtime("shop");
  const ix = walkIndexes(rt.id, rt.model, s.db.dialect, "order", grownTypes(s.db, rt.id));
  for (const f of ["title", "amount", "qty", "day", "at", "status", "paid", "mail", "site", "customer", "code", "createdAt", "updatedAt", "id"])
    expect({ f, has: ix.has(f) }).toEqual({ f, has: true });
  expect(ix.has("note")).toBe(false); // indexed: false
  const plans: string[] = [];
  const spy = s.db.all.bind(s.db);
  (s.db as { all: typeof s.db.all }).all = async (sql, params) => {
    if (!sql.startsWith("EXPLAIN")) plans.push((await spy<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail).join(" | "));
    return spy(sql, params);
  };
  try {
    await s.entities.query("shop", "order", { filter: { status: "paid" }, sort: [{ field: "amount", dir: "desc" }], limit: 20 });
    expect(plans[0]).toContain(`USING COVERING INDEX ${ix.get("amount")}`);
    expect(plans[0]).not.toContain("TEMP B-TREE");
    plans.length = 0;
    PLAN.window = 50; // 1,500 rows: a window smaller than the type, as on a big one
    await s.entities.query("shop", "order", { filter: { status: "void" }, sort: "at", limit: 50 });
    expect(lastTrace.steps.some((t) => t.startsWith("candidates"))).toBe(true);
    // A window that did not fill the page, then the rare status's candidates.
    expect(plans.join("\n")).toContain(`USING COVERING INDEX ${ix.get("status")}`);
    expect(plans.join("\n")).not.toMatch(/SCAN entities(?! USING)/);
  } finally {
    Object.assign(PLAN, saved);
    (s.db as { all: typeof s.db.all }).all = spy;
  }
});

test("a wide `or` of prefixes and full-text terms (beyond SQLite's compound limit as one union) still answers right", async () => {
  Object.assign(PLAN, { window: 16, budget: 300 });
  try {
    const words = ["alpha", "beta", "gamma", "delta", "omega", "Beta", "ALPHA"];
    const filter = {
      or: Array.from({ length: 60 }, (_, i) =>
        i % 2 ? { title: { startsWith: `${words[i % words.length]} ${i % 37}` } } : { mail: { contains: `u${i % 30}@x` } },
      ),
    };
    for (const sort of ["amount", "-title"]) {
      const expected = await plainPage({ filter, sort, limit: 1000 });
      const got: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await s.entities.query("shop", "order", { filter, sort, limit: 40, cursor });
        got.push(...res.data.map((r) => r.id));
        cursor = res.pagination.nextCursor;
      } while (cursor);
      expect(got).toEqual(expected);
    }
  } finally {
    Object.assign(PLAN, saved);
  }
});

test("a sort or filter on a field that does not exist stays a validation error", async () => {
  await expect(s.entities.query("shop", "order", { sort: "nope" })).rejects.toThrow(/no field "nope"/);
  await expect(s.entities.query("shop", "order", { filter: { nope: 1 } })).rejects.toThrow(/no field "nope"/);
});

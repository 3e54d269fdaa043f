// The grid benchmark (issue 9): 1,000,000 `order` records with a field of every scalar type,
// none marked `indexed` (the default indexing applies), seeded with the real seeding
// service. What a grid sends: a filter with each type's operators and and/or mixes, a sort
// by another field either way and a second sort key, each as the first page of 50 and as a
// keyset page 10,000 rows deep; filtered totals; `$search`; aggregates; a subset again over
// HTTP JSON-RPC (the compiled binary, driven by wrk); createEntity over HTTP at 50
// connections; the write cost and the file size against the same data with every field
// `indexed: false`. A feature that is not there yet is reported as "not available".
//
// Many shapes, one table line each (asc and desc side by side); the targets are judged on
// the worst shape ("worst …" lines), which are the figures recorded.
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import { openServices, type Services } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { NOUNS, VERBS } from "../../src/services/seed/named";
import { seedApp } from "../../src/services/seed/seed";
import { openDatabase } from "../../src/store/open";
import { type Figure, record } from "./report";
import { rpcLua, waitHealthy, wrk } from "./server";

const APP = "grid";
const actor = systemActor;

// ---------------------------------------------------------------- the model

const STATUSES = ["new", "paid", "shipped", "delivered", "cancelled", "refunded"];
// The seeder's plausible titles are verb + noun (144 distinct): the same lists.
const LAST = ["lovelace", "hopper", "torvalds", "hamilton", "turing", "haddad", "nakamura", "rossi", "sharma", "okafor", "berg", "silva"];

export function gridModel(indexed: boolean) {
  const off = indexed ? {} : { indexed: false };
  const field = (f: Record<string, unknown>) => ({ ...f, ...off });
  return {
    name: "Grid",
    description: "Orders of customers: a field of every scalar type, none marked indexed.",
    entities: [
      {
        name: "customer",
        label: "Customer",
        display: "name",
        fields: [field({ name: "name", type: "text", required: true, maxLength: 100 }), field({ name: "email", type: "email" })],
      },
      {
        name: "order",
        label: "Order",
        display: "title",
        fields: [
          field({ name: "title", type: "text", required: true, maxLength: 200 }), // "Review quarterly report": 144 values
          field({ name: "code", type: "text" }), // "budget 123456": one per record
          { name: "notes", type: "longtext" }, // searched, never indexed
          field({ name: "amount", type: "number" }), // 5 … 5,005, skewed low
          field({ name: "quantity", type: "integer", min: 1, max: 50 }),
          field({ name: "ordered_on", type: "date" }), // 2024 … 2026
          field({ name: "shipped_at", type: "datetime" }),
          field({ name: "status", type: "enum", values: STATUSES }),
          field({ name: "express", type: "boolean" }),
          field({ name: "contact_email", type: "email" }), // first.last<n>@example.com
          field({ name: "website", type: "url" }), // https://example.org/docs/123
          field({ name: "customer", type: "reference", entity: "customer" }),
        ],
      },
    ],
    relationships: [],
    pages: [],
    navigation: [],
    xflows: [],
  };
}

export async function seedGrid(dbPath: string, orders: number, indexed: boolean): Promise<{ s: Services; seconds: number }> {
  const s = await openServices(dbPath);
  const model = await s.models.create(gridModel(indexed), actor);
  await s.apps.create(model.id, APP, actor);
  const t0 = performance.now();
  await seedApp(s, APP, { count: 0, counts: { customer: 1000, order: orders }, seed: 9, actor });
  return { s, seconds: (performance.now() - t0) / 1000 };
}

// ---------------------------------------------------------------- parameter values

/** A deterministic fraction in [0, 1) for sample i (salted per use), so runs compare. */
function frac(i: number, salt: number): number {
  let t = (i * 0x9e3779b1 + salt * 0x85ebca6b) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pickI = <T>(list: readonly T[], i: number, salt: number): T => list[Math.floor(frac(i, salt) * list.length)]!;
const intI = (lo: number, hi: number, i: number, salt: number) => lo + Math.floor(frac(i, salt) * (hi - lo + 1));
const DAY = 86_400_000;
const dayI = (i: number, salt: number, span = 3 * 365) => new Date(Date.UTC(2024, 0, 1) + intI(0, span - 1, i, salt) * DAY).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => new Date(Date.parse(d) + n * DAY).toISOString().slice(0, 10);
const timeI = (i: number, salt: number) => new Date(Date.UTC(2024, 0, 1) + Math.floor(frac(i, salt) * 3 * 365 * DAY)).toISOString();
const titleI = (i: number, salt: number) => `${pickI(VERBS, i, salt)} ${pickI(NOUNS, i, salt + 1)}`;

/** Values only the data knows (emails, urls, customer ids; the first orders' ids), read once after the seed. */
export interface Samples {
  emails: string[];
  websites: string[];
  customers: string[];
  orders: string[];
}

export async function readSamples(query: (o: Record<string, unknown>) => Promise<{ data: unknown[] }>): Promise<Samples> {
  const some = (await query({ limit: 1000, fields: ["contact_email", "website", "customer"] })).data as { id: string; data: Record<string, unknown> }[];
  return {
    emails: some.map((r) => r.data.contact_email as string).filter(Boolean),
    websites: some.map((r) => r.data.website as string).filter(Boolean),
    customers: [...new Set(some.map((r) => r.data.customer as string).filter(Boolean))],
    orders: some.map((r) => r.id),
  };
}

// ---------------------------------------------------------------- shapes

export type Sort = { field: string; dir: "asc" | "desc" }[];
export interface Shape {
  type: string;
  name: string;
  filter?: (i: number) => unknown;
  sort: Sort;
}

export function shapes(v: Samples): Shape[] {
  const S = (field: string, dir: "asc" | "desc" = "asc") => ({ field, dir });
  const list: Shape[] = [
    // text
    { type: "text", name: "title eq", filter: (i) => ({ title: titleI(i, 1) }), sort: [S("amount")] },
    { type: "text", name: "title ne", filter: (i) => ({ title: { ne: titleI(i, 1) } }), sort: [S("quantity")] },
    { type: "text", name: "title in (3)", filter: (i) => ({ title: { in: [titleI(i, 1), titleI(i, 3), titleI(i, 5)] } }), sort: [S("ordered_on")] },
    {
      type: "text",
      name: "title gte/lt range",
      filter: (i) => ({ title: { gte: pickI(["D", "F", "P"], i, 1), lt: pickI(["Pr", "R", "T"], i, 2) } }),
      sort: [S("amount")],
    },
    {
      type: "text",
      name: "title contains",
      filter: (i) => ({ title: { contains: pickI(["report", "page", "budget", "docs"], i, 1) } }),
      sort: [S("ordered_on")],
    },
    {
      type: "text",
      name: "code startsWith (few)",
      filter: (i) => ({ code: { startsWith: `${pickI(NOUNS, i, 1)} ${intI(10, 99, i, 2)}` } }),
      sort: [S("amount")],
    },
    { type: "text", name: "code startsWith (many)", filter: (i) => ({ code: { startsWith: pickI(["b", "c", "r", "API"], i, 1) } }), sort: [S("amount")] },
    { type: "text", name: "code isNull", filter: () => ({ code: { isNull: true } }), sort: [S("amount")] },
    // number
    { type: "number", name: "amount gt", filter: (i) => ({ amount: { gt: intI(100, 3000, i, 1) } }), sort: [S("ordered_on")] },
    { type: "number", name: "amount lt", filter: (i) => ({ amount: { lt: intI(20, 3000, i, 1) } }), sort: [S("shipped_at")] },
    {
      type: "number",
      name: "amount between (narrow)",
      filter: (i) => {
        const a = intI(5, 2000, i, 1);
        return { amount: { between: [a, a + 20] } };
      },
      sort: [S("title")],
    },
    // integer
    { type: "integer", name: "quantity eq", filter: (i) => ({ quantity: intI(1, 50, i, 1) }), sort: [S("amount")] },
    { type: "integer", name: "quantity ne", filter: (i) => ({ quantity: { ne: intI(1, 50, i, 1) } }), sort: [S("title")] },
    {
      type: "integer",
      name: "quantity in (3)",
      filter: (i) => ({ quantity: { in: [intI(1, 50, i, 1), intI(1, 50, i, 2), intI(1, 50, i, 3)] } }),
      sort: [S("ordered_on")],
    },
    {
      type: "integer",
      name: "quantity between",
      filter: (i) => {
        const a = intI(1, 45, i, 1);
        return { quantity: { between: [a, a + 5] } };
      },
      sort: [S("amount")],
    },
    // date
    { type: "date", name: "ordered_on eq", filter: (i) => ({ ordered_on: dayI(i, 1) }), sort: [S("amount")] },
    {
      type: "date",
      name: "ordered_on between (30 days)",
      filter: (i) => {
        const d = dayI(i, 1, 1000);
        return { ordered_on: { between: [d, addDays(d, 30)] } };
      },
      sort: [S("title")],
    },
    { type: "date", name: "ordered_on gte", filter: (i) => ({ ordered_on: { gte: dayI(i, 1) } }), sort: [S("quantity")] },
    // datetime
    {
      type: "datetime",
      name: "shipped_at between (7 days)",
      filter: (i) => {
        const t = timeI(i, 1);
        return { shipped_at: { between: [t, new Date(Date.parse(t) + 7 * DAY).toISOString()] } };
      },
      sort: [S("amount")],
    },
    { type: "datetime", name: "shipped_at lt", filter: (i) => ({ shipped_at: { lt: timeI(i, 1) } }), sort: [S("ordered_on")] },
    { type: "datetime", name: "shipped_at isNull", filter: () => ({ shipped_at: { isNull: true } }), sort: [S("amount")] },
    // enum
    { type: "enum", name: "status eq", filter: (i) => ({ status: pickI(STATUSES, i, 1) }), sort: [S("amount")] },
    { type: "enum", name: "status ne", filter: (i) => ({ status: { ne: pickI(STATUSES, i, 1) } }), sort: [S("title")] },
    { type: "enum", name: "status in (2)", filter: (i) => ({ status: { in: [pickI(STATUSES, i, 1), pickI(STATUSES, i, 2)] } }), sort: [S("ordered_on")] },
    // boolean
    { type: "boolean", name: "express eq", filter: (i) => ({ express: frac(i, 1) < 0.5 }), sort: [S("amount")] },
    { type: "boolean", name: "express ne true", filter: () => ({ express: { ne: true } }), sort: [S("ordered_on")] },
    // email
    { type: "email", name: "contact_email eq", filter: (i) => ({ contact_email: pickI(v.emails, i, 1) }), sort: [S("amount")] },
    {
      type: "email",
      name: "contact_email startsWith",
      filter: (i) => ({ contact_email: { startsWith: `${pickI(["ada", "grace", "linus", "mia"], i, 1)}.` } }),
      sort: [S("ordered_on")],
    },
    { type: "email", name: "contact_email contains", filter: (i) => ({ contact_email: { contains: pickI(LAST, i, 1) } }), sort: [S("amount")] },
    // url
    { type: "url", name: "website eq", filter: (i) => ({ website: pickI(v.websites, i, 1) }), sort: [S("ordered_on")] },
    {
      type: "url",
      name: "website startsWith",
      filter: (i) => ({ website: { startsWith: `https://example.${pickI(["com", "org"], i, 1)}/${pickI(["docs", "item", "p"], i, 2)}/` } }),
      sort: [S("amount")],
    },
    // reference
    { type: "reference", name: "customer eq", filter: (i) => ({ customer: pickI(v.customers, i, 1) }), sort: [S("amount")] },
    {
      type: "reference",
      name: "customer in (3)",
      filter: (i) => ({ customer: { in: [pickI(v.customers, i, 1), pickI(v.customers, i, 2), pickI(v.customers, i, 3)] } }),
      sort: [S("ordered_on")],
    },
    { type: "reference", name: "customer isNull", filter: () => ({ customer: { isNull: true } }), sort: [S("amount")] },
    // and / or / not
    {
      type: "and",
      name: "status eq and amount gt",
      filter: (i) => ({ status: pickI(STATUSES, i, 1), amount: { gt: intI(100, 2000, i, 2) } }),
      sort: [S("ordered_on")],
    },
    {
      type: "and",
      name: "express, ordered_on range, quantity gte",
      filter: (i) => {
        const d = dayI(i, 2, 900);
        return { and: [{ express: true }, { ordered_on: { between: [d, addDays(d, 90)] } }, { quantity: { gte: intI(1, 40, i, 3) } }] };
      },
      sort: [S("amount")],
    },
    { type: "or", name: "status eq or express", filter: (i) => ({ or: [{ status: pickI(STATUSES, i, 1) }, { express: true }] }), sort: [S("amount")] },
    {
      type: "or",
      name: "customer eq or code startsWith",
      filter: (i) => ({ or: [{ customer: pickI(v.customers, i, 1) }, { code: { startsWith: `${pickI(NOUNS, i, 2)} 7` } }] }),
      sort: [S("ordered_on")],
    },
    {
      type: "not",
      name: "not status in (2)",
      filter: (i) => ({ not: { status: { in: [pickI(STATUSES, i, 1), pickI(STATUSES, i, 2)] } } }),
      sort: [S("title")],
    },
    // a second sort key
    {
      type: "2 keys",
      name: "status eq · ordered_on, amount desc",
      filter: (i) => ({ status: pickI(STATUSES, i, 1) }),
      sort: [S("ordered_on"), S("amount", "desc")],
    },
    { type: "2 keys", name: "express eq · quantity desc, title", filter: (i) => ({ express: frac(i, 1) < 0.5 }), sort: [S("quantity", "desc"), S("title")] },
    { type: "2 keys", name: "(none) · status, amount desc", sort: [S("status"), S("amount", "desc")] },
    { type: "2 keys", name: "(none) · customer, ordered_on", sort: [S("customer"), S("ordered_on")] },
  ];
  // A grid's column header clicked with no filter: every sortable field.
  for (const f of ["title", "code", "amount", "quantity", "ordered_on", "shipped_at", "status", "express", "contact_email", "website", "customer"])
    list.push({ type: "sort only", name: `(none) · ${f}`, sort: [S(f)] });
  return list;
}

export const flip = (sort: Sort): Sort => sort.map((k) => ({ field: k.field, dir: k.dir === "asc" ? "desc" : "asc" }));
const sortLabel = (sort: Sort) => sort.map((k) => `${k.field}${k.dir === "desc" ? " desc" : ""}`).join(", ");

// ---------------------------------------------------------------- measuring

interface Stat {
  p50: number;
  p99: number;
  n: number;
}
type Cell = Stat | { na: string };
const isStat = (c: Cell | undefined): c is Stat => !!c && "p50" in c;

/**
 * Up to n samples within a time budget (at least `min`), after one unmeasured call (it
 * prepares the statement, as any server's second request finds it prepared). An error is
 * "not available" with its message.
 */
async function sample(op: (i: number) => Promise<unknown>, opts: { n?: number; budgetMs?: number; min?: number } = {}): Promise<Cell> {
  const n = opts.n ?? 200,
    budget = opts.budgetMs ?? 1500;
  let min = opts.min ?? 5;
  const w = performance.now();
  try {
    await op(n + 7);
  } catch (e) {
    return { na: errText(e) };
  }
  // A query far over every target needs few samples to say so (1M rows: seconds each).
  if (performance.now() - w > HOPELESS_MS) min = Math.min(min, 3);
  const t: number[] = [];
  const end = performance.now() + budget;
  for (let i = 0; i < n && (i < min || performance.now() < end); i++) {
    const s = performance.now();
    try {
      await op(i);
    } catch (e) {
      return { na: errText(e) };
    }
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(t.length * 0.5)]!, p99: t[Math.min(t.length - 1, Math.floor(t.length * 0.99))]!, n: t.length };
}

function errText(e: unknown): string {
  const m = String((e as Error)?.message ?? e);
  return m.length > 140 ? `${m.slice(0, 140)}…` : m;
}

const ms = (x: number) => (x >= 100 ? Math.round(x).toString() : x >= 10 ? x.toFixed(1) : x.toFixed(2));
function cellText(c: Cell | undefined, target: number): string {
  if (!c) return "—";
  if (!isStat(c)) return "n/a";
  return `${ms(c.p50)} / ${ms(c.p99)}${c.p99 < target ? "" : " !"}${c.n < 50 ? ` (n=${c.n})` : ""}`;
}

type Query = (opts: Record<string, unknown>) => Promise<{ data: unknown[]; pagination: { nextCursor: string | null; total?: number; totalExact?: boolean } }>;

const DEEP = 10_000;
/** First pages slower than this are not followed 10,000 rows deep (walking there would take minutes). */
const HOPELESS_MS = 250;

/** Keyset cursors 10,000 rows deep for a few parameter values (reached with pages of 1,000). */
async function deepCursors(query: Query, base: (i: number) => Record<string, unknown>, variants: number, budgetMs: number) {
  const out: { opts: Record<string, unknown>; start: string; cursor: string }[] = [];
  const end = performance.now() + budgetMs;
  for (let v = 0; v < variants && (out.length === 0 || performance.now() < end); v++) {
    const opts = base(v);
    let cursor: string | null = null;
    let reached = 0;
    // Rows counted, not pages: a page may end early (bounded work) with a cursor.
    for (let pages = 0; reached < DEEP && pages < 200; pages++) {
      const page = await query({ ...opts, limit: 1000, cursor });
      reached += page.data.length;
      cursor = page.pagination.nextCursor;
      if (!cursor) break;
    }
    if (cursor && reached >= DEEP) out.push({ opts, start: cursor, cursor });
  }
  return out;
}

interface PageResult {
  first?: Cell;
  deep?: Cell;
  note?: string;
}

/** Pages that came back with fewer rows than asked and a cursor (the planner ended them early). */
let shortPages = 0;

async function measurePages(query: Query, opts: (i: number) => Record<string, unknown>): Promise<PageResult> {
  const counted: Query = async (o) => {
    const page = await query(o);
    if (page.pagination.nextCursor && page.data.length < (o.limit as number)) shortPages++;
    return page;
  };
  const first = await sample((i) => counted({ ...opts(i), limit: 50 }));
  if (!isStat(first)) return { first };
  if (first.p50 > HOPELESS_MS) return { first, note: "deep page not measured (first page too slow)" };
  let cursors: Awaited<ReturnType<typeof deepCursors>>;
  try {
    cursors = await deepCursors(query, opts, 4, 4000);
  } catch (e) {
    return { first, deep: { na: errText(e) } };
  }
  if (!cursors.length) return { first, note: "fewer than 10,000 matches" };
  // Each sample takes the next page of one of the cursors (a user scrolling on), so the
  // same page is rarely asked twice.
  const deep = await sample(async (i) => {
    const c = cursors[i % cursors.length]!;
    const page = await counted({ ...c.opts, limit: 50, cursor: c.cursor });
    c.cursor = page.pagination.nextCursor ?? c.start;
  });
  return { first, deep };
}

// ---------------------------------------------------------------- the benchmark

interface HttpCase {
  name: string;
  bodies: string[];
  target: number;
}

export async function benchGrid(dir: string, opts: { entities: number; binary?: string; fresh?: () => Promise<string> }): Promise<void> {
  // A SQLite file in dir, or (fresh) a new PostgreSQL database.
  const where = (name: string) => (opts.fresh ? opts.fresh() : Promise.resolve(`${dir}/${name}.db`));
  const dbPath = await where("grid");
  const n = opts.entities;
  console.log(`seeding ${n.toLocaleString("en-US")} orders (and 1,000 customers), every scalar field unmarked …`);
  const seeded = await seedGrid(dbPath, n, true);
  const s = seeded.s;
  record({ name: `grid: seed ${n.toLocaleString("en-US")} orders (default indexing)`, value: seeded.seconds, unit: "s" });

  const query: Query = (o) => s.entities.query(APP, "order", o) as ReturnType<Query>;
  const samples = await readSamples(query);
  const all = shapes(samples);
  const http: HttpCase[] = [];
  const rpc = (method: string, params: Record<string, unknown>, id = 1) => JSON.stringify({ jsonrpc: "2.0", id, method, params });
  const qBody = (o: Record<string, unknown>, id: number) => rpc("queryEntities", { app: APP, entity: "order", ...o }, id);

  // ---- pages
  console.log(`\n-- grid pages: p50 / p99 ms in-process (target p99 < 10 ms; "!" misses it); deep = a page of 50 after ${DEEP.toLocaleString("en-US")} rows`);
  console.log(
    `${"type".padEnd(10)} ${"filter · sort (asc; desc flips every key)".padEnd(58)} ${["asc first", "asc deep", "desc first", "desc deep"].map((h) => h.padEnd(20)).join(" ")}`,
  );
  const worst = { first: { v: -1, at: "" }, deep: { v: -1, at: "" } };
  const naNotes = new Map<string, string[]>();
  const noteNa = (c: Cell | undefined, at: string) => {
    if (c && !isStat(c)) naNotes.set(c.na, [...(naNotes.get(c.na) ?? []), at]);
  };
  let missFirst = 0,
    missDeep = 0,
    measuredFirst = 0,
    measuredDeep = 0;
  for (const shape of all) {
    const cells: string[] = [];
    const notes: string[] = [];
    for (const sort of [shape.sort, flip(shape.sort)]) {
      const at = `${shape.name.split(" · ")[0]} · ${sortLabel(sort)}`;
      const optsOf = (i: number) => ({ ...(shape.filter ? { filter: shape.filter(i) } : {}), sort });
      const r = await measurePages(query, optsOf);
      for (const [kind, c] of [
        ["first", r.first],
        ["deep", r.deep],
      ] as const) {
        cells.push(cellText(c, 10));
        noteNa(c, at);
        if (isStat(c)) {
          if (kind === "first") {
            measuredFirst++;
            if (c.p99 >= 10) missFirst++;
          } else {
            measuredDeep++;
            if (c.p99 >= 10) missDeep++;
          }
          if (c.p99 > worst[kind].v) worst[kind] = { v: c.p99, at };
        }
      }
      if (r.note && !notes.includes(r.note)) notes.push(r.note);
    }
    const label = shape.name.includes(" · ") ? shape.name : `${shape.name} · ${sortLabel(shape.sort)}`;
    console.log(`${shape.type.padEnd(10)} ${label.padEnd(58)} ${cells.map((c) => c.padEnd(20)).join(" ")}${notes.length ? `  (${notes.join("; ")})` : ""}`);
  }
  console.log(`short pages (fewer than 50 rows and a cursor, ended early by the planner): ${shortPages}`);
  for (const [msg, where] of naNotes) console.log(`  n/a: ${msg} — ${where.length} case(s), e.g. ${where[0]}`);
  recordWorst("grid: worst first page of 50, p99", worst.first, 10, `${missFirst} of ${measuredFirst} first pages miss`);
  recordWorst("grid: worst keyset page 10,000 deep, p99", worst.deep, 10, `${missDeep} of ${measuredDeep} deep pages miss`);

  // HTTP cases for a representative subset: bodies made now (deep cursors need the data).
  const pick = (name: string) => all.find((x) => x.name === name || x.name.startsWith(name))!;
  for (const [name, dirFlip] of [
    ["status eq", true],
    ["title contains", false],
    ["amount between (narrow)", false],
    ["customer eq", true],
    ["status eq and amount gt", false],
    ["(none) · title", false],
  ] as const) {
    const sh = pick(name);
    const sort = dirFlip ? flip(sh.sort) : sh.sort;
    const o = (i: number) => ({ ...(sh.filter ? { filter: sh.filter(i) } : {}), sort });
    http.push({
      name: `first page: ${sh.name.split(" · ")[0]} · ${sortLabel(sort)}`,
      bodies: Array.from({ length: 100 }, (_, i) => qBody({ ...o(i), limit: 50 }, i)),
      target: 15,
    });
    if (name === "status eq" || name === "(none) · title") {
      try {
        const cs = await deepCursors(query, o, 4, 4000);
        const bodies: string[] = [];
        for (const c of cs) {
          let cursor: string | null = c.start;
          for (let k = 0; k < 25 && cursor; k++) {
            bodies.push(qBody({ ...c.opts, limit: 50, cursor }, bodies.length));
            cursor = (await query({ ...c.opts, limit: 50, cursor })).pagination.nextCursor;
          }
        }
        if (bodies.length) http.push({ name: `deep page: ${sh.name.split(" · ")[0]} · ${sortLabel(sort)}`, bodies, target: 15 });
      } catch {
        // the in-process table already says why
      }
    }
  }

  // ---- totals
  console.log("\n-- filtered totals: a first page of 50 with total: true, p50 / p99 ms (target < 50 ms)");
  const totalShapes: { name: string; filter?: (i: number) => unknown }[] = [
    { name: "(no filter)" },
    { name: "status eq (1/6)", filter: pick("status eq").filter },
    { name: "status ne (5/6)", filter: pick("status ne").filter },
    { name: "express eq (1/2)", filter: pick("express eq").filter },
    { name: "amount gt", filter: pick("amount gt").filter },
    { name: "ordered_on between (30 days)", filter: pick("ordered_on between").filter },
    { name: "quantity in (3)", filter: pick("quantity in").filter },
    { name: "title contains", filter: pick("title contains").filter },
    { name: "code startsWith (few)", filter: pick("code startsWith (few)").filter },
    { name: "customer eq", filter: pick("customer eq").filter },
    { name: "status eq and amount gt", filter: pick("status eq and amount gt").filter },
    { name: "status eq or express", filter: pick("status eq or express").filter },
    { name: "$search 1 word (many)", filter: (i) => ({ $search: pickI(["report", "budget", "review", "roadmap"], i, 1) }) },
  ];
  const worstTotal = { v: -1, at: "" };
  let inexact = 0,
    totals = 0;
  for (const t of totalShapes) {
    let lastTotal: number | undefined;
    let missing = false;
    const c = await sample(
      async (i) => {
        const p = await query({ ...(t.filter ? { filter: t.filter(i) } : {}), limit: 50, total: true });
        if (typeof p.pagination.total !== "number") missing = true;
        lastTotal = p.pagination.total;
        totals++;
        if (p.pagination.totalExact === false) inexact++;
      },
      { budgetMs: 2000, min: 3 },
    );
    if (missing && isStat(c)) {
      console.log(`${t.name.padEnd(40)} n/a (no total returned)`);
      continue;
    }
    noteTotal(c, t.name, lastTotal);
    if (isStat(c) && c.p99 > worstTotal.v) worstTotal.v = c.p99;
    if (isStat(c) && c.p99 === worstTotal.v) worstTotal.at = t.name;
  }
  recordWorst("grid: worst filtered total, p99", worstTotal, 50);
  console.log(`totalExact false in ${inexact} of ${totals} answers (${totals ? ((100 * inexact) / totals).toFixed(1) : "0"} %)`);
  http.push({
    name: "total: status eq, page of 50",
    bodies: Array.from({ length: 60 }, (_, i) => qBody({ filter: pick("status eq").filter!(i), limit: 50, total: true }, i)),
    target: 50,
  });

  // ---- search
  console.log("\n-- $search: a first page of 50, p50 / p99 ms (target < 50 ms)");
  const five = (i: number, salt: number) => String(intI(10000, 99999, i, salt));
  const searches: { name: string; term: (i: number) => string; sort?: Sort }[] = [
    { name: "1 word, many (report)", term: (i) => pickI(["report", "budget", "review", "roadmap", "contract"], i, 1) },
    { name: "1 word, few (5 digits)", term: (i) => five(i, 1) },
    {
      name: "2 words, many (quarterly report)",
      term: (i) => pickI(["quarterly report", "landing page", "invoice batch", "release notes", "pricing model"], i, 1),
    },
    { name: "2 words, few (budget 12345)", term: (i) => `${pickI(["budget", "roadmap", "contract", "dashboard"], i, 1)} ${five(i, 2)}` },
    {
      name: "3 words, many (review quarterly report)",
      term: (i) => `${pickI(VERBS.slice(0, 10), i, 1)} ${pickI(["quarterly report", "landing page", "invoice batch"], i, 2)}`.toLowerCase(),
    },
    { name: "3 words, few (hopper example 1234)", term: (i) => `${pickI(LAST, i, 1)} example ${intI(1000, 9999, i, 2)}` },
    { name: "1 word, many · sort amount desc", term: (i) => pickI(["report", "budget", "review", "roadmap"], i, 1), sort: [{ field: "amount", dir: "desc" }] },
    { name: 'FTS syntax as text (a "b" OR c*)', term: (i) => `"quarterly" OR report* NEAR(${i})` },
  ];
  const worstSearch = { v: -1, at: "" };
  for (const q of searches) {
    const c = await sample((i) => query({ filter: { $search: q.term(i) }, ...(q.sort ? { sort: q.sort } : {}), limit: 50 }), { budgetMs: 2000, min: 3 });
    console.log(`${q.name.padEnd(44)} ${cellText(c, 50)}${isStat(c) ? "" : `  (${c.na})`}`);
    if (isStat(c) && c.p99 > worstSearch.v) {
      worstSearch.v = c.p99;
      worstSearch.at = q.name;
    }
  }
  recordWorst("grid: worst $search page, p99", worstSearch, 50);
  http.push({
    name: "$search 2 words (many), page of 50",
    bodies: Array.from({ length: 60 }, (_, i) => qBody({ filter: { $search: searches[2]!.term(i) }, limit: 50 }, i)),
    target: 50,
  });

  // ---- aggregates
  console.log("\n-- aggregates (entities.aggregate), p50 / p99 ms (target: grouped by an enum < 100 ms)");
  const aggregate = (s.entities as unknown as { aggregate?: (app: string, entity: string, o: unknown) => Promise<{ groups: unknown[]; limited: boolean }> })
    .aggregate;
  const aggs: { name: string; enumGroup: boolean; params: (i: number) => Record<string, unknown> }[] = [
    { name: "count by status", enumGroup: true, params: () => ({ groupBy: "status", aggregates: [{ op: "count" }] }) },
    {
      name: "count + sum(amount) by status",
      enumGroup: true,
      params: () => ({ groupBy: "status", aggregates: [{ op: "count" }, { op: "sum", field: "amount" }] }),
    },
    {
      name: "count + sum(amount) by status, filter express + 90 days",
      enumGroup: true,
      params: (i) => {
        const d = dayI(i, 3, 900);
        return {
          filter: { express: true, ordered_on: { between: [d, addDays(d, 90)] } },
          groupBy: "status",
          aggregates: [{ op: "count" }, { op: "sum", field: "amount" }],
        };
      },
    },
    {
      name: "count + sum(amount) by month of ordered_on",
      enumGroup: false,
      params: () => ({ groupBy: { field: "ordered_on", bucket: "month" }, aggregates: [{ op: "count" }, { op: "sum", field: "amount" }] }),
    },
    {
      name: "count by week of shipped_at, filter status",
      enumGroup: false,
      params: (i) => ({ filter: { status: pickI(STATUSES, i, 1) }, groupBy: { field: "shipped_at", bucket: "week" }, aggregates: [{ op: "count" }] }),
    },
    {
      name: "count + avg(amount) by express (boolean)",
      enumGroup: false,
      params: () => ({ groupBy: "express", aggregates: [{ op: "count" }, { op: "avg", field: "amount" }] }),
    },
    {
      name: "count, sum, avg, min, max(amount), filter status",
      enumGroup: false,
      params: (i) => ({
        filter: { status: pickI(STATUSES, i, 1) },
        aggregates: [
          { op: "count" },
          { op: "sum", field: "amount" },
          { op: "avg", field: "amount" },
          { op: "min", field: "amount" },
          { op: "max", field: "amount" },
        ],
      }),
    },
    {
      name: "count by day of ordered_on (> 1,000 groups)",
      enumGroup: false,
      params: () => ({ groupBy: { field: "ordered_on", bucket: "day" }, aggregates: [{ op: "count" }] }),
    },
  ];
  const worstAgg = { v: -1, at: "" };
  for (const a of aggs) {
    if (typeof aggregate !== "function") {
      console.log(`${a.name.padEnd(56)} n/a (entities.aggregate is not available)`);
      continue;
    }
    let shape = "";
    const c = await sample(
      async (i) => {
        const r = await aggregate.call(s.entities, APP, "order", a.params(i));
        shape = `${r.groups.length} groups${r.limited ? ", limited" : ""}`;
      },
      { budgetMs: 2500, min: 3, n: 100 },
    );
    const target = a.enumGroup ? 100 : Infinity;
    console.log(`${a.name.padEnd(56)} ${cellText(c, target)}${isStat(c) ? `  (${shape})` : `  (${c.na})`}`);
    if (a.enumGroup && isStat(c) && c.p99 > worstAgg.v) {
      worstAgg.v = c.p99;
      worstAgg.at = a.name;
    }
  }
  recordWorst("grid: worst aggregate grouped by an enum, p99", worstAgg, 100);
  http.push({
    name: "aggregate: count + sum(amount) by status",
    bodies: [rpc("aggregateEntities", { app: APP, entity: "order", ...aggs[1]!.params(0) })],
    target: 100,
  });

  // ---- write cost and size with the default indexing (compared with no extra indexes below)
  const writes = await writeCost(s);
  await s.close();
  const size = await dbSize(dbPath);

  // ---- over HTTP
  if (opts.binary && Bun.spawnSync(["which", "wrk"]).exitCode === 0) await overHttp(opts.binary, dbPath, http, samples.customers, samples.orders);
  else console.log("\n(no binary or no wrk: the HTTP part is skipped)");
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });

  // ---- the same data with every field indexed: false
  console.log(`\n-- the same ${n.toLocaleString("en-US")} orders with every field indexed: false (no extra indexes)`);
  const basePath = await where("grid-plain");
  const plain = await seedGrid(basePath, n, false);
  const plainWrites = await writeCost(plain.s);
  await plain.s.close();
  const plainSize = await dbSize(basePath);
  rmSync(basePath, { force: true });
  rmSync(`${basePath}-wal`, { force: true });
  rmSync(`${basePath}-shm`, { force: true });
  console.log(`${"".padEnd(44)} ${"default indexing".padStart(18)} ${"indexed: false".padStart(18)}`);
  const row = (name: string, a: string, b: string) => console.log(`${name.padEnd(44)} ${a.padStart(18)} ${b.padStart(18)}`);
  row("seed (s)", seeded.seconds.toFixed(1), plain.seconds.toFixed(1));
  const both = (c: Cell, d: Cell) => [c, d].map((x) => (isStat(x) ? `${ms(x.p50)} / ${ms(x.p99)}` : "n/a")) as [string, string];
  row("createEntity in-process p50 / p99 (ms)", ...both(writes.create, plainWrites.create));
  row("updateEntity in-process p50 / p99 (ms)", ...both(writes.update, plainWrites.update));
  for (const c of [writes.create, writes.update, plainWrites.create, plainWrites.update]) if (!isStat(c)) console.log(`  n/a: ${c.na}`);
  row("database size (MB, used pages)", (size.bytes / 2 ** 20).toFixed(1), (plainSize.bytes / 2 ** 20).toFixed(1));
  row("indexes on the entities table", String(size.indexes), String(plainSize.indexes));
  record({
    name: "grid: database size vs no extra indexes",
    value: size.bytes / plainSize.bytes,
    unit: "×",
    target: { op: "<=", value: 2.5 },
    note: `${(size.bytes / 2 ** 20).toFixed(0)} MB vs ${(plainSize.bytes / 2 ** 20).toFixed(0)} MB`,
  });
  if (isStat(writes.create) && isStat(plainWrites.create))
    record({
      name: "grid: createEntity p50 in-process, default vs none",
      value: writes.create.p50 - plainWrites.create.p50,
      unit: "ms",
      note: `${ms(writes.create.p50)} vs ${ms(plainWrites.create.p50)} ms: the cost of the default indexes per create`,
    });
}

function recordWorst(name: string, w: { v: number; at: string }, target: number, extra?: string): void {
  if (w.v < 0) {
    console.log(`${name.padEnd(52)} not available`);
    return;
  }
  const f: Figure = { name, value: w.v, unit: "ms", target: { op: "<", value: target }, note: `${w.at}${extra ? `; ${extra}` : ""}` };
  record(f);
}

function noteTotal(c: Cell, name: string, total: number | undefined): void {
  console.log(`${name.padEnd(40)} ${cellText(c, 50).padEnd(22)}${isStat(c) ? `total ${total?.toLocaleString("en-US") ?? "?"}` : `(${c.na})`}`);
}

async function writeCost(s: Services): Promise<{ create: Cell; update: Cell }> {
  const customer = ((await s.entities.query(APP, "customer", { limit: 1 })).data[0] as { id: string }).id;
  const ids: string[] = [];
  const data = (i: number) => ({
    title: titleI(i, 11),
    code: `bench ${i}`,
    amount: intI(5, 5000, i, 12),
    quantity: intI(1, 50, i, 13),
    ordered_on: dayI(i, 14),
    shipped_at: timeI(i, 15),
    status: pickI(STATUSES, i, 16),
    express: frac(i, 17) < 0.5,
    contact_email: `bench${i}@example.com`,
    website: `https://example.com/p/${i}`,
    customer,
  });
  const create = await sample(async (i) => ids.push((await s.entities.create(APP, "order", data(i), { actor })).id), { n: 2000, budgetMs: 10_000 });
  const update = ids.length
    ? await sample((i) => s.entities.update(APP, "order", ids[i % ids.length]!, { amount: i, status: pickI(STATUSES, i, 18) }, { actor }), {
        n: 2000,
        budgetMs: 10_000,
      })
    : ({ na: "no rows were created" } as Cell);
  // Removed again so both databases hold the same rows when their sizes are compared.
  let failed = 0,
    first = "";
  for (const id of ids)
    await s.entities.delete(APP, "order", id, { actor }).catch((e) => {
      failed++;
      first ||= errText(e);
    });
  if (failed) console.log(`  ${failed} of ${ids.length} deletes of the created rows failed, e.g. ${first}`);
  return { create, update };
}

/** Bytes in use (pages minus free pages) and the number of indexes on the entities table. */
async function dbSize(path: string): Promise<{ bytes: number; indexes: number }> {
  if (/^postgres(ql)?:\/\//.test(path)) {
    const db = await openDatabase(path, { migrate: false });
    try {
      // The entities table: its partitions with their indexes and TOAST.
      const r = await db.get<{ bytes: number; indexes: number }>(
        "SELECT (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'entities'::regclass) AS bytes, (SELECT count(*) FROM pg_indexes WHERE tablename = 'entities' OR (tablename LIKE 'entities\\_p%' AND indexname LIKE 'ent\\_%')) AS indexes",
      );
      return { bytes: Number(r!.bytes), indexes: Number(r!.indexes) };
    } finally {
      await db.close();
    }
  }
  const db = new Database(path, { readonly: true });
  try {
    const one = (sql: string) => Object.values(db.query(sql).get() as Record<string, number>)[0]!;
    const bytes = (one("PRAGMA page_count") - one("PRAGMA freelist_count")) * one("PRAGMA page_size");
    const indexes = one("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entities'");
    return { bytes, indexes };
  } finally {
    db.close();
  }
}

async function overHttp(bin: string, dbPath: string, cases: HttpCase[], customers: string[], orders: string[]): Promise<void> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  const server = Bun.spawn([bin, "server", "--bind", `127.0.0.1:${port}`, "--db", dbPath], { stdout: "ignore", stderr: "ignore" });
  try {
    await waitHealthy(base, 60_000);
    console.log("\n-- over HTTP JSON-RPC (compiled binary; wrk, 1 connection, 3 s each: p50 / p99 ms)");
    const worst = { v: -1, at: "" };
    for (const c of cases) {
      // wrk counts a JSON-RPC error (HTTP 200) as a success: ask once first.
      const probe = (await (await fetch(`${base}/rpc`, { method: "POST", headers: { "content-type": "application/json" }, body: c.bodies[0] })).json()) as {
        error?: { message: string };
      };
      if (probe.error) {
        console.log(`${c.name.padEnd(56)} n/a (${probe.error.message.slice(0, 120)})`);
        continue;
      }
      const r = wrk(base, "/rpc", rpcLua(c.bodies), { connections: 1, seconds: 3 });
      if (!(r.rps > 0) || Number.isNaN(r.p99)) {
        console.log(`${c.name.padEnd(56)} no answer within 3 s`);
        if (c.target === 15) worst.v = Math.max(worst.v, 3000);
        continue;
      }
      console.log(
        `${c.name.padEnd(56)} ${`${ms(r.p50)} / ${ms(r.p99)}${r.p99 < c.target ? "" : " !"}`.padEnd(16)} target p99 < ${c.target} ms, ${Math.round(r.rps)} req/s`,
      );
      if (c.target === 15 && r.p99 > worst.v) {
        worst.v = r.p99;
        worst.at = c.name;
      }
    }
    recordWorst("grid: worst page over HTTP (1 connection), p99", worst, 15);
    // The issue's example at 50 connections (was 45 req/s on 100,000 products).
    const busy = wrk(base, "/rpc", rpcLua(cases[0]!.bodies), { connections: 50, seconds: 5 });
    record({
      name: "grid: status eq · amount desc page, 50 connections",
      value: busy.rps,
      unit: "req/s",
      note: `p50 ${ms(busy.p50)} ms, p99 ${ms(busy.p99)} ms`,
    });
    // The row cache serves single-record reads: the detail views of the records a grid
    // just showed (1,000 orders, read again and again), then the hit rate /health reports.
    const gets = wrk(
      base,
      "/rpc",
      rpcLua(orders.map((id, i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "getEntity", params: { app: APP, entity: "order", id } }))),
      { connections: 10, seconds: 3 },
    );
    console.log(
      `getEntity of ${orders.length.toLocaleString("en-US")} orders a grid showed, 10 connections: ${Math.round(gets.rps).toLocaleString("en-US")} req/s, p99 ${ms(gets.p99)} ms`,
    );
    const health = await (await fetch(`${base}/health`)).json();
    const rate = findKey(health, /hit.?rate/i);
    console.log(rate === undefined ? "row cache hit rate: not reported by /health" : `row cache hit rate (from /health): ${JSON.stringify(rate)}`);

    const create = wrk(
      base,
      "/rpc",
      rpcLua(
        Array.from({ length: 200 }, (_, i) =>
          JSON.stringify({
            jsonrpc: "2.0",
            id: i,
            method: "createEntity",
            params: {
              app: APP,
              entity: "order",
              data: {
                title: titleI(i, 21),
                code: `load ${i}`,
                amount: intI(5, 5000, i, 22),
                quantity: intI(1, 50, i, 23),
                ordered_on: dayI(i, 24),
                shipped_at: timeI(i, 25),
                status: pickI(STATUSES, i, 26),
                express: frac(i, 27) < 0.5,
                contact_email: `load${i}@example.com`,
                website: `https://example.org/p/${i}`,
                customer: pickI(customers, i, 28),
              },
            },
          }),
        ),
      ),
      { connections: 50, seconds: 8 },
    );
    record({
      name: "grid: createEntity over HTTP, 50 connections",
      value: create.rps,
      unit: "req/s",
      target: { op: ">=", value: 10_000 },
      note: `p99 ${ms(create.p99)} ms${create.errors ? `, ${create.errors} errors` : ""}`,
    });
  } finally {
    server.kill("SIGTERM");
    await server.exited;
  }
}

function findKey(v: unknown, re: RegExp): unknown {
  if (!v || typeof v !== "object") return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (re.test(k)) return x;
    const inner = findKey(x, re);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

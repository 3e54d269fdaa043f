// Full-text search on real SQLite files: `$search` answers the same with the FTS index as
// by the exact rule alone (and as the in-memory matcher), whatever the words hold, and the
// index stays in step through every write path, model change, crash and reopen.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TorqueError } from "../../lib/errors";
import { type CompiledEntity, compileModel } from "../../model/compile";
import { searchedFields } from "../../model/filter/grammar";
import { matches } from "../../model/filter/match";
import { parseFilter } from "../../model/filter/parse";
import type { Actor } from "../../services/actor";
import { purgeHiddenData } from "../../services/purge";
import { openTestServices, type TestServices as Services } from "../../services/testing";
import { exportApp, importApp } from "../../services/transfer";
import type { Driver, Param, Queryable } from "../driver";
import { migrateDown } from "../migrations";
import { openDatabase } from "../open";
import { scope } from "./columns";
import { filterSql } from "./filter";
import { fillPendingFts, ftsCandidates, ftsMatch, ftsRowid, ftsTarget, refillFts, syncFts } from "./fts";
import { insertRow } from "./rows";

const actor: Actor = { kind: "cli", id: "tester" };
const dir = mkdtempSync(join(tmpdir(), "torque-fts-"));
const opened: Services[] = [];
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;
const file = () => join(dir, `f${++n}.db`);
async function open(path = file()): Promise<Services> {
  const s = await openTestServices(path);
  opened.push(s);
  return s;
}

const MODEL = {
  name: "Shop",
  entities: [
    {
      name: "customer",
      fields: [
        { name: "name", type: "text" },
        { name: "email", type: "email" },
        { name: "site", type: "url" },
        { name: "notes", type: "longtext" },
        { name: "tier", type: "enum", values: ["gold", "silver"] },
        { name: "score", type: "integer" },
      ],
    },
    {
      name: "order",
      fields: [
        { name: "title", type: "text" },
        { name: "memo", type: "longtext" },
        { name: "customer", type: "reference", entity: "customer" },
        { name: "buyer", type: "reference", entity: "customer" },
      ],
    },
    { name: "counter", fields: [{ name: "n", type: "integer" }] },
  ],
  relationships: [
    { name: "customer_orders", from: "customer", to: "order", kind: "1:n", inverse: "customer", onDelete: "cascade" },
    { name: "customer_buys", from: "customer", to: "order", kind: "1:n", inverse: "buyer", onDelete: "setNull" },
  ],
};

async function shop(path?: string) {
  const s = await open(path);
  const m = await s.models.create(structuredClone(MODEL), actor);
  await s.apps.create(m.id, "shop", actor);
  return { s, modelId: m.id };
}

/** Mulberry32. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// Pieces that make FTS5 syntax, case and Unicode matter: quotes, operators, column filters,
// prefix stars, NEAR/AND/OR, parentheses, non-ASCII letters whose case FTS5 folds and the
// exact rule does not, characters above U+FFFF, NUL and control characters.
const PIECES = [
  "alpha",
  "Beta",
  "GAMMA",
  '"quoted"',
  'say "hi"',
  "x*",
  "*",
  "-minus",
  "col:val",
  "(paren",
  "paren)",
  "NEAR",
  "near(a b)",
  "AND",
  "OR",
  "NOT",
  "Äpfel",
  "äpfel",
  "straße",
  "İstanbul",
  "ÉCOLE",
  "école",
  "𝒜lpha",
  "😀smile",
  "a\u0000bc",
  "tab\there",
  "ab",
  "q",
  "123",
  "4567",
  "--",
  "''",
  "^start",
  "{x}",
];

function text(r: () => number): string {
  return Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, PIECES)).join(pick(r, [" ", "", "-", "\n"]));
}

function customerData(r: () => number): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (r() < 0.85) d.name = text(r);
  if (r() < 0.6) d.email = `${pick(r, ["ann", "Bob", "zoë", "x_y"])}${Math.floor(r() * 50)}@${pick(r, ["example.com", "Shop.org"])}`;
  if (r() < 0.4) d.site = `https://${pick(r, ["alpha", "beta", "ÄPFEL"])}.example/${pick(r, ["a", "q?x=1", "%41"])}`;
  if (r() < 0.5) d.notes = `${text(r)} ${text(r)}`;
  if (r() < 0.5) d.tier = pick(r, ["gold", "silver"]);
  if (r() < 0.5) d.score = Math.floor(r() * 1000);
  return d;
}

/** Search terms: pieces of the data, changed case, FTS syntax, 1–2 character words, several words. */
function term(r: () => number, texts: string[]): string {
  const words = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
    const roll = r();
    if (roll < 0.5) {
      const t = [...pick(r, texts)];
      const len = 1 + Math.floor(r() * 6);
      const at = Math.floor(r() * Math.max(1, t.length - len));
      const w = t.slice(at, at + len).join("");
      return r() < 0.3 ? w.toUpperCase() : w;
    }
    if (roll < 0.8) return pick(r, PIECES);
    return pick(r, ['"', '""', "*", "NEAR/2", "a:b", "(", ")", "-", "é", "É", "ß", "SS", "xyz", "zzzzzz", "e", "ple.c", "@example"]);
  });
  return words.join(pick(r, [" ", "  ", "\t"]));
}

async function ids(db: Driver, appId: number, ent: CompiledEntity, filter: unknown, withFts: boolean): Promise<string[]> {
  const params: Param[] = [];
  const where = filterSql(parseFilter(ent, filter), db.dialect, params, withFts ? appId : undefined);
  return (await db.all<{ id: string }>(`SELECT id FROM entities WHERE ${scope(appId, ent.name)} AND ${where} ORDER BY id`, params)).map((x) => x.id);
}

/** The ids the index alone proposes for some words (a superset of the answer). */
async function candidates(db: Driver, appId: number, ent: CompiledEntity, words: string[]): Promise<Set<string>> {
  const c = ftsCandidates(appId, ent.name, words, searchedFields(ent));
  if (!c) throw new Error(`no candidates for ${JSON.stringify(words)}`);
  return new Set((await db.all<{ id: string }>(`SELECT id FROM entities WHERE ${scope(appId, ent.name)} AND ${c.sql}`, c.params)).map((x) => x.id));
}

/**
 * The index of (app, type) holds exactly the type's rows (one id entry each, none pending),
 * and finds each row by words taken from its text-like fields now, not by text it no
 * longer has.
 */
async function expectInStep(s: Services, slug: string, type: string, gone: { id: string; word: string }[] = []) {
  const rt = await s.apps.runtime(slug);
  const ent = rt.model.entities.get(type)!;
  const t = await ftsTarget(s.db, rt.id, type);
  expect(t).toBeDefined();
  expect(t!.fields).toEqual(searchedFields(ent).map((f) => f.name));
  expect((await s.db.get<{ pending: number }>("SELECT pending FROM entity_fts WHERE app_id = ? AND type = ?", [rt.id, type]))!.pending).toBe(0);
  const rows = await s.db.all<{ id: string; data: string }>(`SELECT id, data FROM entities WHERE ${scope(rt.id, type)} ORDER BY id`);
  const mapped = await s.db.all<{ id: string }>(`SELECT id FROM ftsid${t!.name.slice(3)} ORDER BY id`);
  expect(mapped.map((m) => m.id)).toEqual(rows.map((r) => r.id));
  // The index holds one entry per mapped rowid, none other (no orphan of a rolled-back write, no duplicate).
  expect(
    await s.db.get(
      `SELECT (SELECT count(*) FROM ${t!.name}) AS entries, (SELECT count(*) FROM ${t!.name} f WHERE NOT EXISTS (SELECT 1 FROM ftsid${t!.name.slice(3)} i WHERE i.r = f.rowid)) AS orphans`,
    ),
  ).toEqual({ entries: rows.length, orphans: 0 });
  await s.db.run(`INSERT INTO ${t!.name} (${t!.name}, rank) VALUES ('integrity-check', 0)`);
  for (const r of rows) {
    const data = JSON.parse(r.data) as Record<string, unknown>;
    for (const f of t!.fields) {
      const v = data[f];
      if (typeof v !== "string" || [...v].length < 3 || !ftsMatch([v])) continue;
      const word = [...v].slice(-Math.min(5, [...v].length)).join("");
      if (!ftsMatch([word])) continue;
      expect({ id: r.id, word, found: (await candidates(s.db, rt.id, ent, [word])).has(r.id) }).toEqual({ id: r.id, word, found: true });
    }
  }
  for (const g of gone) expect({ ...g, found: (await candidates(s.db, rt.id, ent, [g.word])).has(g.id) }).toEqual({ ...g, found: false });
}

const tablesOf = async (db: Driver, appId: number) =>
  (
    await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE name LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' ORDER BY name", [
      `fts\\_${appId}\\_%`,
      `ftsid\\_${appId}\\_%`,
    ])
  ).map((r) => r.name);

describe("$search answers", () => {
  test("the same with the index, by the exact rule alone and in the matcher, over generated data and words", async () => {
    const { s } = await shop();
    const r = rng(99);
    await s.entities.insertMany(
      "shop",
      "customer",
      Array.from({ length: 300 }, () => customerData(r)),
      { actor },
    );
    const rt = await s.apps.runtime("shop");
    const ent = rt.model.entities.get("customer")!;
    const rows = (await s.entities.query("shop", "customer", { limit: 1000 })).data;
    const texts = rows.flatMap((x) => ["name", "email", "site", "notes"].map((f) => x.data[f]).filter((v): v is string => typeof v === "string"));
    const diffs: string[] = [];
    let narrowed = 0,
      nonTrivial = 0;
    for (let i = 0; i < 600; i++) {
      const t = term(r, texts);
      const f = r() < 0.8 ? { $search: t } : pick(r, [{ not: { $search: t } }, { or: [{ $search: t }, { tier: "gold" }] }, { $search: t, score: { gt: 500 } }]);
      const exact = await ids(s.db, rt.id, ent, f, false);
      const fast = await ids(s.db, rt.id, ent, f, true);
      const node = parseFilter(ent, f);
      const mem = rows
        .filter((x) => matches(node, x))
        .map((x) => x.id)
        .sort();
      if (exact.join() !== fast.join() || exact.join() !== mem.join())
        diffs.push(`${JSON.stringify(f)}: exact ${exact.length}, with index ${fast.length}, matcher ${mem.length}`);
      if (exact.length > 0 && exact.length < rows.length) nonTrivial++;
      const words = t.split(/\s+/).filter(Boolean);
      if (ftsCandidates(rt.id, "customer", words, searchedFields(ent))) narrowed++;
    }
    expect(diffs.slice(0, 10)).toEqual([]);
    expect(nonTrivial).toBeGreaterThan(250);
    expect(narrowed).toBeGreaterThan(300); // most terms have a word the index can take
    await expectInStep(s, "shop", "customer");
  }, 60_000);

  test("through the entity service: case folds A–Z only, FTS syntax is plain text, empty terms match all", async () => {
    const { s } = await shop();
    const mk = (name: string, notes?: string) => s.entities.create("shop", "customer", notes ? { name, notes } : { name }, { actor });
    const a = await mk('Say "NEAR" (alpha*) OR -beta: x');
    const b = await mk("Äpfel und Birnen", "École");
    const c = await mk("plain", "ann@example.com");
    const q = async (term: unknown) => (await s.entities.query("shop", "customer", { filter: { $search: term }, limit: 100 })).data.map((x) => x.id).sort();
    expect(await q('"near"')).toEqual([a.id]);
    expect(await q("(alpha* -beta:")).toEqual([a.id]);
    expect(await q("or near")).toEqual([a.id]);
    expect(await q("äpfel")).toEqual([]); // Ä is not folded (the contains rule)
    expect(await q("Äpfel BIRNEN")).toEqual([b.id]);
    expect(await q("école")).toEqual([]);
    expect(await q("École")).toEqual([b.id]);
    expect(await q("@EXAMPLE.com ann")).toEqual([c.id]);
    expect(await q("pl")).toEqual([c.id]); // a short word: the exact rule alone
    expect(await q("   ")).toEqual([a.id, b.id, c.id].sort());
    expect(await q("")).toEqual([a.id, b.id, c.id].sort());
    expect(await q("plain nothere")).toEqual([]);
    // A type without text-like fields: a search matches nothing.
    await s.entities.create("shop", "counter", { n: 1 }, { actor });
    expect((await s.entities.query("shop", "counter", { filter: { $search: "1" } })).data).toEqual([]);
    expect((await s.entities.query("shop", "counter", { filter: { $search: " " } })).data).toHaveLength(1);
  });

  test("bad terms are clear validation errors", async () => {
    const { s } = await shop();
    const err = async (filter: unknown) => {
      try {
        await s.entities.query("shop", "customer", { filter });
      } catch (e) {
        expect(e).toBeInstanceOf(TorqueError);
        return ((e as TorqueError).data as { field: string; message: string }[])[0]!;
      }
      throw new Error("expected a validation error");
    };
    expect(await err({ $search: 5 })).toMatchObject({ field: "filter.$search", message: expect.stringContaining("takes text") });
    expect(await err({ $search: Array.from({ length: 11 }, (_, i) => `w${i}`).join(" ") })).toMatchObject({
      message: expect.stringContaining("at most 10 words"),
    });
    expect(await err({ or: [{ $search: `ok ${"x".repeat(101)}` }] })).toMatchObject({
      field: "filter.or[0].$search",
      message: expect.stringContaining("word 2 is longer"),
    });
    expect(await err({ $search: "ok", search: "x" })).toMatchObject({ field: "filter.search", rule: "unknown" });
  });

  test("the FTS query quotes every trigram; words it cannot take are left to the exact rule", () => {
    expect(ftsMatch(["ab", "é"])).toBeNull();
    expect(ftsMatch(['a"b'])).toBe('"a""b"');
    expect(ftsMatch(["abcdefg"])).toBe('"abc" AND "def" AND "efg"');
    expect(ftsMatch(["near", "a\u0000bcd", "\ud800xyz"])).toBe('"nea" AND "ear"');
    expect(ftsMatch(["😀smile"])).toBe('"😀sm" AND "ile"');
  });
});

describe("the index stays in step", () => {
  test("create, update (text or not), delete, cascades, bulk and collisions", async () => {
    const { s } = await shop();
    const c1 = await s.entities.create("shop", "customer", { name: "Orchid Labs", notes: "first" }, { actor });
    const c2 = await s.entities.create("shop", "customer", { name: "Quartz Works" }, { actor });
    const o1 = await s.entities.create("shop", "order", { title: "Lantern order", customer: c1.id, buyer: c2.id }, { actor });
    const o2 = await s.entities.create("shop", "order", { title: "Kettle order", customer: c2.id, buyer: c1.id }, { actor });
    await s.entities.update("shop", "customer", c1.id, { name: "Juniper Labs" }, { actor });
    await s.entities.update("shop", "customer", c1.id, { score: 5 }, { actor }); // no text changed
    await s.entities.update("shop", "customer", c2.id, { notes: "moved to Zurich" }, { actor });
    await expectInStep(s, "shop", "customer", [{ id: c1.id, word: "Orchid" }]);
    // c1 goes: its order o1 is deleted (cascade), o2 loses its buyer (setNull, no text changed).
    await s.entities.delete("shop", "customer", c1.id, { actor });
    await expectInStep(s, "shop", "customer", [{ id: c1.id, word: "Juniper" }]);
    await expectInStep(s, "shop", "order", [{ id: o1.id, word: "Lantern" }]);
    expect((await s.entities.get("shop", "order", o2.id)).data.buyer).toBeUndefined();
    // Bulk, with ids that share a rowid (a UUIDv7's top 64 bits: time and counter).
    const a = "01a228f1-119e-750e-b3a1-88e1d23b46c4",
      b = "01a228f1-119e-750e-8000-000000000001",
      c = "01a228f1-119e-750e-9000-000000000002";
    expect(ftsRowid(a)).toBe(ftsRowid(b));
    await s.entities.insertMany("shop", "customer", [{ name: "Collide one" }, { name: "Collide two" }, { name: "Collide three" }], { actor, ids: [a, b, c] });
    await s.entities.insertMany(
      "shop",
      "order",
      Array.from({ length: 500 }, (_, i) => ({ title: `Bulk order ${i}`, memo: i % 2 ? "odd" : "even", customer: c2.id })),
      { actor },
    );
    await expectInStep(s, "shop", "customer");
    await expectInStep(s, "shop", "order");
    await s.entities.delete("shop", "customer", a, { actor });
    await s.entities.update("shop", "customer", c, { name: "Renamed three" }, { actor });
    await expectInStep(s, "shop", "customer", [
      { id: a, word: "one" },
      { id: c, word: "Collide" },
    ]);
    await s.entities.delete("shop", "customer", b, { actor });
    await s.entities.delete("shop", "customer", c, { actor });
    await expectInStep(s, "shop", "customer", [{ id: b, word: "two" }]);
    // More ids sharing one rowid than the nibble slots hold (chosen on import): every one is indexed.
    const crowd = Array.from({ length: 40 }, (_, i) => `01a228f1-119e-750e-a000-${String(i).padStart(12, "0")}`);
    await s.entities.insertMany(
      "shop",
      "customer",
      crowd.slice(0, 20).map((_, i) => ({ name: `Crowd ${i}` })),
      { actor, ids: crowd.slice(0, 20) },
    );
    await s.entities.insertMany(
      "shop",
      "customer",
      crowd.slice(20).map((_, i) => ({ name: `Crowd ${20 + i}` })),
      { actor, ids: crowd.slice(20) },
    );
    expect((await s.entities.query("shop", "customer", { filter: { $search: "crowd" }, limit: 100 })).data.length).toBe(40);
    for (const id of crowd.slice(0, 30)) await s.entities.delete("shop", "customer", id, { actor });
    await expectInStep(s, "shop", "customer", [{ id: crowd[0]!, word: "Crowd" }]);
    // After VACUUM (which may renumber the entities table's rowids), writes still find their entries.
    await s.db.exec("VACUUM");
    await s.entities.delete("shop", "customer", c2.id, { actor }); // cascades to every order
    await expectInStep(s, "shop", "customer");
    await expectInStep(s, "shop", "order");
    expect((await s.entities.query("shop", "order", { limit: 1 })).data).toEqual([]);
  });

  test("model changes: fields added, removed, renamed, retyped; types removed and purged; app import and deletion", async () => {
    const { s, modelId } = await shop();
    const c = await s.entities.create("shop", "customer", { name: "Saffron", notes: "spice", score: 7 }, { actor });
    const o = await s.entities.create("shop", "order", { title: "Pepper", memo: "hot" }, { actor });
    const rt0 = await s.apps.runtime("shop");
    const before = await tablesOf(s.db, rt0.id);
    const doc = structuredClone(MODEL) as any;
    // customer: notes removed, name renamed to label (its stored values stay hidden), score becomes text.
    doc.entities[0].fields = [
      { name: "label", type: "text" },
      { name: "email", type: "email" },
      { name: "site", type: "url" },
      { name: "tier", type: "enum", values: ["gold", "silver"] },
      { name: "score", type: "text" },
    ];
    await s.models.save(modelId, doc, actor);
    await expectInStep(s, "shop", "customer", [{ id: c.id, word: "Saffron" }]);
    const rt = await s.apps.runtime("shop");
    const ent = rt.model.entities.get("customer")!;
    // score holds the number 7, which SQL reads as the text "7": found by the exact rule, like contains.
    expect(await ids(s.db, rt.id, ent, { $search: "7" }, true)).toEqual([c.id]);
    await s.entities.update("shop", "customer", c.id, { label: "Cumin", score: "seven" }, { actor });
    expect(await ids(s.db, rt.id, ent, { $search: "cumin seven" }, true)).toEqual([c.id]);
    // notes comes back: its hidden value is searchable again.
    doc.entities[0].fields.push({ name: "notes", type: "longtext" });
    await s.models.save(modelId, doc, actor);
    await expectInStep(s, "shop", "customer");
    expect(await ids(s.db, rt.id, (await s.apps.runtime("shop")).model.entities.get("customer")!, { $search: "spice" }, true)).toEqual([c.id]);
    // order removed from the model: its table goes; purge deletes its rows.
    doc.entities.splice(1, 1);
    doc.relationships = [];
    await s.models.save(modelId, doc, actor);
    expect(await s.db.get("SELECT 1 AS x FROM entity_fts WHERE app_id = ? AND type = 'order'", [rt.id])).toBeUndefined();
    expect(await purgeHiddenData(s, "shop", actor)).toMatchObject({ recordsDeleted: { order: 1 } });
    await expectInStep(s, "shop", "customer");
    // Only the tables of the current model are left (the old ones and their id maps dropped).
    const now = await tablesOf(s.db, rt.id);
    const t = (await ftsTarget(s.db, rt.id, "customer"))!;
    expect(now.filter((x) => !x.startsWith(`${t.name}_`))).toEqual([t.name, `ftsid${t.name.slice(3)}`].sort());
    expect(before.length).toBeGreaterThan(0);
    // Export, import as a copy (new ids), delete the original app: the copy's index is whole, the original's gone.
    const file = await exportApp(s, "shop");
    await importApp(s, "shop-copy", file, actor);
    await expectInStep(s, "shop-copy", "customer");
    const copyId = (await s.apps.runtime("shop-copy")).id;
    const copy = (await s.entities.query("shop-copy", "customer", { filter: { $search: "cumin" } })).data;
    expect(copy).toHaveLength(1);
    await s.apps.delete("shop", actor);
    expect(await tablesOf(s.db, rt.id)).toEqual([]);
    expect(await s.db.get("SELECT 1 AS x FROM entity_fts WHERE app_id = ?", [rt.id])).toBeUndefined();
    expect((await tablesOf(s.db, copyId)).length).toBeGreaterThan(0);
    void o;
  });

  test("a process killed after a model save, before the fill, is repaired at the next open", async () => {
    const path = file();
    const { s, modelId } = await shop(path);
    await s.entities.insertMany(
      "shop",
      "customer",
      Array.from({ length: 1200 }, (_, i) => ({ name: `Customer ${i}`, notes: `note ${i % 7}` })),
      { actor },
    );
    await s.close();
    const doc = structuredClone(MODEL) as any;
    doc.entities[0].fields.push({ name: "alias", type: "text" });
    const child = Bun.spawn(
      [
        process.execPath,
        "-e",
        `const { openServices } = await import(${JSON.stringify(join(import.meta.dir, "../../services/index.ts"))});
         const s = await openServices(${JSON.stringify(path)});
         // Dies right after the save commits (change events run before the fill).
         s.events.on("modelChanged", () => process.kill(process.pid, "SIGKILL"));
         await s.models.save(${JSON.stringify(modelId)}, ${JSON.stringify(doc)}, { kind: "cli", id: "child" });
         console.log("not killed");`,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    expect(await child.exited).not.toBe(0);
    expect(child.signalCode).toBe("SIGKILL");
    // The new table exists, recorded as pending (a read-only look, no repair).
    const raw = await openDatabase(path, { migrate: false });
    expect(await raw.get<{ pending: number }>("SELECT pending FROM entity_fts WHERE type = 'customer'")).toEqual({ pending: 1 });
    await raw.close();
    const s2 = await open(path); // opening repairs
    await expectInStep(s2, "shop", "customer");
    expect((await s2.entities.query("shop", "customer", { filter: { $search: "customer 1199" } })).data).toHaveLength(1);
    // A fill that ran again (its mark left set by a crash at the very end) changes nothing.
    const rt = await s2.apps.runtime("shop");
    await s2.db.transaction((tx) => tx.run("UPDATE entity_fts SET pending = 1 WHERE app_id = ?", [rt.id]));
    // Pending: answers come from the exact rule (every row is a candidate), still right.
    const ent = rt.model.entities.get("customer")!;
    expect(await ids(s2.db, rt.id, ent, { $search: "customer 1199" }, true)).toHaveLength(1);
    await s2.close();
    const s3 = await open(path);
    await expectInStep(s3, "shop", "customer");
  }, 30_000);

  test("a database from before full-text search gets its tables at the first open", async () => {
    const path = file();
    const { s } = await shop(path);
    await s.entities.create("shop", "customer", { name: "Old timer" }, { actor });
    const rt = await s.apps.runtime("shop");
    await s.close();
    // Back to schema version 4 (later migrations reverted), then rows written by that version.
    const db = await openDatabase(path, { migrate: false });
    while ((await db.get<{ v: number }>("SELECT max(version) AS v FROM schema_migrations"))!.v >= 5) await migrateDown(db);
    await db.transaction((tx) =>
      tx.run("INSERT INTO entities (id, app_id, type, data, version, created_at, updated_at) VALUES (?, ?, 'customer', ?, 1, 'x', 'x')", [
        Bun.randomUUIDv7(),
        rt.id,
        JSON.stringify({ name: "Written by v4" }),
      ]),
    );
    expect((await tablesOf(db, rt.id)).length).toBeGreaterThan(0); // left behind by the downgrade, stale
    await db.close();
    const s2 = await open(path);
    await expectInStep(s2, "shop", "customer");
    expect((await s2.entities.query("shop", "customer", { filter: { $search: "written timer" } })).data).toHaveLength(0);
    expect((await s2.entities.query("shop", "customer", { filter: { $search: "written v4" } })).data).toHaveLength(1);
  });

  test("a bulk load that defers the index: pending while it runs, whole after the fill, answers equal to the exact rule throughout", async () => {
    const { s } = await shop();
    const rt = await s.apps.runtime("shop");
    const ent = rt.model.entities.get("customer")!;
    const r = rng(7);
    const pending = async () =>
      (await s.db.get<{ pending: number }>("SELECT pending FROM entity_fts WHERE app_id = ? AND type = 'customer'", [rt.id]))!.pending;
    const same = async (n: number) => {
      const texts = (await s.db.all<{ data: string }>(`SELECT data FROM entities WHERE ${scope(rt.id, "customer")}`)).flatMap((x) =>
        Object.values(JSON.parse(x.data) as Record<string, unknown>).filter((v): v is string => typeof v === "string"),
      );
      const diffs: string[] = [];
      for (let i = 0; i < n; i++) {
        const f = { $search: term(r, texts) };
        const exact = await ids(s.db, rt.id, ent, f, false);
        const fast = await ids(s.db, rt.id, ent, f, true);
        if (exact.join() !== fast.join()) diffs.push(`${JSON.stringify(f)}: exact ${exact.length}, with index ${fast.length}`);
      }
      expect(diffs.slice(0, 5)).toEqual([]);
    };
    // Rows from before the load, indexed as they were written.
    const early = await s.entities.insertMany(
      "shop",
      "customer",
      Array.from({ length: 150 }, () => customerData(r)),
      { actor },
    );
    const load = (n: number) =>
      s.entities.insertMany(
        "shop",
        "customer",
        Array.from({ length: n }, () => customerData(r)),
        { actor, deferFts: true },
      );
    await load(400);
    expect(await pending()).toBe(1);
    const mapped = async () =>
      (await s.db.get<{ n: number }>(`SELECT count(*) AS n FROM ftsid${(await ftsTarget(s.db, rt.id, "customer"))!.name.slice(3)}`))!.n;
    expect(await mapped()).toBe(150); // the load wrote no entries
    await same(100); // pending: every row is a candidate, the exact rule decides
    // A writer meanwhile indexes its row as always, and the fill leaves that entry alone.
    const single = await s.entities.create("shop", "customer", { name: "Written during the load" }, { actor });
    // Another process's fill (an open) may finish before the load does: the next batch marks the table again.
    expect(await fillPendingFts(s.db)).toHaveLength(1);
    expect(await pending()).toBe(0);
    await load(300);
    expect(await pending()).toBe(1);
    // The fill at the end: several transactions (batches of 250), rows indexed already skipped.
    await refillFts(s.db, rt.id, "customer", 250);
    await expectInStep(s, "shop", "customer");
    await same(300);
    expect((await s.entities.query("shop", "customer", { filter: { $search: "during the load" } })).data.map((x) => x.id)).toEqual([single.id]);
    expect(early.ids).toHaveLength(150);
  }, 60_000);

  test("writes grouped in one commit: entries written at its end, a unit that fails leaves none, a model change in the group is no failure", async () => {
    const { s, modelId } = await shop();
    const rt = await s.apps.runtime("shop");
    const made = await Promise.all(
      Array.from({ length: 60 }, (_, i) => s.entities.create("shop", "customer", { name: `Grouped customer ${i}`, notes: `batch ${i % 3}` }, { actor })),
    );
    await Promise.all([
      ...made.slice(0, 20).map((c, i) => s.entities.update("shop", "customer", c.id, { name: `Renamed customer ${i}` }, { actor })),
      ...made.slice(20, 30).map((c) => s.entities.update("shop", "customer", c.id, { score: 3 }, { actor })),
      ...made.slice(30, 40).map((c) => s.entities.delete("shop", "customer", c.id, { actor })),
    ]);
    await expectInStep(s, "shop", "customer", [
      { id: made[0]!.id, word: "Grouped" },
      { id: made[30]!.id, word: "Grouped" },
    ]);
    // Units queued together run as one group (driver.ts). One fails after writing its row
    // and entry: both go; its neighbours' stay.
    const now = new Date().toISOString();
    const row = (name: string) => ({ id: Bun.randomUUIDv7(), data: JSON.stringify({ name }) });
    const [a, b, c] = [row("Before the failure"), row("Failed unit"), row("After the failure")];
    const put = (x: { id: string; data: string }) => (tx: Queryable) => insertRow(tx, rt.id, "customer", x.id, x.data, now);
    const outcomes = await Promise.allSettled([
      s.db.transaction(put(a)),
      s.db.transaction(async (tx) => {
        await put(b)(tx);
        throw new Error("fails after its writes");
      }),
      s.db.transaction(put(c)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    await expectInStep(s, "shop", "customer", [{ id: b.id, word: "Failed" }]);
    // A unit that changes the tables (a model change) and then fails: the next unit writes the table that is still current.
    const doc = structuredClone(MODEL) as any;
    doc.entities[0].fields.push({ name: "alias", type: "text" });
    const next = compileModel(modelId, 99, doc);
    const d = row("After a failed change");
    const undone = await Promise.allSettled([
      s.db.transaction(async (tx) => {
        await syncFts(tx, rt.id, next);
        await put(row("Written to the new table"))(tx);
        throw new Error("the save fails");
      }),
      s.db.transaction(put(d)),
    ]);
    expect(undone.map((o) => o.status)).toEqual(["rejected", "fulfilled"]);
    await expectInStep(s, "shop", "customer");
    // A model change after units that wrote to the table it drops: their entries go with it, the group commits.
    const e = row("Before the change");
    await Promise.all([s.db.transaction(put(e)), s.db.transaction((tx) => syncFts(tx, rt.id, next)), s.db.transaction(put(row("After the change")))]);
    await s.models.save(modelId, doc, actor); // the tables match it already
    await fillPendingFts(s.db);
    await expectInStep(s, "shop", "customer");
    expect((await s.entities.query("shop", "customer", { filter: { $search: "the change" } })).data).toHaveLength(2);
  }, 60_000);
});

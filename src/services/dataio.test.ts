// CSV export and import of one entity type (services/dataio.ts) on a real SQLite file:
// formula-looking cells are neutralised, numbers stay numbers, the header follows the
// model, and an exported file imports back to the same data.
import { describe, expect, test } from "bun:test";
import Papa from "papaparse";
import type { Actor } from "./actor";
import { escapeCell, unescapeCell } from "./dataio";
import { failure, issues, testServices } from "./entities/test-kit";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-dataio-", actor);

const MODEL = {
  name: "Sheet",
  entities: [
    {
      name: "row",
      fields: [
        { name: "title", type: "text" },
        { name: "amount", type: "number" },
        { name: "qty", type: "integer" },
        { name: "tags", type: "multienum", values: ["-neg", "=eq", "plain"] },
        { name: "kind", type: "enum", values: ["+plus", "a"] },
        { name: "meta", type: "json" },
        { name: "doc", type: "file" },
        { name: "ok", type: "boolean" },
        { name: "day", type: "date" },
        { name: "note", type: "longtext" },
      ],
    },
  ],
};

const HOSTILE = [
  '=HYPERLINK("http://evil","x")',
  "+1+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(A1)",
  "\tTAB",
  "\rCR",
  "'=already quoted",
  "''two",
  "'plain apostrophe",
  "plain",
];

describe("CSV export", () => {
  test("cells a spreadsheet would run as formulas get a leading apostrophe; numbers like -5 stay numbers", async () => {
    const s = await fresh(MODEL, "a");
    for (const [i, t] of HOSTILE.entries())
      await s.entities.create("a", "row", { title: t, amount: -5.5, qty: -3, note: i % 2 ? "=1+1" : undefined }, { actor });
    const out = await s.data.exportEntities("a", "row", { format: "csv", sort: "createdAt" });
    const parsed = Papa.parse<Record<string, string>>(out.data as string, { header: true }).data.filter((r) => r.id);
    expect(parsed.map((r) => r.title)).toEqual([
      '\'=HYPERLINK("http://evil","x")',
      "'+1+cmd|' /C calc'!A0",
      "'-2+3",
      "'@SUM(A1)",
      "'\tTAB",
      "'\rCR",
      "''=already quoted",
      "'''two",
      "'plain apostrophe",
      "plain",
    ]);
    for (const r of parsed) {
      expect(r.amount).toBe("-5.5");
      expect(r.qty).toBe("-3");
      expect(/^[=+\-@\t\r]/.test(r.title!) || /^[=+\-@\t\r]/.test(r.note!)).toBe(false);
    }
    expect(parsed.filter((r) => r.note).every((r) => r.note === "'=1+1")).toBe(true);
  });

  test("the header is the model's fields in model order, whatever the rows hold, also with no rows", async () => {
    const s = await fresh(MODEL, "a");
    const header = ["id", "title", "amount", "qty", "tags", "kind", "meta", "doc", "ok", "day", "note", "version", "createdAt", "updatedAt"];
    const empty = await s.data.exportEntities("a", "row", { format: "csv" });
    expect((empty.data as string).split(/\r?\n/)[0]!.split(",")).toEqual(header);
    await s.entities.create("a", "row", { note: "only a note" }, { actor });
    await s.entities.create("a", "row", { qty: 2 }, { actor });
    const out = await s.data.exportEntities("a", "row", { format: "csv" });
    expect((out.data as string).split(/\r?\n/)[0]!.split(",")).toEqual(header);
    // A projection keeps the fields asked for, in that order.
    const some = await s.data.exportEntities("a", "row", { format: "csv", fields: ["qty", "title"] });
    expect((some.data as string).split(/\r?\n/)[0]).toBe("id,qty,title,version,createdAt,updatedAt");
  });

  test("an exported file imports back to the same data, every field type included", async () => {
    const s = await fresh(MODEL, "a");
    const m = await s.models.create(structuredClone(MODEL), actor);
    await s.apps.create(m.id, "b", actor);
    const inputs = [
      ...HOSTILE.map((title, i) => ({ title, note: HOSTILE[(i + 3) % HOSTILE.length], amount: -5, qty: -1 })),
      {
        title: "all",
        amount: 0.25,
        qty: 7,
        tags: ["-neg", "=eq"],
        kind: "+plus",
        meta: { a: [1, "=x"] },
        doc: { name: "r.pdf", url: "https://x.example/r.pdf", size: 3 },
        ok: false,
        day: "2024-02-29",
      },
      { meta: "-just text" },
      { meta: -5 },
      { meta: [-1, "@"] },
      { tags: ["plain"], kind: "a", ok: true },
    ];
    for (const d of inputs) await s.entities.create("a", "row", d, { actor });
    const csv = (await s.data.exportEntities("a", "row", { format: "csv", sort: "createdAt" })).data as string;
    const r = await s.data.bulkImport("b", "row", { format: "csv", data: csv }, actor);
    expect(r.inserted).toBe(inputs.length);
    const data = async (app: string) => (await s.entities.query(app, "row", { sort: "createdAt", limit: 100 })).data.map((x) => x.data);
    const a = await data("a"),
      b = await data("b");
    expect(b).toHaveLength(a.length);
    // Imported rows are new records (same order of creation within one transaction is not promised): compare as sets.
    const key = (d: unknown) => JSON.stringify(d);
    expect(b.map(key).sort()).toEqual(a.map(key).sort());
  });

  test("escaping is reversible for any text, and only touches what needs it", () => {
    for (const t of [...HOSTILE, "", "'", "''", "'a", "a=b", "-", "=", "'-", "\t", "x\n=y"]) expect(unescapeCell(escapeCell(t))).toBe(t);
    expect(escapeCell("hello")).toBe("hello");
    expect(escapeCell("'hello")).toBe("'hello");
    expect(escapeCell("-5")).toBe("'-5");
  });
});

describe("bulk import dry run", () => {
  const SHOP = {
    name: "Shop",
    entities: [
      { name: "maker", fields: [{ name: "name", type: "text", required: true }] },
      {
        name: "item",
        fields: [
          { name: "sku", type: "text", required: true, unique: true },
          { name: "qty", type: "integer", min: 0, max: 5 },
          { name: "maker", type: "reference", entity: "maker" },
        ],
      },
    ],
  };
  const count = async (s: Awaited<ReturnType<typeof fresh>>, table: "entities" | "audit_log") =>
    (await s.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;

  test("checks every row and writes nothing (no rows, audit entries, change events or hooks); the real import after it works", async () => {
    const s = await fresh(SHOP, "a");
    const maker = await s.entities.create("a", "maker", { name: "Acme" }, { actor });
    const heard: string[] = [];
    const offs = [
      s.events.on("entityChanged", (e) => void heard.push(`event ${e.id}`)),
      s.entities.hooks.on("beforeCreate", () => void heard.push("beforeCreate")),
      s.entities.hooks.on("afterCreate", () => void heard.push("afterCreate")),
    ];
    const before = { rows: await count(s, "entities"), audit: await count(s, "audit_log") };
    const csv = `sku,qty,maker\nA-1,1,${maker.id}\nA-2,,\n"A-3",5,${maker.id}\n`;
    expect(await s.data.bulkImport("a", "item", { data: csv, dryRun: true }, actor)).toEqual({ inserted: 0, wouldInsert: 3, ids: [], dryRun: true });
    const json = await s.data.bulkImport("a", "item", { format: "json", data: [{ sku: "J-1", qty: 2 }], dryRun: true }, actor);
    expect(json).toEqual({ inserted: 0, wouldInsert: 1, ids: [], dryRun: true });
    expect(await count(s, "entities")).toBe(before.rows);
    expect(await count(s, "audit_log")).toBe(before.audit);
    expect(heard).toEqual([]);
    // The rows it checked import for real: nothing of the dry run is left to clash with.
    const real = await s.data.bulkImport("a", "item", { data: csv }, actor);
    expect(real.inserted).toBe(3);
    expect(real.dryRun).toBeUndefined();
    expect(await count(s, "entities")).toBe(before.rows + 3);
    expect(heard.filter((h) => h.startsWith("event"))).toHaveLength(3);
    for (const off of offs) off();
  });

  test("reports every bad row at once, counted from the first data row: field rules, missing references, each unique clash", async () => {
    const s = await fresh(SHOP, "a");
    await s.data.bulkImport("a", "item", { data: "sku\nTAKEN\n" }, actor);
    const csv = ["sku,qty,maker", "ok-1,1,", "ok-2,9,", ",2,", "TAKEN,1,", "dup,1,", "dup,1,", "ok-3,1,nobody"].join("\n");
    const err = await failure(s.data.bulkImport("a", "item", { data: csv, dryRun: true }, actor));
    expect(err.code).toBe("validation");
    expect(err.message).toContain("row 1 is the first data row");
    expect(issues(err).map((i) => [i.row, i.field, i.rule])).toEqual([
      [2, "qty", "max"],
      [3, "sku", "required"],
      [4, "sku", "unique"],
      [6, "sku", "unique"],
      [7, "maker", "reference"],
    ]);
    expect(await count(s, "entities")).toBe(1);
  });

  test("refuses what a real import refuses, with the same issues", async () => {
    const s = await fresh(SHOP, "a");
    const csv = "sku,qty\nx,-1\n,3\ny,many\n";
    const dry = await failure(s.data.bulkImport("a", "item", { data: csv, dryRun: true }, actor));
    const real = await failure(s.data.bulkImport("a", "item", { data: csv }, actor));
    expect(issues(dry)).toEqual(issues(real));
    expect(dry.message).toBe(real.message);
    expect(issues(dry).map((i) => i.row)).toEqual([1, 2, 3]);
  });

  test("hostile input: over 100,000 rows is refused with the limit named, a __proto__ column or key is refused", async () => {
    const s = await fresh(SHOP, "a");
    const big = `sku\n${Array.from({ length: 100_001 }, (_, i) => `s${i}`).join("\n")}\n`;
    for (const dryRun of [true, false]) {
      const e = await failure(s.data.bulkImport("a", "item", { data: big, dryRun }, actor));
      expect(e.code).toBe("bad_request");
      expect(e.message).toBe("at most 100000 rows per import (got 100001); split the file");
      const proto = await failure(s.data.bulkImport("a", "item", { data: "__proto__,sku\nx,y\n", dryRun }, actor));
      expect(issues(proto)).toEqual([{ field: "__proto__", rule: "unknown", message: 'item has no field "__proto__"' }]);
      const key = await failure(
        s.data.bulkImport("a", "item", { format: "json", data: JSON.parse('[{"sku":"k","__proto__":{"admin":true}}]'), dryRun }, actor),
      );
      expect(issues(key).map((i) => [i.row, i.field])).toEqual([[1, "__proto__"]]);
    }
    expect(await count(s, "entities")).toBe(0);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

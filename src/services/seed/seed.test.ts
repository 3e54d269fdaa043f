// Seeding conformance on real SQLite files: every field type with every option it takes
// (lengths, patterns, ranges, options, item counts, required, unique, indexed, defaults,
// references plain, required, unique and to the own type) is seeded, and every seeded
// row must pass the model; plus the rules a seed checks before it writes anything.
import { describe, expect, test } from "bun:test";
import { fieldKinds } from "../../model/fields/registry";
import type { Field, FieldType } from "../../model/schema";
import type { Actor } from "../actor";
import { normaliseData } from "../entities/data";
import { failure, testServices } from "../entities/test-kit";
import type { TestServices as Services } from "../testing";
import { seedApp } from "./seed";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-seed-", actor);

const V = ["red", "green", "blue", "amber"];
/** Option sets per field type: every option the type takes, alone and combined with required/unique/indexed/default. */
const VARIANTS: Record<FieldType, Partial<Field>[]> = {
  text: [
    {},
    { required: true },
    { minLength: 25 },
    { maxLength: 4 },
    { minLength: 3, maxLength: 6, required: true },
    { indexed: true, default: "x" },
    { pattern: "^[A-Z]{2}-\\d{4}$" },
    { pattern: "^[A-Z]{3}-[0-9]{4}$", unique: true, required: true },
    { pattern: "^[a-z]+$", minLength: 12, maxLength: 14, required: true },
    { pattern: "^(foo|bar)_[0-9]{3}$", unique: true },
    { pattern: "ok" },
    { unique: true },
    { unique: true, maxLength: 3, required: true },
    { unique: true, minLength: 30 },
    { unique: true, minLength: 2, maxLength: 8 },
  ],
  longtext: [{}, { required: true }, { minLength: 120 }, { maxLength: 10 }, { pattern: "^Note: .+$" }, { default: "n/a" }],
  email: [
    {},
    { required: true },
    { unique: true },
    { unique: true, required: true, maxLength: 16 },
    { pattern: "^[a-z]+@acme\\.com$", unique: true },
    { minLength: 40 },
    { indexed: true },
  ],
  url: [{}, { unique: true }, { pattern: "^https://shop\\.example\\.com/p/[0-9]{1,6}$", required: true }, { unique: true, maxLength: 20 }, { minLength: 60 }],
  integer: [
    {},
    { required: true },
    { min: 10, max: 20 },
    { min: -5, max: -1, required: true },
    { unique: true },
    { unique: true, min: 1, max: 400 },
    { unique: true, max: 0 },
    { unique: true, min: 100 },
    { default: 7 },
    { indexed: true, min: 0 },
  ],
  number: [
    {},
    { min: 0.5, max: 0.75 },
    { unique: true, min: 0, max: 10 },
    { unique: true },
    { min: -10, max: -9.5, required: true },
    { unique: true, max: -1 },
  ],
  boolean: [{}, { required: true }, { default: true }, { unique: true }],
  date: [{}, { unique: true }, { required: true, unique: true }, { default: "now" }, { indexed: true }],
  datetime: [{}, { unique: true, required: true }, { default: "now" }],
  enum: [{ values: V }, { values: V, required: true }, { values: V, unique: true }, { values: V, default: "blue" }, { values: ["only"], required: true }],
  multienum: [
    { values: V },
    { values: V, minLength: 2 },
    { values: V, maxLength: 1 },
    { values: V, minLength: 2, maxLength: 2, required: true },
    { values: V, minLength: 4 },
  ],
  json: [{}, { required: true }],
  file: [{}, { required: true }],
  reference: [{ entity: "parent" }, { entity: "parent", required: true }, { entity: "parent", unique: true }, { entity: "thing" }],
};

function conformanceModel() {
  const fields: Field[] = [];
  for (const type of Object.keys(fieldKinds) as FieldType[]) VARIANTS[type].forEach((opts, i) => fields.push({ name: `${type}_${i}`, type, ...opts } as Field));
  return {
    name: "Conformance",
    entities: [
      { name: "parent", fields: [{ name: "name", type: "text", required: true, unique: true }] },
      { name: "thing", fields },
    ],
  };
}

async function all(s: Services, app: string, type: string) {
  const out = [];
  let cursor: string | null = null;
  do {
    const page = await s.entities.query(app, type, { limit: 1000, cursor });
    out.push(...page.data);
    cursor = page.pagination.nextCursor;
  } while (cursor);
  return out;
}

describe("seeding conformance", () => {
  test("every field type with every option: each seeded row passes the model, unique values are unique, references exist", async () => {
    const model = conformanceModel();
    const s = await fresh(model, "c");
    const counts = { parent: 500, thing: 400 };
    expect(await seedApp(s, "c", { count: 0, counts, seed: 11, actor, batchSize: 150 })).toEqual(counts);
    const rt = await s.apps.runtime("c");
    const ent = rt.model.entities.get("thing")!;
    const rows = await all(s, "c", "thing");
    expect(rows).toHaveLength(400);
    const parents = new Set((await all(s, "c", "parent")).map((r) => r.id));
    const things = new Set(rows.map((r) => r.id));
    const now = new Date().toISOString();
    for (const r of rows) expect({ id: r.id, issues: normaliseData(ent, r.data, undefined, false, now).issues }).toEqual({ id: r.id, issues: [] });
    for (const f of ent.def.fields) {
      const values = rows.map((r) => r.data[f.name]).filter((v) => v !== undefined);
      if (f.required) expect({ field: f.name, filled: values.length }).toEqual({ field: f.name, filled: 400 });
      if (f.unique) expect({ field: f.name, distinct: new Set(values.map((v) => JSON.stringify(v))).size }).toEqual({ field: f.name, distinct: values.length });
      if (f.type === "reference") for (const v of values) expect((f.entity === "parent" ? parents : things).has(v as string)).toBe(true);
      // Rules are met by real values, not by leaving fields out: optional ones are mostly filled.
      if (f.unique && f.type !== "enum" && f.type !== "boolean")
        expect({ field: f.name, filled: values.length >= 300 }).toEqual({ field: f.name, filled: true });
    }
    // A unique optional field with few options fills every option once, then stays empty.
    expect(
      rows
        .filter((r) => r.data.enum_2 !== undefined)
        .map((r) => r.data.enum_2)
        .sort(),
    ).toEqual([...V].sort());
    expect(rows.filter((r) => r.data.boolean_3 !== undefined)).toHaveLength(2);
  });

  test("a required unique text field with a pattern is seeded with matching, distinct values", async () => {
    const s = await fresh(
      { name: "Codes", entities: [{ name: "sku", fields: [{ name: "code", type: "text", required: true, unique: true, pattern: "^[A-Z]{3}-[0-9]{4}$" }] }] },
      "k",
    );
    await seedApp(s, "k", { count: 5000, seed: 3, actor });
    const codes = (await all(s, "k", "sku")).map((r) => r.data.code as string);
    expect(codes).toHaveLength(5000);
    expect(codes.every((c) => /^[A-Z]{3}-[0-9]{4}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBe(5000);
  });

  test("values that clash with data entered before the seed are made again, not refused", async () => {
    const doc = {
      name: "Pre",
      entities: [
        {
          name: "item",
          fields: [
            { name: "n", type: "integer", unique: true, min: 1, required: true },
            { name: "tag", type: "enum", values: ["a", "b", "c"], unique: true },
          ],
        },
      ],
    };
    const s = await fresh(doc, "p");
    for (const n of [3, 4, 10]) await s.entities.create("p", "item", { n, ...(n === 3 && { tag: "b" }) }, { actor });
    await seedApp(s, "p", { count: 20, seed: 1, actor, batchSize: 7 });
    const rows = await all(s, "p", "item");
    expect(rows).toHaveLength(23);
    expect(new Set(rows.map((r) => r.data.n)).size).toBe(23);
    expect(
      rows
        .filter((r) => r.data.tag !== undefined)
        .map((r) => r.data.tag)
        .sort(),
    ).toEqual(["a", "b", "c"]);
  });

  test("the same seed gives the same data, patterned values included", async () => {
    const doc = {
      name: "Same",
      entities: [
        {
          name: "x",
          fields: [
            { name: "code", type: "text", pattern: "^[a-z]{4}\\d{2}$", unique: true },
            { name: "mail", type: "email", pattern: "^[a-z]+@acme\\.com$" },
          ],
        },
      ],
    };
    const data = async () => {
      const s = await fresh(doc, "s");
      await seedApp(s, "s", { count: 50, seed: 99, actor });
      return (await s.entities.query("s", "x", { sort: "code", limit: 100 })).data.map((r) => r.data);
    };
    expect(await data()).toEqual(await data());
  });
});

describe("a seed that could only fail part-way is refused before it writes", () => {
  const count = async (s: Services, _app: string) => (await s.db.get<{ n: number }>("SELECT count(*) AS n FROM entities"))!.n;

  test("a required unique field with fewer possible values than records", async () => {
    const s = await fresh(
      {
        name: "Few",
        entities: [
          { name: "a", fields: [{ name: "x", type: "text" }] },
          { name: "b", fields: [{ name: "level", type: "enum", values: ["lo", "hi"], required: true, unique: true }] },
        ],
      },
      "f",
    );
    const e = await failure(seedApp(s, "f", { count: 3, actor }));
    expect(e.message).toContain("level");
    expect(e.message).toContain("2 distinct values");
    expect(await count(s, "f")).toBe(0);
  });

  test("a required unique reference with fewer targets than records", async () => {
    const doc = {
      name: "One",
      entities: [
        { name: "person", fields: [{ name: "n", type: "text" }] },
        { name: "passport", fields: [{ name: "holder", type: "reference", entity: "person", required: true, unique: true }] },
      ],
    };
    const s = await fresh(doc, "o");
    const e = await failure(seedApp(s, "o", { count: 0, counts: { person: 3, passport: 5 }, actor }));
    expect(e.message).toContain("holder");
    expect(await count(s, "o")).toBe(0);
    // With enough people every passport gets its own holder.
    await seedApp(s, "o", { count: 0, counts: { person: 5, passport: 5 }, actor });
    const holders = (await all(s, "o", "passport")).map((r) => r.data.holder);
    expect(new Set(holders).size).toBe(5);
  });

  test("counts for an entity type the app does not have", async () => {
    const s = await fresh({ name: "T", entities: [{ name: "a", fields: [{ name: "x", type: "text" }] }] }, "t");
    const e = await failure(seedApp(s, "t", { count: 1, counts: { nope: 2 }, actor }));
    expect(e.code).toBe("validation");
    expect(e.message + JSON.stringify(e.data)).toContain("nope");
    expect(await count(s, "t")).toBe(0);
  });

  test("a pattern that allows too few distinct values names the field and its rules", async () => {
    const s = await fresh(
      { name: "P", entities: [{ name: "a", fields: [{ name: "code", type: "text", pattern: "^[AB][0-9]$", required: true, unique: true }] }] },
      "p",
    );
    const e = await failure(seedApp(s, "p", { count: 30, actor }));
    expect(e.message).toContain("a.code");
    expect(e.message).toContain("pattern ^[AB][0-9]$");
  });
});

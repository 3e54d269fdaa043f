// The entity editor's rules as data: what a type change drops or needs, and where a server
// problem's path points (including paths that point nowhere). Names: common/names.test.ts.
import { describe, expect, test } from "bun:test";
import type { Field, Model } from "../../../src/model/schema";
import { compilePattern, isIndexed, locate, optionApplies, retype } from "./model";

describe("retype", () => {
  const f = (x: Partial<Field>): Field => ({ name: "x", type: "text", ...x }) as Field;

  test("text → integer drops the text options, uniqueness stays, a text default goes", () => {
    const r = retype(f({ pattern: "^a", maxLength: 5, unique: true, default: "a" }), "integer");
    expect(r.patch).toEqual({ type: "integer", maxLength: null, pattern: null, default: null });
    expect(r.dropped).toEqual(["maxLength", "pattern"]);
    expect(r.droppedDefault).toBe(true);
    expect(r.needs).toEqual([]);
  });

  test("text → longtext keeps the pattern and the default; uniqueness and the index switch go", () => {
    const r = retype(f({ pattern: "^a", unique: true, indexed: false, default: "abc" }), "longtext");
    expect(r.patch).toEqual({ type: "longtext", unique: null, indexed: null });
    expect(r.droppedDefault).toBe(false);
  });

  test("enum ↔ multienum keeps the values; the default becomes a list", () => {
    const r = retype(f({ type: "enum", values: ["a", "b"], default: "a" }), "multienum");
    expect(r.patch).toEqual({ type: "multienum", default: ["a"] });
    expect(r.needs).toEqual([]);
  });

  test("text lengths are not item counts: text → multienum drops them and needs values", () => {
    const r = retype(f({ minLength: 1, maxLength: 3 }), "multienum");
    expect(r.patch).toEqual({ type: "multienum", minLength: null, maxLength: null });
    expect(r.needs).toEqual(["values"]);
    expect(retype(f({}), "multienum", { values: ["x"] }).patch).toEqual({ type: "multienum", values: ["x"] });
  });

  test("→ reference needs a target and takes no default", () => {
    const r = retype(f({ type: "integer", min: 1, default: 3 }), "reference");
    expect(r.needs).toEqual(["entity"]);
    expect(r.patch).toEqual({ type: "reference", min: null, default: null });
    expect(retype(f({ type: "integer" }), "reference", { entity: "project" }).patch).toEqual({ type: "reference", entity: "project" });
  });

  test('"now" stays between date and datetime; an integer default fits number', () => {
    expect(retype(f({ type: "date", default: "now" }), "datetime").droppedDefault).toBe(false);
    expect(retype(f({ type: "integer", default: 3 }), "number").droppedDefault).toBe(false);
    expect(retype(f({ type: "number", default: 2.5 }), "integer").droppedDefault).toBe(true);
  });
});

test("options per type, indexing as the server decides it, patterns as the server compiles them", () => {
  expect(optionApplies("text", "pattern")).toBe(true);
  expect(optionApplies("integer", "pattern")).toBe(false);
  expect(optionApplies("longtext", "unique")).toBe(false);
  expect(optionApplies("json", "default")).toBe(true);
  expect(isIndexed({ name: "a", type: "text" })).toBe(true);
  expect(isIndexed({ name: "a", type: "text", indexed: false })).toBe(false);
  expect(isIndexed({ name: "a", type: "reference", indexed: false } as Field)).toBe(true);
  expect(isIndexed({ name: "a", type: "longtext" })).toBe(false);
  expect("error" in compilePattern("([")).toBe(true);
  // The u flag: a lone brace is an error there, as on the server.
  expect("error" in compilePattern("a{")).toBe(true);
  const ok = compilePattern("^\\p{L}+$");
  expect("re" in ok && ok.re.test("Äpfel")).toBe(true);
});

describe("locate", () => {
  const doc = {
    name: "m",
    entities: [
      { name: "project", fields: [{ name: "name", type: "text" }] },
      {
        name: "task",
        fields: [
          { name: "title", type: "text" },
          { name: "owner", type: "reference", entity: "person" },
        ],
      },
    ],
    relationships: [{ name: "project_tasks", from: "project", to: "task", kind: "1:n" }],
  } as Model;
  const at = (path: string | null) => {
    const { issue, ...rest } = locate(doc, [{ path, rule: "x", message: "m" }])[0]!;
    return rest;
  };

  test("fields, their properties, the type's own properties and relationships", () => {
    expect(at("/entities/1/fields/1/entity")).toEqual({ entity: "task", field: "owner", prop: "entity" });
    expect(at("/entities/1/fields/0/values/2")).toEqual({ entity: "task", field: "title", prop: "values" });
    expect(at("/entities/1/fields/0")).toEqual({ entity: "task", field: "title", prop: undefined });
    expect(at("/entities/0/display")).toEqual({ entity: "project", prop: "display" });
    expect(at("/entities/0/indexes/0/fields/1")).toEqual({ entity: "project", prop: "indexes" });
    expect(at("/entities/0")).toEqual({ entity: "project", prop: undefined });
    expect(at("/relationships/0/inverse")).toEqual({ relationship: "project_tasks", prop: "inverse" });
  });

  test("stale, malformed and hostile paths point nowhere", () => {
    expect(at("/entities/9/name")).toEqual({});
    expect(at("/entities/1/fields/7/name")).toEqual({ entity: "task", prop: "fields" });
    expect(at("/entities/01/name")).toEqual({});
    expect(at("/entities/-1/name")).toEqual({});
    expect(at("/entities/__proto__/name")).toEqual({});
    expect(at("/__proto__/x")).toEqual({});
    expect(at("/pages/0/components/1")).toEqual({});
    expect(at("")).toEqual({});
    expect(at(null)).toEqual({});
  });
});

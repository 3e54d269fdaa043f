import { describe, expect, test } from "bun:test";
import type { Field } from "../../../../src/model/schema";
import { fromRows, opsFor, sortable, toRows, valueFrom } from "./filter";

const f = (name: string, type: Field["type"], extra: Partial<Field> = {}) => ({ name, type, ...extra }) as Field;

describe("the filter builder's rows", () => {
  test("a filter and its rows go both ways; equality stays short", () => {
    const filter = { status: "open", priority: { gte: 3, lte: 5 }, due: null, tags: { in: ["a", "b"] } };
    const rows = toRows(filter)!;
    expect(rows).toEqual([
      { field: "status", op: "eq", value: "open" },
      { field: "priority", op: "gte", value: 3 },
      { field: "priority", op: "lte", value: 5 },
      { field: "due", op: "isNull", value: true },
      { field: "tags", op: "in", value: ["a", "b"] },
    ]);
    expect(fromRows(rows)).toEqual({ status: "open", priority: { gte: 3, lte: 5 }, due: { isNull: true }, tags: { in: ["a", "b"] } });
    expect(fromRows([])).toBeUndefined();
    expect(toRows(undefined)).toEqual([]);
  });

  test("what rows cannot say is left to JSON", () => {
    for (const x of [{ or: [] }, { not: {} }, { $search: "x" }, { a: { between: [1, 2] } }, { a: [1] }, { a: { in: 3 } }, "text", [1]])
      expect(toRows(x)).toBeNull();
  });

  test("operators follow the field's type; values are typed", () => {
    expect(opsFor(f("done", "boolean"))).toEqual(["eq", "ne", "in", "nin", "isNull"]);
    expect(opsFor(f("tags", "multienum"))).toEqual(["contains", "isNull"]);
    expect(opsFor(f("n", "integer"))).toContain("gte");
    expect(opsFor({ name: "createdAt" })).toContain("lt");
    expect(valueFrom(f("n", "integer"), "gt", " 42 ")).toBe(42);
    expect(valueFrom(f("n", "integer"), "in", "1, 2,x")).toEqual([1, 2, "x"]);
    expect(valueFrom(f("t", "text"), "eq", "007")).toBe("007");
    expect(valueFrom(f("b", "boolean"), "eq", "false")).toBe(false);
    expect(valueFrom(undefined, "isNull", "true")).toBe(true);
    expect(sortable([f("a", "text"), f("b", "longtext"), f("c", "json")])).toEqual(["a", "createdAt", "updatedAt"]);
  });
});

// The filter row's values and the server filter they make. Each field type gets the
// operators of the filter language that fit it: text contains / starts with / is / is
// empty, numbers a range, dates a from–to range, enums a set of values (in), booleans
// yes/no, references one picked record (eq by id), multienums one contained value, json
// and files empty or not. Inputs hold text; it becomes typed values only here.
import type { ColumnDefinition, Filter } from "../../lib/types";

export type TextOp = "contains" | "startsWith" | "eq" | "isNull";

export type FilterValue =
  | { kind: "text"; op: TextOp; value: string }
  | { kind: "range"; min: string; max: string }
  | { kind: "in"; values: string[] }
  | { kind: "bool"; value: "" | "yes" | "no" }
  | { kind: "ref"; id: string; label: string }
  | { kind: "has"; value: string }
  | { kind: "empty"; value: "" | "empty" | "set" };

export type FilterKind = FilterValue["kind"];

export function filterKind(col: ColumnDefinition): FilterKind {
  switch (col.type) {
    case "integer":
    case "number":
    case "date":
    case "datetime":
      return "range";
    case "enum":
      return "in";
    case "boolean":
      return "bool";
    case "reference":
      return "ref";
    case "multienum":
      return "has";
    case "json":
    case "file":
      return "empty";
    default:
      return "text";
  }
}

/** Whether a value narrows anything (an empty input does not). */
export function isActive(v: FilterValue | undefined): boolean {
  if (!v) return false;
  switch (v.kind) {
    case "text":
      return v.op === "isNull" || v.value.trim() !== "";
    case "range":
      return v.min.trim() !== "" || v.max.trim() !== "";
    case "in":
      return v.values.length > 0;
    case "ref":
      return v.id !== "";
    default:
      return v.value !== "";
  }
}

/** A datetime range bound from a date input: the start or end of that day in the browser's time zone. */
const dayBound = (date: string, end: boolean) => new Date(`${date}T${end ? "23:59:59.999" : "00:00:00"}`).toISOString();

function rangeCondition(col: ColumnDefinition, v: { min: string; max: string }): unknown {
  const parse = (s: string, end: boolean): string | number | undefined => {
    const x = s.trim();
    if (!x) return undefined;
    if (col.type === "integer" || col.type === "number") {
      const n = Number(x);
      return Number.isFinite(n) ? n : undefined;
    }
    return col.type === "datetime" ? dayBound(x, end) : x;
  };
  const lo = parse(v.min, false);
  const hi = parse(v.max, true);
  if (lo !== undefined && hi !== undefined) return { between: [lo, hi] };
  if (lo !== undefined) return { gte: lo };
  if (hi !== undefined) return { lte: hi };
  return undefined;
}

function condition(col: ColumnDefinition, v: FilterValue): unknown {
  switch (v.kind) {
    case "text":
      return v.op === "isNull" ? { isNull: true } : { [v.op]: v.value.trim() };
    case "range":
      return rangeCondition(col, v);
    case "in":
      return { in: v.values };
    case "bool":
      return { eq: v.value === "yes" };
    case "ref":
      return { eq: v.id };
    case "has":
      return { contains: v.value };
    case "empty":
      return { isNull: v.value === "empty" };
  }
}

/** The filter row's values as one server filter (undefined: nothing to narrow by). */
export function userFilter(columns: ColumnDefinition[], values: Record<string, FilterValue>): Filter | undefined {
  const out: Filter = {};
  for (const col of columns) {
    const v = values[col.field];
    if (!isActive(v)) continue;
    const cond = condition(col, v!);
    if (cond !== undefined) out[col.field] = cond;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The model's filter AND the user's. */
export function combine(a: Filter | undefined, b: Filter | undefined): Filter | undefined {
  if (!a || !Object.keys(a).length) return b;
  if (!b) return a;
  return { and: [a, b] };
}

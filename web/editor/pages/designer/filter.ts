// A component's filter (the filter language of docs/json-rpc.md) as the rows of the visual
// builder: each row a field, an operator the field's type accepts and a value, all rows
// holding together (and). A filter the rows cannot express (and/or/not groups, a search,
// between) is edited as JSON instead, so nothing is lost by opening it.

import { operatorsFor } from "../../../../src/model/filter/grammar";
import type { Field } from "../../../../src/model/schema";

export const ROW_OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "startsWith", "endsWith", "in", "nin", "isNull"] as const;
export type RowOp = (typeof ROW_OPS)[number];
export interface Row {
  field: string;
  op: RowOp;
  value: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const ROW_OP_SET: ReadonlySet<string> = new Set(ROW_OPS);

/** The rows of a filter; null when it holds what rows cannot say (groups, a search, between, a malformed value). */
export function toRows(filter: unknown): Row[] | null {
  if (filter === undefined) return [];
  if (!isObj(filter)) return null;
  const rows: Row[] = [];
  for (const [field, v] of Object.entries(filter)) {
    if (field === "and" || field === "or" || field === "not" || field.startsWith("$")) return null;
    if (v === null) rows.push({ field, op: "isNull", value: true });
    else if (isObj(v)) {
      for (const [op, x] of Object.entries(v)) {
        if (!ROW_OP_SET.has(op)) return null;
        if ((op === "in" || op === "nin") !== Array.isArray(x)) return null;
        rows.push({ field, op: op as RowOp, value: x });
      }
    } else if (Array.isArray(v)) return null;
    else rows.push({ field, op: "eq", value: v });
  }
  return rows;
}

/** The filter the rows say (undefined for none): a plain equality stays `"field": value`. */
export function fromRows(rows: readonly Row[]): Obj | undefined {
  const by = new Map<string, Row[]>();
  for (const r of rows) by.set(r.field, [...(by.get(r.field) ?? []), r]);
  if (!by.size) return undefined;
  const out: Obj = {};
  for (const [field, rs] of by) {
    const only = rs.length === 1 ? rs[0]! : undefined;
    if (only?.op === "eq" && only.value !== null) out[field] = only.value;
    else out[field] = Object.fromEntries(rs.map((r) => [r.op, r.value]));
  }
  return out;
}

/** The operators the rows offer for a field (system names take what their kind takes). */
export function opsFor(field: Field | { name: "id" | "createdAt" | "updatedAt" }): RowOp[] {
  const allowed = "type" in field ? operatorsFor(field.type) : operatorsFor(field.name, true);
  return ROW_OPS.filter((op) => allowed.has(op));
}

const NUMERIC = new Set(["integer", "number"]);

/** A typed value from what was typed: numbers for number fields, a list for in/nin, booleans as given. */
export function valueFrom(field: Field | undefined, op: RowOp, text: string): unknown {
  const one = (s: string): unknown => {
    const t = s.trim();
    if (field && NUMERIC.has(field.type) && t !== "" && Number.isFinite(Number(t))) return Number(t);
    if (field?.type === "boolean") return t === "true";
    return t;
  };
  if (op === "isNull") return text === "true";
  if (op === "in" || op === "nin")
    return text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(one);
  return one(text);
}

/** A row's value as the builder's text input shows it. */
export const textOf = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(", ") : v === undefined || v === null ? "" : String(v));

/** Fields a sort may name: those with an order (not long text, lists, JSON or files), and the system names. */
export const sortable = (fields: readonly Field[]): string[] => [
  ...fields.filter((f) => !["longtext", "multienum", "json", "file"].includes(f.type)).map((f) => f.name),
  "createdAt",
  "updatedAt",
];

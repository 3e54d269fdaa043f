// A parsed filter evaluated in memory against one record, with the meaning of the SQL it
// compiles to (store/entities/filter.ts): it decides which subscribers hear about a
// change (realtime/hub.ts) and whether a record is within a permission's row filter
// (services/access). realtime/differential.test.ts runs both over the same rows.
import type { FilterNode, Scalar, Target } from "./ast";
import { compareText, textMatches } from "./text";

export interface MatchRecord {
  id: string;
  data: Record<string, unknown>;
  createdAt?: string;
  updatedAt?: string;
}

/** The value SQL reads for a target: booleans as 1/0 (json_extract), a missing field as null. */
function read(t: Target, r: MatchRecord): unknown {
  const v =
    t.kind === "system"
      ? t.name === "id"
        ? r.id
        : t.name === "createdAt"
          ? r.createdAt
          : r.updatedAt
      : Object.hasOwn(r.data, t.name)
        ? r.data[t.name]
        : undefined;
  if (v === undefined || v === null) return null;
  return typeof v === "boolean" ? (v ? 1 : 0) : v;
}

/** SQLite's order of values of different types: numbers before text (arrays and objects read as JSON text). */
function compare(a: unknown, b: Scalar): number {
  const y = typeof b === "boolean" ? (b ? 1 : 0) : b;
  if (typeof a === "number" && typeof y === "number") return a - y;
  if (typeof a === "number") return -1;
  if (typeof y === "number") return 1;
  return compareText(typeof a === "string" ? a : JSON.stringify(a), y);
}

/** Whether a record (id, timestamps and data) satisfies a parsed filter. */
export function matches(node: FilterNode, r: MatchRecord): boolean {
  switch (node.kind) {
    case "all":
      return true;
    case "and":
      return node.items.every((n) => matches(n, r));
    case "or":
      return node.items.some((n) => matches(n, r));
    case "not":
      return !matches(node.item, r);
    case "empty":
      return (read(node.target, r) === null) === node.empty;
    case "search":
      // Every word in some text-like field, by the contains rule (non-text values never contain).
      return node.words.every((w) =>
        node.fields.some((f) => {
          const v = Object.hasOwn(r.data, f.name) ? r.data[f.name] : undefined;
          return typeof v === "string" && textMatches(v, w, "contains");
        }),
      );
  }
  const v = read(node.target, r);
  if (v === null) return node.kind === "compare" ? node.op === "ne" : node.kind === "in" && node.negated;
  switch (node.kind) {
    case "compare": {
      const c = compare(v, node.value);
      return node.op === "eq"
        ? c === 0
        : node.op === "ne"
          ? c !== 0
          : node.op === "gt"
            ? c > 0
            : node.op === "gte"
              ? c >= 0
              : node.op === "lt"
                ? c < 0
                : c <= 0;
    }
    case "between":
      return compare(v, node.low) >= 0 && compare(v, node.high) <= 0;
    case "in":
      return node.values.some((x) => compare(v, x) === 0) !== node.negated;
    case "text":
      return typeof v === "string" && textMatches(v, node.needle, node.mode);
    case "has":
      // json_each over a scalar (data written before the field became a multienum) yields the scalar itself.
      return Array.isArray(v) ? v.includes(node.value) : v === node.value;
  }
}

// The filter language (SPEC §4) after parsing: a typed tree whose every name has been
// found in the model and every value coerced to the form records store. The SQL compiler
// (store/entities/filter.ts) and the in-memory matcher (realtime/match.ts) both consume
// it, so the grammar and its checks exist once (parse.ts) and the two can only differ in
// how they evaluate it (differential.test.ts compares them).
import type { Field } from "../schema";

export type SystemName = "id" | "createdAt" | "updatedAt";

/** What a condition tests: one of every record's system values, or a field of its data. */
export type Target = { kind: "system"; name: SystemName } | { kind: "field"; name: string; field: Field };

/** A comparison value as stored: text, a number, or a boolean (SQL binds booleans as 1/0). */
export type Scalar = string | number | boolean;

export type CompareOp = "eq" | "ne" | "gt" | "gte" | "lt" | "lte";
export type TextMode = "contains" | "startsWith" | "endsWith";

export type FilterNode =
  /** An empty filter: every record. */
  | { kind: "all" }
  | { kind: "and"; items: FilterNode[] }
  | { kind: "or"; items: FilterNode[] }
  /** The exact complement: an empty field fails a condition, so `not` of it holds. */
  | { kind: "not"; item: FilterNode }
  /** isNull, `eq null`, `ne null` and the shorthand `{field: null}`; a missing field is empty too. */
  | { kind: "empty"; target: Target; empty: boolean }
  /** eq/gt/gte/lt/lte hold only for a non-empty value; ne also holds for an empty one. */
  | { kind: "compare"; target: Target; op: CompareOp; value: Scalar }
  | { kind: "between"; target: Target; low: Scalar; high: Scalar }
  /** in holds for a non-empty value among `values`; nin (negated) also for an empty one. */
  | { kind: "in"; target: Target; values: Scalar[]; negated: boolean }
  /** Text search; `needle` is already case-folded (see text.ts), never empty. */
  | { kind: "text"; target: Target; mode: TextMode; needle: string }
  /** A multienum field holds `value` among its items. */
  | { kind: "has"; target: Target; value: string }
  /**
   * `$search`: every word (case-folded, never empty, at least one) is contained, by the
   * `contains` rule, in at least one of `fields`, the type's text-like fields in model
   * order (none: nothing matches). `entity` names the type (its full-text index).
   */
  | { kind: "search"; entity: string; words: string[]; fields: Field[] };

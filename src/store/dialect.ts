// SQL that differs between databases, by concern. Services build queries through these
// functions only; names given to them are checked identifiers, never user text.
import type { Param } from "./driver";

export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** SQL expression reading one top-level field of the JSON `data` column (typed: numbers compare as numbers). */
  jsonField(field: string): string;
  /** Expression for the JSON text of the data column (for reading it back). */
  readonly dataColumn: string;
  /** ORDER BY fragment for an expression and a direction, with NULLs first ascending and last descending. */
  orderBy(expr: string, dir: "asc" | "desc"): string;
  /**
   * Text search for the filter language: `expr` contains / starts with / ends with the
   * needle, ignoring the case of A–Z only (model/filter/text.ts); the needle arrives folded.
   * Every character is taken literally, NUL included (LIKE would stop at a NUL and treat
   * % and _ as wildcards).
   */
  textMatch(expr: string, mode: "contains" | "startsWith" | "endsWith", foldedNeedle: string): { sql: string; params: Param[] };
  /** "expr is not NULL", written so an index on expr can serve it as a range. */
  notNull(expr: string): string;
  /** Expression that is true when a JSON array field contains the bound value. */
  arrayContains(field: string): string;
}

const IDENT = /^[a-z][a-z0-9_]*$/;
/** Guard: a name about to be written into SQL must be a model identifier. */
export function checkedIdent(name: string): string {
  if (!IDENT.test(name) || name.length > 63) throw new Error(`refusing to put "${name}" into SQL: not an identifier`);
  return name;
}

export const sqliteDialect: Dialect = {
  name: "sqlite",
  jsonField: (f) => `json_extract(data, '$.${checkedIdent(f)}')`,
  dataColumn: "data",
  // SQLite sorts NULLs first ascending and last descending: exactly the contract.
  orderBy: (expr, dir) => `${expr} ${dir === "desc" ? "DESC" : "ASC"}`,
  // lower() folds A–Z only, and instr() and BLOB substr() count lengths rather than stopping
  // at a NUL. instr() finds the first occurrence, so "= 1" is "starts with".
  textMatch: (expr, mode, needle) =>
    mode === "contains"
      ? { sql: `instr(lower(${expr}), ?) > 0`, params: [needle] }
      : mode === "startsWith"
        ? { sql: `instr(lower(${expr}), ?) = 1`, params: [needle] }
        : { sql: `substr(CAST(lower(${expr}) AS BLOB), ?) = CAST(? AS BLOB)`, params: [-Buffer.byteLength(needle, "utf8"), needle] },
  // SQLite orders NULL < numbers < text, and -9e999 is -Infinity: every JSON value but null
  // compares >= it. A plain IS NOT NULL is not used as an index range on an expression.
  notNull: (expr) => `${expr} >= -9e999`,
  arrayContains: (f) => `EXISTS (SELECT 1 FROM json_each(data, '$.${checkedIdent(f)}') WHERE value = ?)`,
};

// SQL that differs between databases, by concern. Services build queries through these
// functions only; names given to them are checked identifiers, never user text.

export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** SQL expression reading one top-level field of the JSON `data` column (typed: numbers compare as numbers). */
  jsonField(field: string): string;
  /** Expression for the JSON text of the data column (for reading it back). */
  readonly dataColumn: string;
  /** ORDER BY fragment for an expression and a direction, with NULLs first ascending and last descending. */
  orderBy(expr: string, dir: "asc" | "desc"): string;
  /** Case-insensitive containment/prefix/suffix via LIKE with an escaped pattern. */
  like(expr: string): string;
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
  like: (expr) => `${expr} LIKE ? ESCAPE '\\'`,
  // SQLite orders NULL < numbers < text, and -9e999 is -Infinity: every JSON value but null
  // compares >= it. A plain IS NOT NULL is not used as an index range on an expression.
  notNull: (expr) => `${expr} >= -9e999`,
  arrayContains: (f) => `EXISTS (SELECT 1 FROM json_each(data, '$.${checkedIdent(f)}') WHERE value = ?)`,
};

// SQL that differs between databases, by concern. Services build queries through these
// functions only; names given to them are checked identifiers, never user text.
import type { Field } from "../model/schema";
import type { Param } from "./driver";

/** What a dialect needs to know of a field to read it from the JSON document: its name and type. */
export type FieldRef = Pick<Field, "name" | "type">;

export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** Whether text may hold the NUL character (PostgreSQL's text and jsonb cannot). */
  readonly holdsNul: boolean;
  /**
   * PostgreSQL with pg_trgm: the index column (GIN, trigrams) that serves textMatch on
   * expr; undefined where there is none (SQLite has its full-text tables instead).
   */
  readonly trigramColumn?: (expr: string) => string;
  /**
   * With trigramColumn: the text of all these fields in one expression (each
   * separated by a newline), for one trigram index a `$search` narrows its rows with; a
   * word contained in a field is contained in it (a superset: the exact rule still applies).
   */
  readonly searchText?: (fields: readonly FieldRef[]) => string;
  /**
   * PostgreSQL: a number field read exactly (jsonb keeps a number's decimal digits), for
   * sums and averages: summed as `numeric` and rounded once, where float8 lost the small
   * parts beside large ones. SQLite's total() is compensated already.
   */
  readonly exactNumber?: (f: FieldRef) => string;
  /**
   * SQL expression reading one top-level field of the JSON `data` column, typed by the
   * field's type: numbers compare as numbers, booleans read as 1 and 0, a JSON null is
   * NULL. The same expression is used in indexes, so it must not change for a field.
   */
  jsonField(field: FieldRef): string;
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
  /** An index column on expr ordered the way orderBy sorts it (NULLs first ascending). */
  indexColumn(expr: string): string;
  /** Aggregate joining the text values of expr with commas (order unspecified), NULL over no rows. */
  joined(expr: string): string;
  /** expr as compared ignoring the case of A–Z only (SQLite's NOCASE); write it on both sides. */
  caseless(expr: string): string;
  /** Bytes of a text expression in UTF-8 (NULL for NULL). */
  byteLength(expr: string): string;
  /**
   * PostgreSQL 14 and later: statistics objects on expressions (CREATE STATISTICS), so
   * the planner knows how JSON fields' values are spread (entities/statistics.ts).
   */
  readonly expressionStatistics?: boolean;
}

const IDENT = /^[a-z][a-z0-9_]*$/;
/** Guard: a name about to be written into SQL must be a model identifier. */
export function checkedIdent(name: string): string {
  if (!IDENT.test(name) || name.length > 63) throw new Error(`refusing to put "${name}" into SQL: not an identifier`);
  return name;
}

export const sqliteDialect: Dialect = {
  name: "sqlite",
  holdsNul: true,
  jsonField: (f) => `json_extract(data, '$.${checkedIdent(f.name)}')`,
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
  indexColumn: (expr) => expr,
  joined: (expr) => `group_concat(${expr}, ',')`,
  caseless: (expr) => `${expr} COLLATE NOCASE`,
  // length() counts a text's characters; a blob's are bytes.
  byteLength: (expr) => `length(CAST(${expr} AS BLOB))`,
};

const NUMBERS = new Set(["integer", "number"]);
const DOCUMENTS = new Set(["json", "multienum", "file"]);

/**
 * Folds A–Z only, whatever the database's locale: lower() under the "C" collation folds
 * ASCII letters alone (a locale's collation would fold by its own rules). translate() with
 * the 26 letters did the same ten times slower (125 ms against 12 ms over 7,700 notes),
 * and every text filter's recheck, `$search` and total sample pays it per row.
 */
const folded = (expr: string) => `lower((${expr})::text COLLATE "C")`;

/**
 * PostgreSQL: `data` is jsonb. Fields read as the SQL type their values have, so
 * comparisons, sorting and indexes behave as SQLite's json_extract does for valid data.
 * A value of another JSON type than the field's (data written before a type change) reads
 * as NULL here, where SQLite would compare it across types.
 */
export const postgresDialect: Dialect = {
  name: "postgres",
  holdsNul: false,
  jsonField: (f) => {
    const key = checkedIdent(f.name);
    if (NUMBERS.has(f.type)) return `(CASE WHEN jsonb_typeof(data->'${key}') = 'number' THEN (data->>'${key}')::float8 END)`;
    if (f.type === "boolean") return `(CASE data->'${key}' WHEN 'true'::jsonb THEN 1 WHEN 'false'::jsonb THEN 0 END)`;
    if (DOCUMENTS.has(f.type)) return `NULLIF(data->'${key}', 'null'::jsonb)`;
    // Compared by code point, as on SQLite, whatever the database's default collation.
    return `((data->>'${key}') COLLATE "C")`;
  },
  dataColumn: "data",
  orderBy: (expr, dir) => `${expr} ${dir === "desc" ? "DESC NULLS LAST" : "ASC NULLS FIRST"}`,
  // Text cannot hold NUL in PostgreSQL: a needle with one matches nothing (and "not" of it
  // everything). LIKE, with every character of the needle taken literally, so a trigram
  // index on the folded expression can serve it.
  textMatch: (expr, mode, needle) => {
    if (needle.includes("\0")) return { sql: "(1=0)", params: [] };
    const literal = needle.replace(/[\\%_]/g, (c) => `\\${c}`);
    const pattern = mode === "contains" ? `%${literal}%` : mode === "startsWith" ? `${literal}%` : `%${literal}`;
    return { sql: `${folded(expr)} LIKE ? ESCAPE '\\'`, params: [pattern] };
  },
  notNull: (expr) => `${expr} IS NOT NULL`,
  arrayContains: (f) => `(data->'${checkedIdent(f)}') @> jsonb_build_array(?::text)`,
  exactNumber: (f) => `(CASE WHEN jsonb_typeof(data->'${checkedIdent(f.name)}') = 'number' THEN (data->'${checkedIdent(f.name)}')::numeric END)`,
  indexColumn: (expr) => `${expr} NULLS FIRST`,
  joined: (expr) => `string_agg(${expr}, ',')`,
  caseless: (expr) => folded(expr),
  byteLength: (expr) => `octet_length(${expr})`,
};

/** PostgreSQL where pg_trgm is installed (migration 9): text matching has indexes. */
export const postgresTrigramDialect: Dialect = {
  ...postgresDialect,
  trigramColumn: (expr) => `(${folded(expr)}) gin_trgm_ops`,
  searchText: (fields) => `(${fields.map((f) => `coalesce(${postgresDialect.jsonField(f)}, '')`).join(" || E'\\n' || ")})`,
};

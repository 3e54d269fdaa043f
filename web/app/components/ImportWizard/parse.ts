// Reading an import file in the browser: CSV (header row) or JSON (a list of records),
// matching its columns to the entity's fields, and writing the matched rows back as the
// CSV the server reads leniently. Pure functions: no DOM, no messages (errors are codes
// the wizard words).
// d3-dsv, not papaparse (the server's parser): papaparse requires Node's `stream`, which a
// browser build refuses; d3-dsv is a small, strict RFC 4180 reader with no dependencies.
import { csvFormatRows, dsvFormat } from "d3-dsv";
import type { FieldDefinition } from "../../lib/types";

/** The server takes at most this many rows per import (services/dataio.ts MAX_IMPORT_ROWS). */
export const MAX_ROWS = 100_000;
export const MAX_BYTES = 20 * 1024 * 1024;

export type Format = "csv" | "json";

/**
 * Rows are lists of values by column: a column named "__proto__" or named twice stays a
 * column like any other (as object keys it would set a prototype or vanish).
 */
export interface Table {
  format: Format;
  /** Column names in the order they first appear. */
  headers: string[];
  rows: unknown[][];
}

export type ParseProblem =
  | { kind: "noRows" }
  | { kind: "tooManyRows"; rows: number }
  | { kind: "notJson"; message: string }
  | { kind: "notList" }
  | { kind: "csv"; errors: CsvError[] };

/** Row 1 is the first data row, as the server counts. */
export type CsvError = { row: number; unclosedQuote: true } | { row: number; expected: number; got: number };

export type Parsed = { ok: true; table: Table } | { ok: false; problem: ParseProblem };

/** JSON when the file says so or the text starts like JSON; CSV otherwise. */
export function detectFormat(text: string, name?: string): Format {
  if (name && /\.json$/i.test(name)) return "json";
  if (name && /\.csv$/i.test(name)) return "csv";
  return /^\s*[[{]/.test(text) ? "json" : "csv";
}

export function parseText(text: string, format: Format): Parsed {
  const out = format === "json" ? parseJson(text) : parseCsv(text);
  if (!out.ok) return out;
  if (!out.table.rows.length || !out.table.headers.length) return { ok: false, problem: { kind: "noRows" } };
  if (out.table.rows.length > MAX_ROWS) return { ok: false, problem: { kind: "tooManyRows", rows: out.table.rows.length } };
  return out;
}

/** The delimiter of the header line: comma, or semicolon or tab as spreadsheets in many locales write. */
function delimiterOf(text: string): string {
  const head = text.slice(0, text.search(/\r?\n|$/));
  const count = (c: string) => head.split(c).length - 1;
  const best = [",", ";", "\t"].map((c) => ({ c, n: count(c) })).sort((a, b) => b.n - a.n)[0]!;
  return best.n > 0 ? best.c : ",";
}

/**
 * The data row (1 = the first after the header) where a quoted cell opens and never
 * closes, if one does: the reader would swallow the rest of the file into that cell.
 */
function unclosedQuoteRow(text: string): number | undefined {
  let line = 0;
  let quoted = false;
  let openedOn = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      if (quoted && text[i + 1] === '"')
        i++; // an escaped quote inside a quoted cell
      else if ((quoted = !quoted)) openedOn = line;
    } else if (ch === "\n" && !quoted) line++;
  }
  return quoted ? openedOn : undefined;
}

function parseCsv(text: string): Parsed {
  const body = text.replace(/^\uFEFF/, "");
  // Blank lines carry no record (a trailing newline, a gap between blocks).
  const all = dsvFormat(delimiterOf(body))
    .parseRows(body)
    .filter((cells) => cells.some((c) => c.trim() !== ""));
  const open = unclosedQuoteRow(body);
  if (open !== undefined) return { ok: false, problem: { kind: "csv", errors: [{ row: open, unclosedQuote: true }] } };
  const [headers = [], ...rows] = all;
  const errors: CsvError[] = [];
  rows.forEach((cells, i) => {
    if (cells.length !== headers.length) errors.push({ row: i + 1, expected: headers.length, got: cells.length });
  });
  if (errors.length) return { ok: false, problem: { kind: "csv", errors } };
  return { ok: true, table: { format: "csv", headers, rows } };
}

function parseJson(text: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: { kind: "notJson", message: (e as Error).message } };
  }
  if (!Array.isArray(data) || !data.every(isObject)) return { ok: false, problem: { kind: "notList" } };
  // Exported records ({id, entity, data, …}) import as their data, as the server reads them.
  const records = data.map((r) => (isObject(r.data) && typeof r.entity === "string" ? r.data : r));
  const names = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) names.add(k);
  const headers = [...names];
  return { ok: true, table: { format: "json", headers, rows: records.map((r) => headers.map((h) => (Object.hasOwn(r, h) ? r[h] : undefined))) } };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** Names compared without case, spaces, underscores, hyphens or dots: "Due_Date" = "due date". */
const norm = (s: string) => s.toLowerCase().replace(/[\s_.-]+/g, "");
/** Looser still: a trailing "date", "time", "at" or "id" is dropped ("Due date" = due, "Project ID" = project). */
const loose = (s: string) => norm(s).replace(/(date|time|at|id)$/, "") || norm(s);

/**
 * Each column's field ("" = skip): a column named like a field's name or label, else
 * like it but for a trailing date/time/at/id. Each field is taken by one column at most.
 */
export function autoMap(headers: string[], fields: FieldDefinition[]): string[] {
  const out = headers.map(() => "");
  const taken = new Set<string>();
  for (const key of [norm, loose])
    headers.forEach((h, i) => {
      if (out[i]) return;
      const f = fields.find((f) => !taken.has(f.name) && (key(f.name) === key(h) || key(f.label) === key(h)));
      if (f) {
        out[i] = f.name;
        taken.add(f.name);
      }
    });
  return out;
}

/** A value as a CSV cell. JSON values are data, so text gets the server's formula escape (import takes it off again). */
export function toCell(v: unknown, format: Format): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return format === "csv" ? v : escapeCell(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  // A list of plain values is how a multienum reads ("a, b"); anything else goes as JSON text.
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return escapeCell(v.join(", "));
  return escapeCell(JSON.stringify(v));
}

// The same rule as the server's export (services/dataio.ts escapeCell): a leading
// apostrophe before what a spreadsheet would run as a formula, or before an apostrophe
// that import would otherwise take off.
const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED = /^'[=+\-@\t\r']/;
const escapeCell = (s: string) => (FORMULA_START.test(s) || ESCAPED.test(s) ? `'${s}` : s);

/** The matched columns of every row as CSV with field names for headers. */
export function toCsv(table: Table, mapping: string[]): string {
  const cols = mapping.flatMap((field, i) => (field ? [{ field, i }] : []));
  return csvFormatRows([cols.map((c) => c.field), ...table.rows.map((r) => cols.map((c) => toCell(r[c.i], table.format)))]);
}

/** A cell shown in a preview or beside a problem: always text. */
export function display(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

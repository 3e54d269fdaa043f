// Bulk import and export of one entity type's records as CSV or JSON. Imports are all or
// nothing and report every bad row; CSV values arrive as text and are read leniently
// ("42", "true", "a, b" for a multienum).
import Papa from "papaparse";
import { badRequest, validationError } from "../lib/errors";
import { isPlainObject } from "../lib/json";
import type { Actor } from "./actor";
import type { EntityService } from "./entities/service";
import type { EntityRecord } from "./entities/types";

export const MAX_IMPORT_ROWS = 100_000;
export const MAX_EXPORT_ROWS = 100_000;

const ENVELOPE = new Set(["id", "version", "createdAt", "updatedAt"]);

export type DataFormat = "csv" | "json";

export class DataService {
  constructor(private readonly entities: EntityService) {}

  async bulkImport(app: string, entity: string, input: { format?: DataFormat; data: unknown }, actor: Actor): Promise<{ inserted: number; ids: string[] }> {
    const format = input.format ?? (typeof input.data === "string" ? "csv" : "json");
    let rows: unknown[];
    if (format === "csv") {
      if (typeof input.data !== "string") throw badRequest("CSV data must be text with a header row");
      const parsed = Papa.parse<Record<string, string>>(input.data.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: "greedy" });
      const broken = parsed.errors.filter((e) => e.type !== "Delimiter");
      if (broken.length)
        throw validationError(broken.slice(0, 50).map((e) => ({ row: e.row ?? 0, field: "data", rule: "csv", message: e.message })), "CSV");
      // Empty cells mean "no value"; lenient reading turns "" into absent.
      rows = parsed.data;
    } else if (format === "json") {
      const data = typeof input.data === "string" ? safeJson(input.data) : input.data;
      if (!Array.isArray(data)) throw badRequest("JSON data must be a list of records");
      rows = data.map((r) => (isPlainObject(r) && isPlainObject(r.data) && typeof r.entity === "string" ? r.data : r)); // also accepts exported records
    } else throw badRequest(`format must be "csv" or "json"`);
    // Envelope columns of an export (id, version, timestamps) are not data: the import makes new records.
    rows = rows.map((r) => (isPlainObject(r) ? Object.fromEntries(Object.entries(r).filter(([k]) => !ENVELOPE.has(k))) : r));
    if (rows.length === 0) return { inserted: 0, ids: [] };
    if (rows.length > MAX_IMPORT_ROWS) throw badRequest(`at most ${MAX_IMPORT_ROWS} rows per import (got ${rows.length}); split the file`);
    const r = await this.entities.insertMany(app, entity, rows, { actor, lenient: format === "csv" });
    return { inserted: r.inserted, ids: r.ids };
  }

  async exportEntities(app: string, entity: string, opts: { format?: DataFormat; filter?: unknown; sort?: unknown; fields?: string[] }): Promise<{ format: DataFormat; count: number; data: string | EntityRecord[] }> {
    const format = opts.format ?? "json";
    if (format !== "csv" && format !== "json") throw badRequest(`format must be "csv" or "json"`);
    const records: EntityRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.entities.query(app, entity, { filter: opts.filter, sort: opts.sort, fields: opts.fields, limit: 1000, cursor });
      records.push(...page.data);
      cursor = page.pagination.nextCursor;
      if (records.length >= MAX_EXPORT_ROWS) throw badRequest(`more than ${MAX_EXPORT_ROWS} records match; narrow the filter or use \`torque app export\``);
    } while (cursor);
    if (format === "json") return { format, count: records.length, data: records };
    const fields = opts.fields ?? [...new Set(records.flatMap((r) => Object.keys(r.data)))];
    const rows = records.map((r) => [r.id, ...fields.map((f) => cell(r.data[f])), r.version, r.createdAt, r.updatedAt]);
    return { format, count: records.length, data: Papa.unparse({ fields: ["id", ...fields, "version", "createdAt", "updatedAt"], data: rows }) };
  }
}

/** CSV cells: lists joined with commas (read back by multienum), objects as JSON. */
function cell(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join(", ");
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`data is not valid JSON: ${(e as Error).message}`);
  }
}

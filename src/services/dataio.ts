// Bulk import and export of one entity type's records as CSV or JSON. Imports are all or
// nothing and report every bad row; CSV values arrive as text and are read leniently
// ("42", "true", "a, b" for a multienum). CSV cells that a spreadsheet would run as a
// formula are written with a leading apostrophe, which import takes off again.
import Papa from "papaparse";
import { badRequest, type Issue, TorqueError, validationError } from "../lib/errors";
import { isPlainObject } from "../lib/json";
import type { FieldType } from "../model/schema";
import { hiddenFields } from "./access/policy";
import type { Actor } from "./actor";
import type { BulkOptions, BulkResult } from "./entities/bulk";
import { entityOf } from "./entities/context";
import type { EntityService } from "./entities/service";
import type { EntityRecord } from "./entities/types";

export const MAX_IMPORT_ROWS = 100_000;
export const MAX_EXPORT_ROWS = 100_000;

const ENVELOPE = new Set(["id", "version", "createdAt", "updatedAt"]);

/** What a bulk import's row numbers count from: 1 is the first data row (a CSV's header is not counted). */
const ROWS_FROM_ONE = (what: string) => `${what} (row 1 is the first data row)`;

export type DataFormat = "csv" | "json";

export interface ImportResult {
  inserted: number;
  ids: string[];
  /** A dry run: the rows that would have been inserted; nothing was written. */
  wouldInsert?: number;
  dryRun?: true;
}

/** Thrown out of a dry run's transaction so it always rolls back, carrying what the insert found. */
class RolledBack {
  constructor(readonly result: BulkResult) {}
}

export class DataService {
  constructor(private readonly entities: EntityService) {}

  async bulkImport(app: string, entity: string, input: { format?: DataFormat; data: unknown; dryRun?: boolean }, actor: Actor): Promise<ImportResult> {
    // The app and type first: an import of nothing into one that does not exist is still not found.
    entityOf(await this.entities.ctx.apps.runtime(app), entity);
    const format = input.format ?? (typeof input.data === "string" ? "csv" : "json");
    let rows: unknown[];
    if (format === "csv") {
      if (typeof input.data !== "string") throw badRequest("CSV data must be text with a header row");
      const parsed = Papa.parse<Record<string, string>>(input.data.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: "greedy" });
      const broken = parsed.errors.filter((e) => e.type !== "Delimiter");
      if (broken.length)
        throw validationError(
          // Papa counts a field-count mismatch from 0 at the first data row, and a quote error from the header row.
          broken.slice(0, 50).map((e) => ({ row: (e.row ?? 0) + (e.type === "FieldMismatch" ? 1 : 0), field: "data", rule: "csv", message: e.message })),
          ROWS_FROM_ONE("CSV"),
        );
      const ent = (await this.entities.ctx.apps.runtime(app)).model.entities.get(entity);
      // Papa builds each row as a plain object, where a "__proto__" column would vanish on
      // assignment (set the prototype) instead of being refused like any unknown column.
      // So every header must name a field (or an export's envelope column) before any row is read.
      const unknown = ent ? (parsed.meta.fields ?? []).filter((h) => !ent.fields.has(h) && !ENVELOPE.has(h)) : [];
      if (unknown.length)
        throw validationError(
          unknown.map((h) => ({ field: h, rule: "unknown", message: `${entity} has no field "${h}"` })),
          "CSV header",
        );
      // Empty cells mean "no value"; lenient reading turns "" into absent.
      rows = parsed.data.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "string" ? readCell(unescapeCell(v), ent?.fields.get(k)?.type) : v])),
      );
    } else if (format === "json") {
      const data = typeof input.data === "string" ? safeJson(input.data) : input.data;
      if (!Array.isArray(data)) throw badRequest("JSON data must be a list of records");
      rows = data.map((r) => (isPlainObject(r) && isPlainObject(r.data) && typeof r.entity === "string" ? r.data : r)); // also accepts exported records
    } else throw badRequest(`format must be "csv" or "json"`);
    // Envelope columns of an export (id, version, timestamps) are not data: the import makes new records.
    rows = rows.map((r) => (isPlainObject(r) ? Object.fromEntries(Object.entries(r).filter(([k]) => !ENVELOPE.has(k))) : r));
    if (rows.length > MAX_IMPORT_ROWS) throw badRequest(`at most ${MAX_IMPORT_ROWS} rows per import (got ${rows.length}); split the file`);
    if (rows.length === 0) return input.dryRun ? { inserted: 0, wouldInsert: 0, ids: [], dryRun: true } : { inserted: 0, ids: [] };
    const opts: BulkOptions = { actor, lenient: format === "csv", rowOffset: 1 };
    try {
      if (input.dryRun) return { inserted: 0, wouldInsert: await this.dryRun(app, entity, rows, opts), ids: [], dryRun: true };
      const r = await this.entities.insertMany(app, entity, rows, opts);
      return { inserted: r.inserted, ids: r.ids };
    } catch (e) {
      // Rows are numbered as people count them (rowOffset 1): say so in the message.
      if (e instanceof TorqueError && e.code === "validation" && Array.isArray(e.data) && e.data.some((i: Issue) => i.row !== undefined))
        throw validationError(e.data as Issue[], ROWS_FROM_ONE(`${entity} rows`));
      throw e;
    }
  }

  /**
   * The real insert, in a transaction that is always rolled back, so its checks cannot
   * drift from an import's: field rules, references that must exist, and uniqueness
   * within the file and against stored data (the unique indexes). Inside a caller's
   * transaction insertMany sends no change events and runs no hooks, and the rollback
   * takes back the rows, their audit entries and full-text entries. Before-hooks
   * (workflows) are deliberately not run: a run is itself a write (a run record, maybe a
   * call out), so the rows are checked as given, and a hook that rewrites or refuses a
   * row is heard by the real import only. In skip mode every clash with a unique index
   * is reported, not just the first one a real import stops at.
   */
  private async dryRun(app: string, entity: string, rows: unknown[], opts: BulkOptions): Promise<number> {
    const found = await this.entities.ctx.db
      .transaction(async (tx): Promise<never> => {
        throw new RolledBack(await this.entities.insertMany(app, entity, rows, { ...opts, tx, onInvalid: "skip" }));
      })
      .catch((e) => {
        if (e instanceof RolledBack) return e.result;
        throw e;
      });
    if (found.skipped.length)
      throw validationError(
        found.skipped.toSorted((a, b) => (a.row ?? 0) - (b.row ?? 0)),
        `${entity} rows`,
      );
    return found.inserted;
  }

  async exportEntities(
    app: string,
    entity: string,
    opts: { format?: DataFormat; filter?: unknown; sort?: unknown; fields?: string[] },
    actor?: Actor,
  ): Promise<{ format: DataFormat; count: number; data: string | EntityRecord[] }> {
    const format = opts.format ?? "json";
    if (format !== "csv" && format !== "json") throw badRequest(`format must be "csv" or "json"`);
    const records: EntityRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.entities.query(app, entity, { filter: opts.filter, sort: opts.sort, fields: opts.fields, limit: 1000, cursor }, actor);
      records.push(...page.data);
      cursor = page.pagination.nextCursor;
      if (records.length >= MAX_EXPORT_ROWS) throw badRequest(`more than ${MAX_EXPORT_ROWS} records match; narrow the filter or use \`torque app export\``);
    } while (cursor);
    if (format === "json") return { format, count: records.length, data: records };
    // The header comes from the model, not from whichever fields these rows happen to
    // hold: every export of a type has the same columns, in model order.
    const ent = (await this.entities.ctx.apps.runtime(app)).model.entities.get(entity)!;
    const hidden = hiddenFields(actor, ent);
    const fields = opts.fields ?? ent.def.fields.map((f) => f.name).filter((f) => !hidden.has(f));
    const types = fields.map((f) => ent.fields.get(f)!.type);
    const rows = records.map((r) => [
      r.id,
      ...fields.map((f, i) => cell(Object.hasOwn(r.data, f) ? r.data[f] : undefined, types[i]!)),
      r.version,
      r.createdAt,
      r.updatedAt,
    ]);
    return { format, count: records.length, data: Papa.unparse({ fields: ["id", ...fields, "version", "createdAt", "updatedAt"], data: rows }) };
  }
}

/** CSV cells: multienum lists joined with commas (read back by multienum), objects as JSON, text made formula-safe. */
function cell(v: unknown, type: FieldType): string {
  if (v === undefined || v === null) return "";
  // Numbers are written as numbers (-5 stays -5): a spreadsheet reads them as values, never as formulas.
  if (type === "number" || type === "integer") return String(v);
  if (type === "multienum" && Array.isArray(v)) return escapeCell(v.join(", "));
  if (type === "json") return escapeCell(JSON.stringify(v)); // a text value too, so import reads it back as JSON
  return escapeCell(typeof v === "object" ? JSON.stringify(v) : String(v));
}

/** A file cell written as JSON by export is read back as the file object it was. */
function readCell(s: string, type: FieldType | undefined): unknown {
  if (type !== "file" || !s.startsWith("{")) return s;
  try {
    return JSON.parse(s);
  } catch {
    return s; // the file field names what is wrong with it
  }
}

// OWASP CSV injection: a cell starting with = + - @ tab or carriage return is run as a
// formula by spreadsheets, so it gets a leading apostrophe. A value that itself starts
// with an apostrophe before one of those (or before another apostrophe) gets one too, so
// import can always tell the added apostrophe from data: export then import round-trips.
const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED = /^'[=+\-@\t\r']/;

export function escapeCell(s: string): string {
  return FORMULA_START.test(s) || ESCAPED.test(s) ? `'${s}` : s;
}

export function unescapeCell(s: string): string {
  return ESCAPED.test(s) ? s.slice(1) : s;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`data is not valid JSON: ${(e as Error).message}`);
  }
}

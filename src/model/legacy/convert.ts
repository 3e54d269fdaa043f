// Import of the original (Rust) Torque's snake_case model format: converts what the
// canonical model can represent, reports (with JSON Pointers into the legacy document)
// what it cannot, and hands back the sample data for the new app. The steps live beside
// this file: entities → relationships → flows → layouts → samples.
import { validationError } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import type { Model } from "../schema";
import { validateModel } from "../validate";
import { arr, type Ctx, clip, type LegacyReportItem, obj, Reporter, str, sub, toName } from "./context";
import { convertEntities } from "./entities";
import { convertFlows } from "./flows";
import { convertLayouts } from "./layouts";
import { checkForeignKeys, convertRelationships } from "./relationships";
import { convertSamples, type LegacySampleRow } from "./samples";

export type { LegacyReportItem } from "./context";
export type { LegacySampleRow } from "./samples";

export interface LegacyConversion {
  model: Model;
  samples: LegacySampleRow[];
  report: LegacyReportItem[];
}

/** Keys only the legacy format has at the top level (the canonical model is closed and uses others). */
const LEGACY_TOP_KEYS = ["layouts", "sample_data", "flows", "start_page", "created_by", "config"];
const HANDLED_TOP_KEYS = new Set(["name", "description", "entities", "relationships", "flows", "layouts", "start_page", "sample_data"]);

/** True when a parsed JSON document looks like the legacy format (snake_case markers such as field_type / display_name / layouts / sample_data). */
export function isLegacyModel(doc: unknown): boolean {
  if (!isPlainObject(doc) || !Array.isArray(doc.entities)) return false;
  if (LEGACY_TOP_KEYS.some((k) => doc[k] !== undefined)) return true;
  if (typeof doc.version === "string") return true; // legacy "1.0.0"; canonical versions are integers
  return doc.entities.some((e) => {
    const entity = obj(e);
    return (
      entity !== undefined &&
      (entity.display_name !== undefined || entity.entity_type !== undefined || arr(entity.fields).some((f) => obj(f)?.field_type !== undefined))
    );
  });
}

/** Convert; throws a validation TorqueError only when the document is unusable (not an object, no entities array). */
export function convertLegacyModel(doc: unknown): LegacyConversion {
  if (!isPlainObject(doc)) throw validationError([{ path: "", rule: "type", message: "a legacy model must be a JSON object" }], "legacy model");
  if (!Array.isArray(doc.entities))
    throw validationError([{ path: "/entities", rule: "required", message: 'a legacy model needs an "entities" array' }], "legacy model");

  const report = new Reporter();
  const ctx: Ctx = { report, entities: new Map() };
  const name = str(doc.name);
  if (!name) report.changed("/name", 'the model has no name; it is called "Imported model"');
  const model: Model = { name: clip(name ?? "Imported model", 200), entities: [] };
  if (str(doc.description)) model.description = clip(str(doc.description)!, 4000);
  reportTopLevel(doc, report);

  convertEntities(doc.entities, ctx);
  const relationships = convertRelationships(arr(doc.relationships), ctx);
  checkForeignKeys(doc.entities, ctx);
  model.entities = [...ctx.entities.values()].map((e) => e.def);
  if (relationships.length) model.relationships = relationships;

  const xflows = convertFlows(arr(doc.flows), ctx);
  const pages = convertLayouts(arr(doc.layouts), ctx, new Set(xflows.map((x) => x.name)));
  if (pages.length) {
    model.pages = pages;
    model.startPage = startPage(
      doc.start_page,
      pages.map((p) => p.name),
      report,
    );
    model.navigation = pages.map((p) => ({ label: p.title ?? p.name, page: p.name }));
  }
  model.xflows = xflows;
  const samples = convertSamples(doc.sample_data, ctx);

  // A safety net, not a path the fixtures take: whatever still fails validation is named
  // so the import can say why the model was refused.
  for (const issue of validateModel(model)) report.warning("", `the converted model is still invalid at ${issue.path}: ${issue.message}`);
  return { model, samples, report: report.items };
}

function reportTopLevel(doc: Record<string, unknown>, report: Reporter): void {
  if (doc.version !== undefined)
    report.dropped("/version", `version ${JSON.stringify(doc.version)} dropped: Torque numbers every saved version of a model itself (1, 2, 3, …)`);
  if (doc.created_by !== undefined) report.dropped("/created_by", "created_by dropped: Torque records who changes a model in its audit log");
  if (doc.config !== undefined) report.dropped("/config", "config (database, caching, theme) dropped: these are settings of the Torque server, not of a model");
  for (const k of Object.keys(doc))
    if (!HANDLED_TOP_KEYS.has(k) && !["version", "created_by", "config"].includes(k))
      report.dropped(sub("", k), `"${k}" is not part of a Torque model; dropped`);
  const badIds = countNonUuidIds(doc);
  if (badIds.total)
    report.changed(
      "",
      `legacy ids (${badIds.total}) are not carried over: Torque refers to entity types, fields, pages and flows by name and gives records its own ids${badIds.invalid ? `; ${badIds.invalid} of them are not valid UUIDs, which is harmless here` : ""}`,
    );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids of the legacy model's parts (not of sample records): how many, and how many are not UUIDs. */
function countNonUuidIds(doc: Record<string, unknown>): { total: number; invalid: number } {
  const ids: unknown[] = [];
  const collect = (items: unknown[], nested?: string) =>
    items.forEach((it) => {
      const o = obj(it);
      if (o?.id !== undefined) ids.push(o.id);
      if (nested) collect(arr(o?.[nested]));
    });
  collect(arr(doc.entities), "fields");
  collect(arr(doc.relationships));
  collect(arr(doc.flows), "steps");
  collect(arr(doc.layouts), "components");
  return { total: ids.length, invalid: ids.filter((id) => typeof id !== "string" || !UUID.test(id)).length };
}

function startPage(legacy: unknown, pages: string[], report: Reporter): string {
  const wanted = str(legacy);
  const page = wanted && pages.find((p) => p === wanted || p === toName(wanted));
  if (page) return page;
  if (wanted) report.changed("/start_page", `start page "${wanted}" is not a layout of the model; the first page (${pages[0]}) opens instead`);
  return pages[0]!;
}

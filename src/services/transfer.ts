// Moving models and apps in and out as files: `model import` (canonical or the original
// Torque's legacy format, with sample data), `app export` and `app import`.
import { conflict, type Issue, validationError } from "../lib/errors";
import { isPlainObject, show } from "../lib/json";
import { convertLegacyModel, isLegacyModel, type LegacyReportItem } from "../model/legacy/convert";
import { appsHolding, getRows, linkRows } from "../store/entities/rows";
import type { Actor } from "./actor";
import { SLUG_PATTERN } from "./apps";
import { driverOf } from "./driver";
import type { EntityRecord } from "./entities/types";
import type { Services } from "./index";
import type { StoredModel } from "./models";
import { dependencyOrder } from "./seed/seed";

export interface ImportResult {
  model: StoredModel;
  app?: string;
  format: "canonical" | "legacy";
  loaded: Record<string, number>;
  /** What could not be represented or loaded, with where in the file it was. */
  report: LegacyReportItem[];
}

/**
 * Import a model file. A canonical file may carry `sampleData: {entity: [data, …]}`
 * beside the model; a legacy file carries `sample_data`. Unless `noApp`, an app is
 * created with a slug derived from the model name and the sample data is loaded into it.
 */
export async function importModel(s: Services, doc: unknown, opts: { name?: string; noApp?: boolean; slug?: string; actor: Actor }): Promise<ImportResult> {
  if (!isPlainObject(doc)) throw validationError([{ path: "", rule: "type", message: "a model file must hold a JSON object" }], "model file");
  let model: unknown,
    samples: { entity: string; legacyId?: string; data: Record<string, unknown> }[] = [];
  let report: LegacyReportItem[] = [];
  const legacy = isLegacyModel(doc);
  if (legacy) {
    const c = convertLegacyModel(doc);
    model = c.model;
    samples = c.samples;
    report = [...c.report];
  } else {
    const { sampleData, ...rest } = doc;
    model = rest;
    if (sampleData !== undefined) {
      if (!isPlainObject(sampleData))
        throw validationError([{ path: "/sampleData", rule: "type", message: "sampleData must map entity names to lists of records" }], "model file");
      for (const [entity, rows] of Object.entries(sampleData)) {
        if (!Array.isArray(rows)) throw validationError([{ path: `/sampleData/${entity}`, rule: "type", message: "must be a list of records" }], "model file");
        rows.forEach((data, i) =>
          samples.push({
            entity,
            legacyId: isPlainObject(data) && (typeof data.id === "string" || typeof data.id === "number") ? String(data.id) : `#${i}`,
            data: isPlainObject(data) ? data : {},
          }),
        );
      }
    }
  }
  if (opts.name) (model as Record<string, unknown>).name = opts.name;
  if (opts.slug !== undefined && !opts.noApp) {
    // Refuse a bad or taken slug before anything is created.
    if (!SLUG_PATTERN.test(opts.slug))
      throw validationError(
        [{ field: "slug", rule: "pattern", message: `slug "${opts.slug}" must be lowercase letters, digits and inner hyphens (at most 63)` }],
        "app",
      );
    if ((await s.apps.list()).some((a) => a.slug === opts.slug))
      throw conflict(`an app with slug "${opts.slug}" already exists`, { field: "slug", rule: "unique" });
  }
  const stored = await s.models.create(model, opts.actor, legacy ? "imported from the legacy Torque format" : "imported");
  const result: ImportResult = { model: stored, format: legacy ? "legacy" : "canonical", loaded: {}, report };
  if (opts.noApp) return result;
  try {
    const slug = opts.slug ?? (await s.apps.freeSlug(stored.name));
    await s.apps.create(stored.id, slug, opts.actor);
    result.app = slug;
    result.loaded = await loadSamples(s, slug, samples, report, opts.actor);
  } catch (e) {
    // An import lands whole or not at all: no model without its app.
    await s.models.delete(stored.id, opts.actor, { withApps: true }).catch(() => {});
    throw e;
  }
  return result;
}

/**
 * Load sample rows: ids are assigned up front so references written with the file's own
 * ids ("legacy ids") can be mapped; a row that still does not validate is skipped and
 * reported rather than failing the whole import.
 */
async function loadSamples(
  s: Services,
  slug: string,
  samples: { entity: string; legacyId?: string; data: Record<string, unknown> }[],
  report: LegacyReportItem[],
  actor: Actor,
): Promise<Record<string, number>> {
  const rt = await s.apps.runtime(slug);
  const idOf = new Map<string, string>(); // "entity:legacyId" → new id
  for (const r of samples) if (r.legacyId !== undefined) idOf.set(`${r.entity}:${r.legacyId}`, Bun.randomUUIDv7());
  const loaded: Record<string, number> = {};
  for (const type of dependencyOrder(rt.model)) {
    const ent = rt.model.entities.get(type)!;
    const rows = samples.filter((r) => r.entity === type);
    if (!rows.length) continue;
    const data = rows.map((r, i) => {
      const d = { ...r.data };
      delete d.id;
      for (const f of ent.references) {
        const v = Object.hasOwn(d, f.name) ? d[f.name] : undefined; // a reference may be named "constructor"
        if (v === undefined || v === null) continue;
        const mapped = idOf.get(`${f.entity}:${show(v)}`);
        if (mapped) d[f.name] = mapped;
        else {
          report.push({
            path: `/sample_data/${type}/${i}/${f.name}`,
            severity: "warning",
            message: `${type} row ${i}: ${f.name} refers to ${f.entity} ${JSON.stringify(v)}, which the file does not contain; left empty`,
          });
          delete d[f.name];
        }
      }
      return d;
    });
    const ids = rows.map((r) => (r.legacyId !== undefined ? idOf.get(`${type}:${r.legacyId}`)! : Bun.randomUUIDv7()));
    const res = await s.entities.insertMany(slug, type, data, { actor, ids, lenient: true, onInvalid: "skip" });
    for (const issue of res.skipped)
      report.push({
        path: `/sample_data/${type}/${issue.row}`,
        severity: "dropped",
        message: `${type} row ${issue.row} not loaded: ${issue.field ? `${issue.field}: ` : ""}${issue.message}`,
      });
    loaded[type] = res.inserted;
  }
  for (const t of new Set(samples.map((r) => r.entity)))
    if (!rt.model.entities.has(t))
      report.push({ path: `/sample_data/${t}`, severity: "dropped", message: `sample data for "${t}", which is not an entity type of the model` });
  return loaded;
}

export interface AppExport {
  format: "torque-app";
  formatVersion: 1;
  app: string;
  exportedAt: string;
  model: unknown;
  entities: EntityRecord[];
  links: { relationship: string; from: string; to: string }[];
}

/** Everything an app holds: its model and every record with ids and versions, and the n:m links. */
export async function exportApp(s: Services, slug: string): Promise<AppExport> {
  const rt = await s.apps.runtime(slug);
  const entities: EntityRecord[] = [];
  for (const type of dependencyOrder(rt.model)) {
    let cursor: string | null = null;
    do {
      const page = await s.entities.query(slug, type, { limit: 1000, cursor });
      entities.push(...page.data);
      cursor = page.pagination.nextCursor;
    } while (cursor);
  }
  const links = await linkRows.ofApp(driverOf(s), rt.id);
  return { format: "torque-app", formatVersion: 1, app: slug, exportedAt: new Date().toISOString(), model: rt.model.doc, entities, links };
}

/**
 * Load an export into app `slug`: into the existing app when there is one (the records
 * must fit its model), else into a new app with a new model from the file.
 *
 * Ids: a restore keeps them. When the file's ids belong to another app of this database
 * (a copy beside the original, e.g. `crm` → `crm-staging`), every record gets a new id
 * and every reference and n:m link in the file is remapped to the copies, so the copy
 * never points into the original. Ids already in the target app mean the file was
 * imported there before: refused, nothing changes.
 */
export async function importApp(
  s: Services,
  slug: string,
  doc: unknown,
  actor: Actor,
): Promise<{ app: string; created: boolean; loaded: Record<string, number>; links: number; ids: "kept" | "new" }> {
  if (!isPlainObject(doc) || doc.format !== "torque-app" || !Array.isArray(doc.entities))
    throw validationError(
      [
        {
          path: "/format",
          rule: "format",
          message: 'not an app export: expected {"format": "torque-app", "entities": [...]} as written by `torque app export`',
        },
      ],
      "app file",
    );
  const exists = (await s.apps.list()).some((a) => a.slug === slug);
  if (!exists && !isPlainObject(doc.model))
    throw validationError([{ path: "/model", rule: "required", message: `the file has no model, and app ${slug} does not exist` }], "app file");
  // Check every record's type against the model it will land in before creating anything.
  const types = new Set(
    exists ? (await s.apps.runtime(slug)).model.entities.keys() : ((doc.model as { entities?: { name?: unknown }[] }).entities ?? []).map((e) => show(e?.name)),
  );
  const issues: Issue[] = [];
  const byType = new Map<string, { rec: Record<string, unknown>; i: number }[]>();
  (doc.entities as unknown[]).forEach((rec, i) => {
    if (!isPlainObject(rec) || typeof rec.entity !== "string" || typeof rec.id !== "string")
      issues.push({ row: i, rule: "type", message: "each record needs id, entity and data" });
    else if (!types.has(rec.entity)) issues.push({ row: i, field: "entity", rule: "unknown", message: `app ${slug} has no entity type "${rec.entity}"` });
    else {
      issues.push(...envelopeIssues(rec, i));
      (byType.get(rec.entity) ?? byType.set(rec.entity, []).get(rec.entity)!).push({ rec, i });
    }
  });
  if (issues.length) throw validationError(issues, "app file");
  const fileIds = (doc.entities as { id: string }[]).map((r) => r.id);
  const targetId = exists ? (await s.apps.runtime(slug)).id : undefined;
  const held = await heldIds(s, fileIds);
  const newId = held.size ? new Map(fileIds.map((id) => [id, copyId(slug, id)])) : undefined;
  const mine = [...held, ...(newId ? await heldIds(s, [...newId.values()]) : [])].find(([, app]) => app === targetId);
  if (mine) throw conflict(`app ${slug} already holds records of this file (e.g. ${mine[0]}): it was imported there before`, { rule: "unique", field: "id" });
  const idOf = (id: string) => newId?.get(id) ?? id;
  let created: string | undefined; // id of the model made for a new app
  if (!exists) {
    const m = await s.models.create(doc.model, actor, `imported with app ${slug}`);
    created = m.id;
    await s.apps.create(m.id, slug, actor).catch(async (e) => {
      await s.models.delete(m.id, actor);
      throw e;
    });
  }
  const rt = await s.apps.runtime(slug);
  const loaded: Record<string, number> = {};
  const links = Array.isArray(doc.links) ? doc.links : [];
  const now = new Date().toISOString();
  try {
    // One transaction for every type and link: an import lands whole or not at all.
    await driverOf(s).transaction(async (tx) => {
      for (const type of dependencyOrder(rt.model)) {
        const rows = byType.get(type) ?? [];
        if (!rows.length) continue;
        const refs = rt.model.entities.get(type)!.references;
        const data = rows.map((r) => (newId && isPlainObject(r.rec.data) ? remapReferences(r.rec.data, refs, newId) : r.rec.data));
        const res = await s.entities.insertMany(slug, type, data, {
          actor,
          tx,
          ids: rows.map((r) => idOf(r.rec.id as string)),
          meta: rows.map((r) => ({
            version: typeof r.rec.version === "number" ? r.rec.version : 1,
            createdAt: timestamp(r.rec.createdAt),
            updatedAt: timestamp(r.rec.updatedAt),
          })),
        });
        loaded[type] = res.inserted;
      }
      for (const [i, l] of links.entries()) {
        if (!isPlainObject(l) || !rt.model.relationships.has(show(l.relationship)))
          throw validationError(
            [
              {
                path: `/links/${i}`,
                rule: "reference",
                message: `link names relationship ${JSON.stringify(isPlainObject(l) ? l.relationship : l)}, which the model does not have`,
              },
            ],
            "app file",
          );
        const rel = rt.model.relationships.get(show(l.relationship))!;
        const from = idOf(show(l.from)),
          to = idOf(show(l.to));
        // Both ends must be records of this app, of the relationship's types.
        for (const [end, id, type] of [
          ["from", from, rel.from],
          ["to", to, rel.to],
        ] as const)
          if (!(await getRows(tx, rt.id, type, [id])).length)
            throw validationError(
              [
                {
                  path: `/links/${i}/${end}`,
                  rule: "reference",
                  message: `link ${rel.name} names ${type} "${id}", which is neither in the file nor in app ${slug}`,
                },
              ],
              "app file",
            );
        await linkRows.add(tx, rt.id, rel.name, from, to, now);
      }
    });
  } catch (e) {
    // A new app and model made for this import go again; an existing app was never touched.
    if (created) await s.models.delete(created, actor, { withApps: true }).catch(() => {});
    throw e;
  }
  return { app: slug, created: !!created, loaded, links: links.length, ids: newId ? "new" : "kept" };
}

/**
 * The id a record of a file gets in a copy: a UUIDv7 that keeps the original's time part
 * (so copies keep their order) with the rest derived from the target app and the original
 * id. The same file imported into the same app twice so gives the same ids, and the second
 * import is recognised and refused instead of loading a second copy.
 */
function copyId(slug: string, id: string): string {
  const h = new Bun.CryptoHasher("sha256").update(`${slug}\0${id}`).digest("hex");
  const time = /^[0-9a-f]{8}-[0-9a-f]{4}-7/i.test(id) ? id.slice(0, 8) + id.slice(9, 13) : Date.now().toString(16).padStart(12, "0").slice(-12);
  const variant = ((parseInt(h[15]!, 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${h.slice(0, 3)}-${variant}${h.slice(3, 6)}-${h.slice(6, 18)}`.toLowerCase();
}

/** Which of these ids exist in the database, and in which app (by app id). */
async function heldIds(s: Services, ids: string[]): Promise<Map<string, number>> {
  const held = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const r of await appsHolding(driverOf(s), chunk)) held.set(r.id, r.app_id);
  }
  return held;
}

/** A record's data with reference values that name records of the file turned into their copies' ids. */
function remapReferences(data: Record<string, unknown>, refs: { name: string }[], newId: Map<string, string>): Record<string, unknown> {
  const out = { ...data };
  for (const f of refs) {
    const v = out[f.name];
    if (typeof v === "string" && newId.has(v)) out[f.name] = newId.get(v)!;
  }
  return out;
}

/** Ids as Torque issues them (UUIDs, lowercase): an id is stored as it is, so nothing else may come in. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** ISO 8601 date and time with a zone, as Torque writes it (2024-05-01T12:00:00.000Z) or with an offset. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const shown = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
};

/**
 * An export's record envelope is stored as it is (ids, versions and timestamps are not
 * made again on a restore), so each is checked first: the file is refused listing every
 * problem, and nothing changes. (Before, `x'; DROP TABLE entities;--` as an id, version
 * -5 and "not a date" were stored.)
 */
function envelopeIssues(rec: Record<string, unknown>, i: number): Issue[] {
  const out: Issue[] = [];
  const at = (key: string) => `/entities/${i}/${key}`;
  if (!UUID.test(rec.id as string))
    out.push({ path: at("id"), rule: "format", message: `id must be a UUID as Torque issues them (lowercase), not ${shown(rec.id)}` });
  if (rec.version !== undefined && (typeof rec.version !== "number" || !Number.isInteger(rec.version) || rec.version < 1))
    out.push({ path: at("version"), rule: "range", message: `version must be a whole number, 1 or more, not ${shown(rec.version)}` });
  for (const key of ["createdAt", "updatedAt"]) {
    const v = rec[key];
    if (v !== undefined && (typeof v !== "string" || !ISO_TIME.test(v) || Number.isNaN(Date.parse(v))))
      out.push({ path: at(key), rule: "format", message: `${key} must be an ISO 8601 date and time such as 2024-05-01T12:00:00.000Z, not ${shown(v)}` });
  }
  return out;
}

/** A checked timestamp in the one form stored (UTC, milliseconds), so text order stays time order. */
const timestamp = (v: unknown) => (typeof v === "string" ? new Date(v).toISOString() : undefined);

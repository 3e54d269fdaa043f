// Legacy sample_data → rows the app loader can create: values coerced to the converted
// field types, references left as the legacy id of the target (as a string; the loader
// maps them to new ids), and entity types ordered so referenced ones load first.
import { fieldKinds } from "../fields/registry";
import { arr, type Ctx, type EntityInfo, entityOf, obj, sub } from "./context";

export interface LegacySampleRow {
  entity: string;
  legacyId?: string;
  data: Record<string, unknown>;
}

/** Per entity and key, how many values were dropped, where first, and why. */
type Tally = Map<string, { count: number; path: string; why: string }>;

export function convertSamples(sampleData: unknown, ctx: Ctx): LegacySampleRow[] {
  const groups: { info: EntityInfo; rows: LegacySampleRow[] }[] = [];
  for (const [legacyName, records] of Object.entries(obj(sampleData) ?? {})) {
    const path = sub("", "sample_data", legacyName);
    const info = entityOf(ctx, legacyName);
    if (!info) {
      ctx.report.dropped(path, `sample data for ${legacyName} dropped: the model has no such entity type`);
      continue;
    }
    const tally: Tally = new Map();
    const rows: LegacySampleRow[] = [];
    arr(records).forEach((raw, k) => {
      const record = obj(raw);
      if (!record) return void ctx.report.dropped(sub(path, k), "sample record is not an object; dropped");
      rows.push(convertRecord(record, sub(path, k), info, tally));
    });
    for (const [key, t] of tally) ctx.report.dropped(t.path, `${key} dropped from ${t.count} ${info.def.name} sample record(s): ${t.why}`);
    checkRequired(rows, info, path, ctx);
    groups.push({ info, rows });
  }
  checkReferences(groups, ctx);
  return referencedFirst(groups).flatMap((g) => g.rows);
}

function convertRecord(record: Record<string, unknown>, path: string, info: EntityInfo, tally: Tally): LegacySampleRow {
  // Only text and numbers are ids (others could not be referred to, and String() of {"toString": 1} throws).
  const hasId = typeof record.id === "string" || typeof record.id === "number";
  const row: LegacySampleRow = { entity: info.def.name, ...(hasId && { legacyId: String(record.id) }), data: {} };
  const drop = (key: string, why: string) => {
    const t = tally.get(key) ?? { count: 0, path: sub(path, key), why };
    t.count++;
    tally.set(key, t);
  };
  for (const [key, value] of Object.entries(record)) {
    if (key === "id") continue;
    const name = info.fieldNames.get(key);
    const field = name ? info.def.fields.find((f) => f.name === name) : undefined;
    if (!field) {
      drop(key, `not a field of ${info.def.name}`);
      continue;
    }
    // Torque treats null as "not set", so an empty value simply stays out of the data.
    if (value === null || value === undefined) continue;
    if (field.type === "reference") {
      if (typeof value === "string" || typeof value === "number") row.data[field.name] = String(value);
      else drop(key, `a reference must hold the id of a ${field.entity}`);
      continue;
    }
    const c = fieldKinds[field.type].coerce(value, field, true);
    const fallback = field.default !== undefined ? `; the default ${JSON.stringify(field.default)} applies` : "";
    if (c.ok) row.data[field.name] = c.value;
    else drop(key, `the value ${c.message}${fallback}`);
  }
  return row;
}

/** Rows missing a required field without a default will be refused by the loader: say so now. */
function checkRequired(rows: LegacySampleRow[], info: EntityInfo, path: string, ctx: Ctx): void {
  for (const f of info.def.fields) {
    if (!f.required || f.default !== undefined) continue;
    const missing = rows.filter((r) => r.data[f.name] === undefined).length;
    if (missing) ctx.report.warning(path, `${missing} ${info.def.name} sample record(s) lack the required field ${f.name} and will not load`);
  }
}

/** References to legacy ids that no sample record has will not resolve when loading. */
function checkReferences(groups: { info: EntityInfo; rows: LegacySampleRow[] }[], ctx: Ctx): void {
  const ids = new Map(groups.map((g) => [g.info.def.name, new Set(g.rows.map((r) => r.legacyId))]));
  for (const { info, rows } of groups)
    for (const f of info.def.fields) {
      if (f.type !== "reference") continue;
      const dangling = rows.filter((r) => r.data[f.name] !== undefined && !ids.get(f.entity!)?.has(String(r.data[f.name])));
      if (dangling.length)
        ctx.report.warning(
          sub("", "sample_data", info.legacyName),
          `${dangling.length} ${info.def.name} sample record(s) refer through ${f.name} to ${f.entity} ids that the sample data does not contain`,
        );
    }
}

/** Topological order over reference fields; a cycle keeps the file's order for what is left. */
function referencedFirst<G extends { info: EntityInfo }>(groups: G[]): G[] {
  const out: G[] = [];
  const pending = [...groups];
  while (pending.length) {
    const ready = pending.findIndex((g) =>
      g.info.def.fields.every((f) => f.type !== "reference" || f.entity === g.info.def.name || !pending.some((p) => p !== g && p.info.def.name === f.entity)),
    );
    out.push(...pending.splice(ready === -1 ? 0 : ready, 1));
  }
  return out;
}

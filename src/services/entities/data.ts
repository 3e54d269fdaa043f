// Turning input into the data a record stores: unknown fields refused, defaults applied,
// each value coerced and checked by its field type, required fields enforced. Pure: the
// checks that need the database (references, uniqueness) are in integrity.ts.

import type { Issue } from "../../lib/errors";
import { isPlainObject, own } from "../../lib/json";
import type { CompiledEntity } from "../../model/compile";
import { fieldKinds } from "../../model/fields/registry";
import type { Field } from "../../model/schema";

export type Data = Record<string, unknown>;

function defaultValue(f: Field, now: string): unknown {
  if (f.default === "now" && f.type === "datetime") return now;
  if (f.default === "now" && f.type === "date") return now.slice(0, 10);
  return structuredClone(f.default);
}

/**
 * Validate input for a create (`previous` undefined) or a partial update (`previous` the
 * stored data; null in the input clears a field). Data handed back by a before-hook is a
 * whole record and gets no defaults (`applyDefaults` false): a field it left out stays out. Keys of fields removed from the model
 * are carried over from `previous` untouched, so a model change never loses data.
 */
export function normaliseData(
  ent: CompiledEntity,
  input: unknown,
  previous: Data | undefined,
  lenient: boolean,
  now: string,
  applyDefaults = true,
): { data: Data; issues: Issue[] } {
  const issues: Issue[] = [];
  if (!isPlainObject(input)) return { data: {}, issues: [{ field: "data", rule: "type", message: "data must be an object of field values" }] };
  const data: Data = previous ? { ...previous } : {};
  for (const key of Object.keys(input)) if (!ent.fields.has(key)) issues.push({ field: key, rule: "unknown", message: `${ent.name} has no field "${key}"` });
  for (const f of ent.def.fields) {
    let v = own(input, f.name);
    if (lenient && v === "") v = previous ? null : undefined; // an empty CSV cell: no value (a default applies on create)
    if (v === undefined && previous) continue; // untouched by a partial update
    if (v === undefined && !previous && applyDefaults && f.default !== undefined) v = defaultValue(f, now);
    if (v === null || v === undefined) {
      delete data[f.name];
      continue;
    }
    const r = fieldKinds[f.type].coerce(v, f, lenient);
    if (r.ok) data[f.name] = r.value;
    else issues.push({ field: f.name, rule: r.rule, message: `${f.name} ${r.message}` });
  }
  for (const f of ent.def.fields)
    if (f.required && (own(data, f.name) === undefined || own(data, f.name) === null) && !issues.some((i) => i.field === f.name))
      issues.push({ field: f.name, rule: "required", message: `${f.name} is required` });
  return { data, issues };
}

/** The data a caller sees: the model's current fields only (values of removed fields stay stored), optionally projected. */
export function visibleData(ent: CompiledEntity, data: Data, fields?: string[]): Data {
  const out: Data = {};
  for (const f of fields ?? ent.def.fields.map((x) => x.name)) if (own(data, f) !== undefined && ent.fields.has(f)) out[f] = data[f];
  return out;
}

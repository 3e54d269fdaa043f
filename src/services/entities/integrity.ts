// Checks and effects that need the database: references must point at existing
// entities, unique values must be unique, and a delete follows each relationship's
// onDelete rule (cascade, restrict, setNull) so no reference is left dangling.

import { conflict, type Issue, validationError } from "../../lib/errors";
import { own } from "../../lib/json";
import type { CompiledEntity, CompiledModel } from "../../model/compile";
import type { Dialect } from "../../store/dialect";
import type { Param, Queryable } from "../../store/driver";
import { NONE_GROWN } from "../../store/entities/growth";
import { desiredIndexes } from "../../store/entities/indexes";
import { deleteRow, type EntityRow, holderOf, idExists, idTaken, linkRows, referrers, uniqueHolder, updateRow } from "../../store/entities/rows";
import type { Data } from "./data";

/** Reference and uniqueness checks for the fields that changed (all fields on create). */
export async function checkStoredRules(q: Queryable, d: Dialect, appId: number, ent: CompiledEntity, id: string, data: Data, previous?: Data): Promise<void> {
  const issues: Issue[] = [];
  const changed = (f: string) => !previous || own(previous, f) !== own(data, f);
  for (const f of ent.references) {
    const v = own(data, f.name);
    if (typeof v === "string" && changed(f.name) && !(await idExists(q, appId, f.entity!, v)))
      issues.push({ field: f.name, rule: "reference", message: `${f.name} refers to ${f.entity} "${v}", which does not exist` });
  }
  for (const f of ent.unique) {
    const v = own(data, f.name);
    if (v === undefined || v === null || !changed(f.name)) continue;
    const holder = await uniqueHolder(q, d, appId, ent.name, f, (typeof v === "boolean" ? (v ? 1 : 0) : v) as Param, id);
    if (holder) issues.push({ field: f.name, rule: "unique", message: `${f.name} must be unique: ${ent.name} ${holder} already has ${JSON.stringify(v)}` });
  }
  if (issues.length) throw validationError(issues);
}

export interface DeleteEffect {
  op: "delete" | "update";
  type: string;
  row: EntityRow;
  before: Data;
  after?: Data;
  version: number;
}

/**
 * Apply onDelete rules for removing `id` (of `ent`), recursively for cascades. Returns
 * every other entity deleted or changed, for the audit log and change events.
 */
export async function applyDeleteRules(
  q: Queryable,
  d: Dialect,
  appId: number,
  model: CompiledModel,
  ent: CompiledEntity,
  id: string,
  now: string,
  seen = new Set<string>(),
): Promise<DeleteEffect[]> {
  seen.add(id);
  const effects: DeleteEffect[] = [];
  for (const ref of ent.incoming) {
    const rows = (await referrers(q, d, appId, ref.entity, ref.field, id)).filter((r) => !seen.has(r.id));
    if (!rows.length) continue;
    const via = ref.relationship ? `relationship ${ref.relationship}` : `field ${ref.entity}.${ref.field}`;
    if (ref.onDelete === "restrict")
      throw conflict(
        `cannot delete ${ent.name} ${id}: ${rows.length} ${ref.entity} entit${rows.length === 1 ? "y refers" : "ies refer"} to it (${via}, onDelete restrict)`,
        {
          rule: "restrict",
          relationship: ref.relationship,
          entity: ref.entity,
          field: ref.field,
          count: rows.length,
        },
      );
    for (const r of rows) {
      const before = JSON.parse(r.data) as Data;
      if (ref.onDelete === "cascade") {
        const child = model.entities.get(ref.entity)!;
        effects.push(...(await applyDeleteRules(q, d, appId, model, child, r.id, now, seen)));
        await deleteRow(q, appId, ref.entity, r.id);
        effects.push({ op: "delete", type: ref.entity, row: r, before, version: r.version });
      } else {
        const after = { ...before };
        delete after[ref.field];
        await updateRow(q, appId, ref.entity, r.id, JSON.stringify(after), r.version, now, r.data);
        effects.push({ op: "update", type: ref.entity, row: r, before, after, version: r.version + 1 });
      }
    }
  }
  for (const { rel, side } of ent.manyToMany) {
    const linked = await linkRows.others(q, appId, rel.name, side, id);
    if (linked.length && rel.onDelete === "restrict")
      throw conflict(
        `cannot delete ${ent.name} ${id}: it is linked to ${linked.length} ${side === "from" ? rel.to : rel.from} (relationship ${rel.name}, onDelete restrict)`,
        {
          rule: "restrict",
          relationship: rel.name,
          count: linked.length,
        },
      );
    // n:m cascade and setNull both mean: the links go, the other entities stay.
    await linkRows.removeAllFor(q, appId, rel.name, side, id);
    if (rel.from === rel.to) await linkRows.removeAllFor(q, appId, rel.name, side === "from" ? "to" : "from", id);
  }
  return effects;
}

/** A value as the store binds it for comparison with a field (booleans read as 1 and 0). */
export const stored = (v: unknown): Param => (typeof v === "boolean" ? (v ? 1 : 0) : v) as Param;

/**
 * Why a row a bulk load left out (insertLoadedRows) did not fit: its id, a unique field
 * or a composite unique index is taken (by a stored row or one earlier in the load).
 */
export async function uniqueClash(q: Queryable, appId: number, model: CompiledModel, ent: CompiledEntity, id: string, data: Data, row: number): Promise<Issue> {
  if (await idTaken(q, appId, id)) return { row, field: "id", rule: "unique", message: `an entity with id ${id} already exists` };
  const taken = (fields: string) => ({
    row,
    field: fields.split(", ")[0],
    rule: "unique",
    message: `${fields} must be unique: another ${ent.name} already has this value`,
  });
  for (const f of ent.unique) {
    const v = own(data, f.name);
    if (v !== undefined && v !== null && (await uniqueHolder(q, q.dialect, appId, ent.name, f, stored(v), id))) return taken(f.name);
  }
  for (const ix of desiredIndexes(appId, model, q.dialect, NONE_GROWN))
    if (ix.unique && ix.type === ent.name && ix.fields.length > 1) {
      const values = ix.fields.map((f) => own(data, f));
      if (values.some((v) => v === undefined || v === null)) continue; // NULLs are never equal
      const fields = ix.fields.map((f) => ent.fields.get(f)!);
      if (await holderOf(q, appId, ent.name, fields, values.map(stored), id)) return taken(ix.fields.join(", "));
    }
  return { row, rule: "unique", message: `a unique value of this ${ent.name} is taken` };
}

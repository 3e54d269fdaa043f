// `include`: related entities loaded alongside a page, in one query per name (never one
// per row), by reference field (the entity referred to) or by relationship name (the
// entities on the other side).

import { validationError } from "../../lib/errors";
import type { CompiledEntity, CompiledModel } from "../../model/compile";
import { relationshipField } from "../../model/compile";
import type { Dialect } from "../../store/dialect";
import type { Queryable } from "../../store/driver";
import { getRows, linkRows, referrersOfAny } from "../../store/entities/rows";
import { toRecord } from "./context";
import type { EntityRecord } from "./types";

/** At most this many related rows per include name and page. */
export const MAX_INCLUDED = 5000;

export async function attachIncludes(
  q: Queryable,
  d: Dialect,
  appId: number,
  model: CompiledModel,
  ent: CompiledEntity,
  records: EntityRecord[],
  include: unknown,
): Promise<void> {
  if (include === undefined || include === null) return;
  if (!Array.isArray(include) || include.some((i) => typeof i !== "string"))
    throw validationError([{ field: "include", rule: "type", message: "include must be a list of reference field or relationship names" }], "request");
  // Every name is checked, also when the page is empty: the same request must not be refused only on some pages.
  for (const name of include as string[]) {
    if (ent.fields.get(name)?.type === "reference") continue;
    const rel = model.relationships.get(name);
    if (!rel || (rel.from !== ent.name && rel.to !== ent.name))
      throw validationError(
        [{ field: "include", rule: "unknown", message: `"${name}" is neither a reference field of ${ent.name} nor one of its relationships` }],
        "request",
      );
  }
  if (!records.length) return;
  for (const r of records) r.related ??= {};
  for (const name of include as string[]) {
    const field = ent.fields.get(name);
    if (field?.type === "reference") {
      await attachReferenced(q, appId, model.entities.get(field.entity!)!, records, name, (rec) => rec.data[name]);
      continue;
    }
    const rel = model.relationships.get(name)!;
    if (rel.kind === "n:m") {
      const side = rel.from === ent.name ? "from" : "to";
      const other = model.entities.get(side === "from" ? rel.to : rel.from)!;
      const ids = records.map((r) => r.id);
      const links = await linkRows.ofAny(q, appId, rel.name, side, ids, MAX_INCLUDED);
      const rows = new Map((await getRows(q, appId, other.name, [...new Set(links.map((l) => l.b))])).map((r) => [r.id, toRecord(other, r)]));
      for (const rec of records) rec.related![name] = links.filter((l) => l.a === rec.id && rows.has(l.b)).map((l) => rows.get(l.b)!);
      continue;
    }
    const fk = relationshipField(model.doc, rel)!;
    if (rel.to === ent.name) {
      // The "many" side looks up its one parent through its reference field.
      await attachReferenced(q, appId, model.entities.get(rel.from)!, records, name, (rec) => rec.data[fk.name]);
      continue;
    }
    const child = model.entities.get(rel.to)!;
    const ids = records.map((r) => r.id);
    const rows = await referrersOfAny(q, d, appId, child.name, fk, ids, MAX_INCLUDED);
    const byParent = new Map<string, EntityRecord[]>();
    for (const row of rows) {
      const rec = toRecord(child, row);
      const parent = rec.data[fk.name] as string;
      (byParent.get(parent) ?? byParent.set(parent, []).get(parent)!).push(rec);
    }
    for (const rec of records) rec.related![name] = rel.kind === "1:1" ? (byParent.get(rec.id)?.[0] ?? null) : (byParent.get(rec.id) ?? []);
  }
}

async function attachReferenced(
  q: Queryable,
  appId: number,
  target: CompiledEntity,
  records: EntityRecord[],
  name: string,
  idOf: (r: EntityRecord) => unknown,
) {
  const ids = [...new Set(records.map(idOf).filter((v): v is string => typeof v === "string"))];
  const rows = new Map((await getRows(q, appId, target.name, ids)).map((r) => [r.id, toRecord(target, r)]));
  for (const rec of records) {
    const id = idOf(rec);
    rec.related![name] = typeof id === "string" ? (rows.get(id) ?? null) : null;
  }
}

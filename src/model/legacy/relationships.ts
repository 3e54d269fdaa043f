// Legacy relationships name a foreign key column (`to_field` on `to_entity`, pointing at
// `from_entity.id`). In Torque that column is a reference field, and the relationship
// names it as its `inverse`; cascade rules become `onDelete`.
import type { Field, Relationship } from "../schema";
import { arr, type Ctx, entityOf, fieldOf, lookup, obj, show, str, sub, toName, uniqueName } from "./context";

const KINDS: Record<string, Relationship["kind"]> = { OneToMany: "1:n", ManyToOne: "1:n", OneToOne: "1:1", ManyToMany: "n:m" };
const ON_DELETE: Record<string, Relationship["onDelete"]> = { Cascade: "cascade", Delete: "cascade", SetNull: "setNull", Restrict: "restrict" };

export function convertRelationships(legacy: unknown[], ctx: Ctx): Relationship[] {
  const { report } = ctx;
  const out: Relationship[] = [];
  const taken = new Set<string>();
  legacy.forEach((raw, i) => {
    const r = obj(raw),
      path = sub("", "relationships", i);
    const legacyName = str(r?.name) ?? `relationship_${i + 1}`;
    const type = str(r?.type) ?? "OneToMany";
    const kind = lookup(KINDS, type);
    if (!r || !kind) return report.dropped(path, `relationship ${legacyName} of type "${type}" dropped: Torque knows 1:1, 1:n and n:m`);
    // ManyToOne is the same link seen from the other side: turn it around.
    const flip = type === "ManyToOne";
    const from = entityOf(ctx, flip ? r.to_entity : r.from_entity),
      to = entityOf(ctx, flip ? r.from_entity : r.to_entity);
    const keyName = str(flip ? r.from_field : r.to_field),
      targetKey = str(flip ? r.to_field : r.from_field);
    if (!from || !to) return report.dropped(path, `relationship ${legacyName} dropped: it joins entity types the model does not define`);

    const name = uniqueName(toName(legacyName), taken);
    if (name !== legacyName) report.changed(sub(path, "name"), `relationship "${legacyName}" renamed to "${name}"`);
    const rel: Relationship = { name, from: from.def.name, to: to.def.name, kind };
    if (flip) report.changed(sub(path, "type"), `ManyToOne ${legacyName} expressed as 1:n from ${from.def.name} to ${to.def.name}`);
    if (r.ui_config !== undefined) report.dropped(sub(path, "ui_config"), `display settings of relationship ${legacyName} dropped`);

    if (kind !== "n:m") {
      if (targetKey && targetKey !== "id")
        report.warning(
          sub(path, flip ? "to_field" : "from_field"),
          `${legacyName} keyed on ${from.def.name}.${targetKey}; Torque references point at the record id`,
        );
      const key = referenceField(keyName, from.def.name, to, sub(path, flip ? "from_field" : "to_field"), ctx);
      rel.inverse = key.name;
      const onDelete = onDeleteRule(r.cascade, sub(path, "cascade"), legacyName, ctx);
      if (onDelete) rel.onDelete = onDelete;
      if (onDelete === "setNull" && key.required) {
        delete key.required;
        report.changed(sub(path, "cascade"), `${to.def.name}.${key.name} made optional: deleting a ${from.def.name} sets it to null (SetNull)`);
      }
    } else {
      if (r.cascade !== undefined && r.cascade !== "None")
        report.dropped(sub(path, "cascade"), `cascade rule of the n:m relationship ${legacyName} dropped: deleting either side unlinks the pair`);
      if (keyName || targetKey) report.changed(path, `n:m ${legacyName} links records directly; its key fields are not used`);
    }
    out.push(rel);
  });
  return out;
}

/** The field on `to` that holds the link, made into a reference to `fromName` (created if missing). */
function referenceField(keyName: string | undefined, fromName: string, to: NonNullable<ReturnType<typeof entityOf>>, path: string, ctx: Ctx): Field {
  const existing = fieldOf(to, keyName);
  if (!existing) {
    const names = new Set(to.def.fields.map((f) => f.name));
    const field: Field = { name: uniqueName(toName(keyName ?? fromName), names), type: "reference", entity: fromName };
    to.def.fields.push(field);
    to.fieldNames.set(keyName ?? field.name, field.name);
    ctx.report.changed(path, `${to.def.name} has no field ${JSON.stringify(keyName)}; added ${to.def.name}.${field.name} as a reference to ${fromName}`);
    return field;
  }
  if (existing.type !== "reference" || existing.entity !== fromName) {
    const was = existing.type === "reference" ? `a reference to ${existing.entity}` : `a ${existing.type} field`;
    ctx.report.changed(path, `${to.def.name}.${existing.name} was ${was}; it becomes a reference to ${fromName}`);
    // A reference holds an id: range, length and value options of the old type no longer apply.
    for (const k of ["min", "max", "minLength", "maxLength", "pattern", "values", "default"] as const) delete existing[k];
    existing.type = "reference";
    existing.entity = fromName;
  }
  return existing;
}

function onDeleteRule(cascade: unknown, path: string, legacyName: string, ctx: Ctx): Relationship["onDelete"] | undefined {
  if (cascade === undefined || cascade === null) return undefined;
  const rule = lookup(ON_DELETE, show(cascade));
  if (rule) return rule;
  ctx.report.changed(path, `cascade "${show(cascade)}" of ${legacyName} becomes restrict: Torque never leaves dangling references`);
  return "restrict";
}

/** Reference fields the legacy declared without a relationship keep working (Torque restricts deletes); foreign keys left as plain values are named. */
export function checkForeignKeys(legacyEntities: unknown[], ctx: Ctx): void {
  legacyEntities.forEach((raw, i) => {
    const info = entityOf(ctx, obj(raw)?.name);
    if (!info) return;
    arr(obj(raw)?.constraints).forEach((c, k) => {
      if (obj(c)?.type !== "ForeignKey") return;
      for (const n of arr(obj(c)?.fields)) {
        const f = fieldOf(info, n);
        if (f && f.type !== "reference")
          ctx.report.warning(
            sub("", "entities", i, "constraints", k),
            `foreign key ${info.def.name}.${f.name} names no target entity; it stays a ${f.type} field`,
          );
      }
    });
  });
}

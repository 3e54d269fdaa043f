// Legacy entities → canonical entity types: names, labels, fields (via fields.ts), and the
// constraints and indexes that Torque can express as `unique` or `indexes`.
import type { EntityType, Field } from "../schema";
import { arr, type Ctx, clip, type EntityInfo, humanise, type Obj, obj, show, str, sub, toName, uniqueName } from "./context";
import { convertField } from "./fields";

/** Legacy audit columns that Torque's envelope also has: kept as data fields, worth a note. */
const ENVELOPE_TWINS = new Set(["created_at", "updated_at"]);

export function convertEntities(legacy: unknown[], ctx: Ctx): void {
  // Names first: fields may refer to entities defined later in the file.
  const taken = new Set<string>();
  const named: { le: Obj; path: string; legacyName: string; name: string }[] = [];
  legacy.forEach((raw, i) => {
    const le = obj(raw),
      path = sub("", "entities", i);
    const legacyName = str(le?.name);
    if (!le || !legacyName) return ctx.report.dropped(path, "entity without a name dropped");
    const name = uniqueName(toName(legacyName), taken);
    if (name !== legacyName) ctx.report.changed(sub(path, "name"), `entity "${legacyName}" renamed to "${name}"`);
    named.push({ le, path, legacyName, name });
  });
  const resolve = (n: string) => named.find((x) => x.legacyName === n || x.name === n)?.name;
  for (const { le, path, legacyName, name } of named) {
    const info = convertEntity(le, path, name, ctx, resolve);
    info.legacyName = legacyName;
    // Two legacy entities that normalise to one name are told apart by their new names.
    ctx.entities.set(ctx.entities.has(legacyName) ? name : legacyName, info);
  }
}

function convertEntity(le: Obj, path: string, name: string, ctx: Ctx, resolve: (n: string) => string | undefined): EntityInfo {
  const { report } = ctx;
  const def: EntityType = { name, label: clip(str(le.display_name) ?? humanise(name), 200), fields: [] };
  if (str(le.description)) def.description = clip(str(le.description)!, 4000);
  const info: EntityInfo = { def, path, legacyName: name, fieldNames: new Map(), fieldPaths: new Map() };

  const taken = new Set<string>();
  const readOnly: string[] = [],
    twins: string[] = [];
  arr(le.fields).forEach((raw, i) => {
    const lf = obj(raw),
      fpath = sub(path, "fields", i);
    const legacyName = str(lf?.name);
    if (!lf || !legacyName) return report.dropped(fpath, `field without a name in ${name} dropped`);
    const fname = toName(legacyName);
    if (fname === "id") {
      return report.changed(fpath, `field ${name}.id dropped: every Torque record has its own id (legacy ids survive only to link the sample data)`);
    }
    const unique = uniqueName(fname, taken);
    if (unique !== legacyName) report.changed(sub(fpath, "name"), `field ${name}.${legacyName} renamed to "${unique}"`);
    const field = convertField(lf, unique, fpath, report, resolve);
    def.fields.push(field);
    info.fieldNames.set(legacyName, unique);
    info.fieldPaths.set(unique, fpath);
    const ui = obj(lf.ui_config);
    if (ui?.edit_mode === "ReadOnly" || ui?.visibility === "Hidden" || ui?.visibility === "ReadOnly") readOnly.push(unique);
    if (ENVELOPE_TWINS.has(unique) && field.type === "datetime") twins.push(unique);
  });
  if (twins.length)
    report.warning(
      sub(path, "fields"),
      `${name} keeps ${twins.join(" and ")} as data fields; Torque also stamps every record with createdAt/updatedAt, which it maintains itself`,
    );
  if (readOnly.length)
    report.dropped(sub(path, "fields"), `read-only/hidden UI flags of ${name} (${readOnly.join(", ")}) dropped: Torque fields have no such flag`);

  applyConstraints(info, arr(le.constraints), sub(path, "constraints"), ctx);
  applyIndexes(info, arr(le.indexes), sub(path, "indexes"), ctx);
  def.display = displayField(def.fields);
  if (!def.display) delete def.display;

  if (obj(le.ui_config))
    report.dropped(sub(path, "ui_config"), `${name}'s icon, colour and list/detail/form view settings dropped: pages define the views in Torque`);
  if (obj(le.behavior)) report.dropped(sub(path, "behavior"), `${name}'s auditing and caching settings dropped: Torque audits and caches on its own terms`);
  const kind = str(le.entity_type);
  if (kind && kind !== "Data") report.warning(sub(path, "entity_type"), `entity_type "${kind}" has no meaning in Torque; ${name} is an ordinary entity type`);
  return info;
}

/** The field shown when a record is referred to: a name or title, else the first required text. */
function displayField(fields: Field[]): string | undefined {
  const byName = fields.find((f) => ["name", "title", "label"].includes(f.name) && f.type === "text");
  return (byName ?? fields.find((f) => f.type === "text" && f.required) ?? fields.find((f) => f.type === "text"))?.name;
}

/** Canonical names of the legacy fields listed; reports the ones that are gone. */
function knownFields(info: EntityInfo, names: unknown[], path: string, ctx: Ctx, what: string): string[] {
  const out: string[] = [];
  names.forEach((n, k) => {
    if (n === "id") return; // the record id: always there, implicitly unique and indexed
    const f = typeof n === "string" ? info.fieldNames.get(n) : undefined;
    if (f) out.push(f);
    else ctx.report.dropped(sub(path, k), `${what} names field ${JSON.stringify(n)}, which ${info.def.name} does not have`);
  });
  return out;
}

function applyConstraints(info: EntityInfo, constraints: unknown[], path: string, ctx: Ctx): void {
  const { report } = ctx;
  constraints.forEach((raw, i) => {
    const c = obj(raw),
      cpath = sub(path, i);
    const type = str(c?.type) ?? "";
    const fields = knownFields(info, arr(c?.fields), sub(cpath, "fields"), ctx, `constraint ${show(c?.name ?? i)}`);
    if (type === "ForeignKey") return; // enforced through reference fields and relationships
    if (type !== "PrimaryKey" && type !== "UniqueKey")
      return report.dropped(cpath, `${type || "untyped"} constraint ${show(c?.name ?? "")} has no Torque equivalent`);
    if (fields.length === 0) return; // a primary key on "id" is what Torque does anyway
    if (type === "PrimaryKey") report.changed(cpath, `primary key (${fields.join(", ")}) kept as a uniqueness rule: Torque records are keyed by their own id`);
    if (fields.length === 1) {
      const f = info.def.fields.find((x) => x.name === fields[0])!;
      f.unique = true;
    } else {
      (info.def.indexes ??= []).push({ fields: fields.slice(0, 8), unique: true });
      report.changed(cpath, `unique key on (${fields.join(", ")}) kept as a unique index`);
    }
  });
}

function applyIndexes(info: EntityInfo, indexes: unknown[], path: string, ctx: Ctx): void {
  const taken = new Set<string>();
  indexes.forEach((raw, i) => {
    const ix = obj(raw),
      ipath = sub(path, i);
    const fields = [...new Set(knownFields(info, arr(ix?.fields), sub(ipath, "fields"), ctx, `index ${show(ix?.name ?? i)}`))];
    if (fields.length === 0) return ctx.report.dropped(ipath, `index ${show(ix?.name ?? i)} dropped: none of its fields exist in ${info.def.name}`);
    if (fields.length > 8) ctx.report.dropped(sub(ipath, "fields"), `index ${show(ix?.name ?? i)} keeps its first 8 fields (Torque's limit)`);
    const type = str(ix?.type);
    if (type && type !== "BTree") ctx.report.dropped(sub(ipath, "type"), `index type ${type} dropped: Torque chooses the index kind`);
    const index: NonNullable<EntityType["indexes"]>[number] = { fields: fields.slice(0, 8) };
    const legacyName = str(ix?.name);
    if (legacyName) {
      index.name = uniqueName(toName(legacyName), taken);
      if (index.name !== legacyName) ctx.report.changed(sub(ipath, "name"), `index "${legacyName}" renamed to "${index.name}"`);
    }
    if (ix?.unique === true) index.unique = true;
    (info.def.indexes ??= []).push(index);
  });
}

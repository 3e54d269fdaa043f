// A model prepared for fast use at run time: lookups by name, and the derived facts the
// entity engine needs on every write (which fields are unique, who refers to whom).
import type { EntityType, Field, Model, Relationship } from "./schema";

/** An incoming reference: entities of `entity` hold ids of this type in `field`. */
export interface IncomingRef {
  entity: string;
  field: string;
  onDelete: "cascade" | "restrict" | "setNull";
  relationship?: string;
}

export interface CompiledEntity {
  def: EntityType;
  name: string;
  fields: Map<string, Field>;
  /** Fields whose values must be unique in the app (declared, or the inverse side of a 1:1). */
  unique: Field[];
  references: Field[];
  incoming: IncomingRef[];
  /** n:m relationships this type takes part in, with its side. */
  manyToMany: { rel: Relationship; side: "from" | "to" }[];
}

export interface CompiledModel {
  id: string;
  version: number;
  doc: Model;
  entities: Map<string, CompiledEntity>;
  relationships: Map<string, Relationship>;
}

/** The reference field that holds a 1:1 or 1:n relationship (on the "to" side). */
export function relationshipField(m: Model, r: Relationship): Field | undefined {
  return fieldOnSide(
    m.entities.find((e) => e.name === r.to),
    r,
  );
}

/** That field, given the "to" side's type. */
function fieldOnSide(to: EntityType | undefined, r: Relationship): Field | undefined {
  if (!to || r.kind === "n:m") return undefined;
  return r.inverse ? to.fields.find((f) => f.name === r.inverse) : to.fields.find((f) => f.type === "reference" && f.entity === r.from);
}

export function compileModel(id: string, version: number, doc: Model): CompiledModel {
  const entities = new Map<string, CompiledEntity>();
  for (const def of doc.entities) {
    entities.set(def.name, {
      def,
      name: def.name,
      fields: new Map(def.fields.map((f) => [f.name, f])),
      unique: def.fields.filter((f) => f.unique),
      references: def.fields.filter((f) => f.type === "reference"),
      incoming: [],
      manyToMany: [],
    });
  }
  const rels = doc.relationships ?? [];
  const covered = new Set<string>(); // "entity.field" held by a declared relationship
  for (const r of rels) {
    if (r.kind === "n:m") {
      entities.get(r.from)?.manyToMany.push({ rel: r, side: "from" });
      if (r.to !== r.from) entities.get(r.to)?.manyToMany.push({ rel: r, side: "to" });
      continue;
    }
    const f = fieldOnSide(entities.get(r.to)?.def, r); // by name from the map: a scan of the types per relationship was quadratic
    if (!f) continue;
    covered.add(`${r.to}.${f.name}`);
    entities.get(r.from)?.incoming.push({ entity: r.to, field: f.name, onDelete: r.onDelete ?? "restrict", relationship: r.name });
    const holder = entities.get(r.to);
    if (r.kind === "1:1" && holder && !holder.unique.includes(f)) holder.unique.push(f);
  }
  // A reference field without a declared relationship still keeps integrity: deleting
  // its target is refused while something refers to it.
  for (const e of entities.values())
    for (const f of e.references)
      if (!covered.has(`${e.name}.${f.name}`) && f.entity) entities.get(f.entity)?.incoming.push({ entity: e.name, field: f.name, onDelete: "restrict" });
  return { id, version, doc, entities, relationships: new Map(rels.map((r) => [r.name, r])) };
}

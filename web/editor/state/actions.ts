// The editor's commands as actions: each builds the model edits one user intent needs, so
// that the model stays whole. Renaming an entity type or field carries the new name to
// everything that names it (relationships, reference fields, the display field, page
// components, flow triggers); removing one takes along what cannot stand without it.
// `impactOf*` lists the same things for the confirmation shown before.
import type { PropRef } from "../../../src/model/components";
import { componentRefs } from "../../../src/model/components";
import { applyEdit, type ModelEdit } from "../../../src/model/edit";
import type { Component, EntityType, Field, Model, Relationship } from "../../../src/model/schema";
import type { Action } from "./store";

type Obj = Record<string, unknown>;

export interface ComponentUse {
  page: string;
  id: string;
  type: string;
  /** Where in the props: "entity", "columns.2", "filter.status", … */
  at: string;
}

export interface Impact {
  /** Relationships that name the type (or hold the field as their key). */
  relationships: string[];
  /** Reference fields of other types pointing at the type: "task.project". */
  referenceFields: string[];
  components: ComponentUse[];
  /** Indexes of the type that include the field. */
  indexes: string[];
  /** Flows triggered by the type. */
  flowTriggers: string[];
  /** Flows whose scripts mention the name (not changed: a script is the user's code). */
  flowMentions: string[];
}

/** A name not in `taken`: base, base_2, base_3, … */
export function uniqueName(taken: Iterable<string>, base: string): string {
  const names = new Set(taken);
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base}_${i}`)) return `${base}_${i}`;
}

const entity = (doc: Model, name: string): EntityType | undefined => doc.entities.find((e) => e.name === name);
const refsOf = (c: Component) => componentRefs[c.type]?.(c.props ?? {}) ?? [];
const mentions = (code: unknown, name: string) => typeof code === "string" && new RegExp(`\\b${name}\\b`).test(code);

export function uses(doc: Model, match: (r: PropRef) => boolean): ComponentUse[] {
  const out: ComponentUse[] = [];
  for (const p of doc.pages ?? [])
    for (const c of p.components) for (const r of refsOf(c)) if (match(r)) out.push({ page: p.name, id: c.id, type: c.type, at: r.path.join(".") });
  return out;
}

const scriptsMentioning = (doc: Model, name: string) =>
  (doc.xflows ?? []).filter((f) => f.nodes.some((n) => mentions((n as Obj).code, name) || mentions((n as Obj).expression, name))).map((f) => f.name);

export function impactOfEntity(doc: Model, name: string): Impact {
  return {
    indexes: [],
    relationships: (doc.relationships ?? []).filter((r) => r.from === name || r.to === name).map((r) => r.name),
    referenceFields: doc.entities.flatMap((e) =>
      e.fields.filter((f) => f.type === "reference" && f.entity === name && e.name !== name).map((f) => `${e.name}.${f.name}`),
    ),
    components: uses(doc, (r) => r.kind === "entity" && r.name === name),
    flowTriggers: (doc.xflows ?? []).filter((f) => f.trigger?.entity === name).map((f) => f.name),
    flowMentions: scriptsMentioning(doc, name),
  };
}

export function impactOfField(doc: Model, ent: string, field: string): Impact {
  return {
    indexes: (entity(doc, ent)?.indexes ?? []).filter((i) => i.fields.includes(field)).map((i) => i.name ?? i.fields.join("+")),
    relationships: (doc.relationships ?? []).filter((r) => r.to === ent && r.inverse === field).map((r) => r.name),
    referenceFields: [],
    components: uses(doc, (r) => r.kind === "field" && r.entity === ent && r.name === field),
    flowTriggers: [],
    flowMentions: scriptsMentioning(doc, field),
  };
}

// --- props rewriting -------------------------------------------------------------------

/** Props with the value at `path` replaced (a string list entry or an object's key). */
export function setAt(props: Obj, path: (string | number)[], value: unknown): Obj {
  const copy = structuredClone(props);
  let cur: Obj | unknown[] = copy;
  for (const k of path.slice(0, -1)) cur = (cur as Obj)[k as string] as Obj;
  const last = path.at(-1)!;
  // A sort entry may be a bare name: the ref's path then ends in "field" on a string.
  if (typeof cur === "string") {
    cur = (copy as Obj)[path[0] as string] as unknown[];
    (cur as unknown[])[path[1] as number] = value;
  } else (cur as Obj)[last as string] = value;
  return copy;
}

/** Props with a filter key renamed, or removed (to = null). */
function renameFilterKey(props: Obj, from: string, to: string | null): Obj {
  const f = props.filter as Obj;
  const next: Obj = {};
  for (const [k, v] of Object.entries(f))
    if (k !== from) next[k] = v;
    else if (to !== null) next[to] = v;
  return { ...props, filter: next };
}

/** Props without the list entries (columns, fields, sort) that name the field, without its filter key, and without single-field props naming it. */
function dropField(props: Obj, refs: PropRef[]): Obj {
  let next = structuredClone(props);
  const drop = new Map<string, Set<number>>();
  for (const r of refs) {
    const [key, i] = r.path as [string, number | undefined];
    if (key === "filter") next = renameFilterKey(next, String(r.path[1]), null);
    else if (typeof i === "number") drop.set(key, (drop.get(key) ?? new Set()).add(i));
    else delete next[key];
  }
  for (const [key, idx] of drop) next[key] = (next[key] as unknown[]).filter((_, i) => !idx.has(i));
  return next;
}

/** Edits of the components with matching refs: their props rewritten, or (null) the component removed and dropped from the containers and modals holding it. */
export function componentEdits(doc: Model, match: (r: PropRef) => boolean, rewrite: (props: Obj, refs: PropRef[]) => Obj | null): ModelEdit[] {
  const out: ModelEdit[] = [];
  for (const p of doc.pages ?? []) {
    const removed = new Set<string>();
    for (const c of p.components) {
      const refs = refsOf(c).filter(match);
      if (!refs.length) continue;
      const props = rewrite(c.props ?? {}, refs);
      if (props === null) removed.add(c.id);
      out.push(props === null ? { op: "removeComponent", page: p.name, id: c.id } : { op: "updateComponent", page: p.name, id: c.id, patch: { props } });
    }
    if (!removed.size) continue;
    for (const c of p.components) {
      const children = c.props?.children;
      if (removed.has(c.id) || !Array.isArray(children) || !children.some((x) => removed.has(String(x)))) continue;
      out.push({ op: "updateComponent", page: p.name, id: c.id, patch: { props: { ...c.props, children: children.filter((x) => !removed.has(String(x))) } } });
    }
  }
  return out;
}

// --- entity types ----------------------------------------------------------------------

/** A new entity type with a required `name` field shown when it is referred to, placed at `position` in the diagram. */
export function addEntity(_doc: Model, name: string, position?: { x: number; y: number }): Action {
  const edits: ModelEdit[] = [{ op: "addEntityType", entity: { name, display: "name", fields: [{ name: "name", type: "text", required: true }] } }];
  if (position) edits.push({ op: "setLayout", positions: { [name]: { x: Math.round(position.x), y: Math.round(position.y) } } });
  return { label: `Add entity type ${name}`, edits };
}

export function updateEntity(name: string, patch: Obj): Action {
  return { label: `Change entity type ${name}`, edits: [{ op: "updateEntityType", name, patch }] };
}

export function renameEntity(doc: Model, from: string, to: string): Action {
  const edits: ModelEdit[] = [{ op: "updateEntityType", name: from, patch: { name: to } }];
  for (const r of doc.relationships ?? [])
    if (r.from === from || r.to === from)
      edits.push({ op: "updateRelationship", name: r.name, patch: { ...(r.from === from ? { from: to } : {}), ...(r.to === from ? { to: to } : {}) } });
  for (const e of doc.entities)
    for (const f of e.fields)
      if (f.type === "reference" && f.entity === from)
        edits.push({ op: "updateField", entity: e.name === from ? to : e.name, name: f.name, patch: { entity: to } });
  edits.push(
    ...componentEdits(
      doc,
      (r) => r.kind === "entity" && r.name === from,
      (props, refs) => refs.reduce((p, r) => setAt(p, r.path, to), props),
    ),
  );
  for (const f of doc.xflows ?? [])
    if (f.trigger?.entity === from) edits.push({ op: "updateXFlow", name: f.name, patch: { trigger: { ...f.trigger, entity: to } } });
  return { label: `Rename entity type ${from} to ${to}`, edits };
}

/** Remove types with their relationships, the reference fields of other types that point at them, the components showing them and the flows they trigger. */
export function removeEntities(doc: Model, names: string[]): Action {
  const gone = new Set(names);
  const edits: ModelEdit[] = [];
  // Each step is built on the document as the previous ones left it (no edit twice).
  let cur = doc;
  const push = (es: ModelEdit[]) => {
    for (const e of es) {
      edits.push(e);
      cur = applyEdit(cur, e);
    }
  };
  push((doc.relationships ?? []).filter((r) => gone.has(r.from) || gone.has(r.to)).map((r) => ({ op: "removeRelationship", name: r.name })));
  for (const e of doc.entities)
    if (!gone.has(e.name)) for (const f of e.fields) if (f.type === "reference" && gone.has(String(f.entity))) push(removeFieldEdits(cur, e.name, f.name));
  push(
    componentEdits(
      cur,
      (r) => r.kind === "entity" && gone.has(String(r.name)),
      () => null,
    ),
  );
  push((cur.xflows ?? []).filter((f) => f.trigger?.entity && gone.has(f.trigger.entity)).map((f) => ({ op: "removeXFlow", name: f.name })));
  push(names.map((name) => ({ op: "removeEntityType", name })));
  return { label: names.length === 1 ? `Remove entity type ${names[0]}` : `Remove entity types ${names.join(", ")}`, edits };
}

// --- fields ----------------------------------------------------------------------------

export function addField(_doc: Model, ent: string, field: Field, at?: number): Action {
  return { label: `Add field ${ent}.${field.name}`, edits: [{ op: "addField", entity: ent, field, ...(at === undefined ? {} : { at }) }] };
}

export function updateField(ent: string, name: string, patch: Obj): Action {
  return { label: `Change field ${ent}.${name}`, edits: [{ op: "updateField", entity: ent, name, patch }] };
}

export function moveField(ent: string, name: string, to: number): Action {
  return { label: `Move field ${ent}.${name}`, edits: [{ op: "moveField", entity: ent, name, to }] };
}

export function renameField(doc: Model, ent: string, from: string, to: string): Action {
  const edits: ModelEdit[] = [{ op: "updateField", entity: ent, name: from, patch: { name: to } }];
  const e = entity(doc, ent);
  const indexes = e?.indexes?.some((i) => i.fields.includes(from))
    ? e.indexes.map((i) => ({ ...i, fields: i.fields.map((f) => (f === from ? to : f)) }))
    : undefined;
  if (e?.display === from || indexes)
    edits.push({ op: "updateEntityType", name: ent, patch: { ...(e?.display === from ? { display: to } : {}), ...(indexes ? { indexes } : {}) } });
  for (const r of doc.relationships ?? [])
    if (r.to === ent && r.inverse === from) edits.push({ op: "updateRelationship", name: r.name, patch: { inverse: to } });
  edits.push(
    ...componentEdits(
      doc,
      (r) => r.kind === "field" && r.entity === ent && r.name === from,
      (props, refs) => refs.reduce((p, r) => (r.path[0] === "filter" ? renameFilterKey(p, from, to) : setAt(p, r.path, to)), props),
    ),
  );
  return { label: `Rename field ${ent}.${from} to ${to}`, edits };
}

function removeFieldEdits(doc: Model, ent: string, name: string): ModelEdit[] {
  const edits: ModelEdit[] = [];
  for (const r of doc.relationships ?? []) if (r.to === ent && r.inverse === name) edits.push({ op: "removeRelationship", name: r.name });
  const e = entity(doc, ent);
  // An index keeps its other fields; one left with none goes.
  const indexes = e?.indexes?.some((i) => i.fields.includes(name))
    ? e.indexes.map((i) => ({ ...i, fields: i.fields.filter((f) => f !== name) })).filter((i) => i.fields.length)
    : undefined;
  if (e?.display === name || indexes)
    edits.push({
      op: "updateEntityType",
      name: ent,
      patch: { ...(e?.display === name ? { display: null } : {}), ...(indexes ? { indexes: indexes.length ? indexes : null } : {}) },
    });
  edits.push(...componentEdits(doc, (r) => r.kind === "field" && r.entity === ent && r.name === name, dropField));
  edits.push({ op: "removeField", entity: ent, name });
  return edits;
}

export function removeFields(doc: Model, ent: string, names: string[]): Action {
  let cur = doc;
  const edits: ModelEdit[] = [];
  for (const n of names) {
    const more = removeFieldEdits(cur, ent, n);
    edits.push(...more);
    // Later removals must see the earlier ones (two columns of one grid).
    cur = more.reduce(applyEdit, cur);
  }
  return { label: names.length === 1 ? `Remove field ${ent}.${names[0]}` : `Remove fields ${names.map((n) => `${ent}.${n}`).join(", ")}`, edits };
}

// --- relationships ---------------------------------------------------------------------

/**
 * A relationship from one type to another. For 1:1 and 1:n the `to` side gets the
 * reference field that holds it (named after `from`), unless `inverse` names an existing one.
 */
export function addRelationship(doc: Model, from: string, to: string, kind: Relationship["kind"], opts: { name?: string; inverse?: string } = {}): Action {
  const name =
    opts.name ??
    uniqueName(
      (doc.relationships ?? []).map((r) => r.name),
      `${from}_${to}`,
    );
  const edits: ModelEdit[] = [];
  const rel: Obj = { name, from, to, kind };
  if (kind !== "n:m") {
    const target = entity(doc, to);
    const existing = opts.inverse && target?.fields.find((f) => f.name === opts.inverse);
    const inverse = existing ? existing.name : uniqueName(target?.fields.map((f) => f.name) ?? [], from);
    if (!existing)
      edits.push({ op: "addField", entity: to, field: { name: inverse, type: "reference", entity: from, ...(kind === "1:1" ? { unique: true } : {}) } });
    rel.inverse = inverse;
  }
  edits.push({ op: "addRelationship", relationship: rel });
  return { label: `Connect ${from} to ${to} (${kind})`, edits };
}

export function updateRelationship(name: string, patch: Obj): Action {
  return { label: `Change relationship ${name}`, edits: [{ op: "updateRelationship", name, patch }] };
}

/** Remove relationships; the reference fields that held them stay (their values are links users made). */
export function removeRelationships(names: string[]): Action {
  return {
    label: names.length === 1 ? `Remove relationship ${names[0]}` : `Remove relationships ${names.join(", ")}`,
    edits: names.map((name) => ({ op: "removeRelationship", name })),
  };
}

// --- layout ----------------------------------------------------------------------------

export function moveNodes(positions: Record<string, { x: number; y: number }>): Action {
  const rounded = Object.fromEntries(Object.entries(positions).map(([k, p]) => [k, { x: Math.round(p.x), y: Math.round(p.y) }]));
  const names = Object.keys(rounded);
  return { label: names.length === 1 ? `Move ${names[0]}` : `Move ${names.length} entity types`, edits: [{ op: "setLayout", positions: rounded }] };
}

// Edits of a model document, one operation each (add/update/remove an entity type, field,
// relationship, page, component or flow). Pure: each returns a new document and leaves
// validation of the whole to the caller (ModelService.save), so an edit that would break
// the model is refused with every problem's path. Shared by GraphQL and MCP design tools.
import { conflict, notFound, validationError } from "../lib/errors";
import { findKey, isPlainObject, RESERVED_KEYS } from "../lib/json";
import type { Model } from "./schema";

export type ModelEdit =
  | { op: "addEntityType"; entity: unknown; at?: number }
  | { op: "updateEntityType"; name: string; patch: unknown }
  | { op: "removeEntityType"; name: string }
  | { op: "addField"; entity: string; field: unknown; at?: number }
  | { op: "updateField"; entity: string; name: string; patch: unknown }
  | { op: "removeField"; entity: string; name: string }
  | { op: "moveField"; entity: string; name: string; to: number }
  | { op: "addRelationship"; relationship: unknown; at?: number }
  | { op: "updateRelationship"; name: string; patch: unknown }
  | { op: "removeRelationship"; name: string }
  | { op: "addPage"; page: unknown; at?: number }
  | { op: "updatePage"; name: string; patch: unknown }
  | { op: "removePage"; name: string }
  | { op: "movePage"; name: string; to: number }
  | { op: "addComponent"; page: string; component: unknown; at?: number }
  | { op: "updateComponent"; page: string; id: string; patch: unknown }
  | { op: "removeComponent"; page: string; id: string }
  | { op: "addXFlow"; xflow: unknown; at?: number }
  | { op: "updateXFlow"; name: string; patch: unknown }
  | { op: "removeXFlow"; name: string }
  | { op: "setLayout"; positions: unknown }
  | { op: "setProperties"; patch: unknown };

/** Top-level properties that setProperties may change; the lists have their own edits. */
export const MODEL_PROPERTIES = ["name", "description", "startPage", "navigation", "settings"] as const;

/** Every operation, for the doors that take edits as data (GraphQL editModel, its per-op mutations). */
export const EDIT_OPS = [
  "addEntityType",
  "updateEntityType",
  "removeEntityType",
  "addField",
  "updateField",
  "removeField",
  "moveField",
  "addRelationship",
  "updateRelationship",
  "removeRelationship",
  "addPage",
  "updatePage",
  "removePage",
  "movePage",
  "addComponent",
  "updateComponent",
  "removeComponent",
  "addXFlow",
  "updateXFlow",
  "removeXFlow",
  "setLayout",
  "setProperties",
] as const satisfies readonly ModelEdit["op"][];

/** The most edits one editModel call applies (an editor's batch is a handful). */
export const MAX_EDITS = 1000;

/**
 * Edits sent as JSON: a list of objects each naming a known `op`, with string names where
 * the op takes them. What an op does with its payload is checked by applyEdit and the
 * whole model's validation.
 */
export function parseEdits(input: unknown): ModelEdit[] {
  if (!Array.isArray(input)) throw validationError([{ path: "", rule: "type", message: "edits must be a list" }], "edits");
  if (input.length > MAX_EDITS)
    throw validationError([{ path: "", rule: "maxItems", message: `at most ${MAX_EDITS} edits at once (got ${input.length})` }], "edits");
  const names = ["name", "entity", "page", "id"] as const;
  // The object an add operation adds sits under one of those keys for two of them.
  const payload: Partial<Record<string, string>> = { addEntityType: "entity", addPage: "page" };
  input.forEach((e, i) => {
    if (!isPlainObject(e)) throw validationError([{ path: `/${i}`, rule: "type", message: "an edit must be a JSON object" }], "edits");
    if (typeof e.op !== "string" || !(EDIT_OPS as readonly string[]).includes(e.op))
      throw validationError([{ path: `/${i}/op`, rule: "enum", message: `"op" must be one of ${EDIT_OPS.join(", ")}` }], "edits");
    for (const k of names)
      if (Object.hasOwn(e, k) && typeof e[k] !== "string" && payload[e.op] !== k)
        throw validationError([{ path: `/${i}/${k}`, rule: "type", message: `"${k}" must be a string` }], "edits");
  });
  return input as ModelEdit[];
}

type Named = { name: string };

function object(v: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw validationError([{ path: "", rule: "type", message: `${what} must be a JSON object` }], what);
  return v;
}

/** A list position given by a client: an integer from 0 to `max`, or the end when absent. */
function index(at: unknown, max: number, what: string): number {
  if (at === undefined || at === null) return max;
  if (!Number.isInteger(at) || (at as number) < 0 || (at as number) > max)
    throw validationError([{ path: "/at", rule: "range", message: `${what}: a position from 0 to ${max}` }], what);
  return at as number;
}

/** Insert at `at` (an undo puts a removed item back where it was), else at the end. */
function add<T extends Named>(list: T[], item: unknown, what: string, at?: unknown): T[] {
  const o = object(item, what) as unknown as T;
  if (typeof o.name === "string" && list.some((x) => x.name === o.name))
    throw conflict(`${what} "${o.name}" already exists`, { rule: "duplicate", name: o.name });
  const next = [...list];
  next.splice(index(at, list.length, what), 0, o);
  return next;
}

/**
 * A patch replaces the properties it names; null removes one. "__proto__" would be
 * assigned to the prototype and vanish (a saved version that changes nothing), and
 * "constructor"/"prototype" name no model property, so such keys are refused.
 */
function patched(current: object, patch: unknown, what: string): Record<string, unknown> {
  const p = object(patch, `${what} patch`);
  const reserved = Object.keys(p).find((k) => RESERVED_KEYS.has(k));
  const at = reserved !== undefined ? `/${reserved}` : findKey(p);
  if (at !== undefined)
    throw validationError(
      [{ path: at, rule: "reserved", message: `"${at.slice(at.lastIndexOf("/") + 1)}" is not allowed as a property name` }],
      `${what} patch`,
    );
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(p)) v === null ? delete next[k] : (next[k] = v);
  return next;
}

function update<T extends Named>(list: T[], name: string, patch: unknown, what: string): T[] {
  const i = list.findIndex((x) => x.name === name);
  if (i < 0) throw notFound(what, name);
  const next = patched(list[i]!, patch, what);
  return list.map((x, j) => (j === i ? (next as unknown as T) : x));
}

function remove<T extends Named>(list: T[], name: string, what: string): T[] {
  if (!list.some((x) => x.name === name)) throw notFound(what, name);
  return list.filter((x) => x.name !== name);
}

/**
 * The document after one edit. Copy-on-write: only what the edit changes is new, everything
 * else is shared with `doc` (an editor keeps its per-entity work when an edit touched
 * another entity). Neither `doc` nor the edit's payload is ever mutated.
 */
export function applyEdit(doc: Model, e: ModelEdit): Model {
  const m: Model = { ...doc };
  const entity = (name: string) => {
    const i = m.entities.findIndex((x) => x.name === name);
    if (i < 0) throw notFound("entity type", name);
    const ent = { ...m.entities[i]!, fields: [...m.entities[i]!.fields] };
    m.entities = m.entities.map((x, j) => (j === i ? ent : x));
    return ent;
  };
  const page = (name: string) => {
    const pages = m.pages ?? [];
    const i = pages.findIndex((x) => x.name === name);
    if (i < 0) throw notFound("page", name);
    const p = { ...pages[i]!, components: [...pages[i]!.components] };
    m.pages = pages.map((x, j) => (j === i ? p : x));
    return p;
  };
  /** The diagram positions, copied for changing, when the document has one for `name`. */
  const positionsWith = (name: string) => {
    const current = m.ui?.erd?.positions;
    if (!current || !Object.hasOwn(current, name)) return undefined;
    const copy = { ...current };
    m.ui = { ...m.ui, erd: { ...m.ui?.erd, positions: copy } };
    return copy;
  };
  switch (e.op) {
    case "addEntityType": {
      const ent = object(e.entity, "entity type");
      m.entities = add(m.entities, { fields: [], ...ent }, "entity type", e.at);
      break;
    }
    case "updateEntityType": {
      m.entities = update(m.entities, e.name, e.patch, "entity type");
      // A renamed type keeps its place in the diagram.
      const renamed = (e.patch as { name?: unknown }).name;
      if (typeof renamed === "string" && !RESERVED_KEYS.has(renamed) && renamed !== e.name) {
        const positions = positionsWith(e.name);
        if (positions) {
          positions[renamed] = positions[e.name]!;
          delete positions[e.name];
        }
      }
      break;
    }
    case "removeEntityType": {
      m.entities = remove(m.entities, e.name, "entity type");
      const positions = positionsWith(e.name);
      if (positions) delete positions[e.name];
      break;
    }
    case "addField": {
      const ent = entity(e.entity);
      ent.fields = add(ent.fields, e.field, `field of ${e.entity}`, e.at);
      break;
    }
    case "moveField": {
      const ent = entity(e.entity);
      const from = ent.fields.findIndex((f) => f.name === e.name);
      if (from < 0) throw notFound(`field of ${e.entity}`, e.name);
      const to = index(e.to, ent.fields.length - 1, `field of ${e.entity}`);
      const [f] = ent.fields.splice(from, 1);
      ent.fields.splice(to, 0, f!);
      break;
    }
    case "updateField": {
      const ent = entity(e.entity);
      ent.fields = update(ent.fields, e.name, e.patch, `field of ${e.entity}`);
      break;
    }
    case "removeField": {
      const ent = entity(e.entity);
      ent.fields = remove(ent.fields, e.name, `field of ${e.entity}`);
      break;
    }
    case "addRelationship":
      m.relationships = add(m.relationships ?? [], e.relationship, "relationship", e.at);
      break;
    case "updateRelationship":
      m.relationships = update(m.relationships ?? [], e.name, e.patch, "relationship");
      break;
    case "removeRelationship":
      m.relationships = remove(m.relationships ?? [], e.name, "relationship");
      break;
    case "addPage":
      m.pages = add(m.pages ?? [], { components: [], ...object(e.page, "page") }, "page", e.at);
      if (!m.startPage) m.startPage = (e.page as Named).name;
      break;
    case "updatePage":
      m.pages = update(m.pages ?? [], e.name, e.patch, "page");
      break;
    case "removePage":
      m.pages = remove(m.pages ?? [], e.name, "page");
      if (m.startPage === e.name) m.startPage = m.pages[0]?.name;
      if (m.startPage === undefined) delete m.startPage;
      m.navigation = (m.navigation ?? []).filter((n) => n.page !== e.name);
      break;
    case "movePage": {
      const pages = [...(m.pages ?? [])];
      const from = pages.findIndex((p) => p.name === e.name);
      if (from < 0) throw notFound("page", e.name);
      const to = index(e.to, pages.length - 1, "page");
      const [p] = pages.splice(from, 1);
      pages.splice(to, 0, p!);
      m.pages = pages;
      break;
    }
    case "addComponent": {
      const p = page(e.page);
      const c = object(e.component, "component");
      if (p.components.some((x) => x.id === c.id)) throw conflict(`component "${String(c.id)}" already exists on page ${e.page}`, { rule: "duplicate" });
      p.components.splice(index(e.at, p.components.length, "component"), 0, c as never);
      break;
    }
    case "updateComponent": {
      const p = page(e.page);
      const i = p.components.findIndex((x) => x.id === e.id);
      if (i < 0) throw notFound(`component on page ${e.page}`, e.id);
      p.components[i] = patched(p.components[i]!, e.patch, "component") as never;
      break;
    }
    case "removeComponent": {
      const p = page(e.page);
      if (!p.components.some((x) => x.id === e.id)) throw notFound(`component on page ${e.page}`, e.id);
      p.components = p.components.filter((x) => x.id !== e.id);
      break;
    }
    case "addXFlow":
      m.xflows = add(m.xflows ?? [], e.xflow, "xflow", e.at);
      break;
    case "updateXFlow":
      m.xflows = update(m.xflows ?? [], e.name, e.patch, "xflow");
      break;
    case "removeXFlow":
      m.xflows = remove(m.xflows ?? [], e.name, "xflow");
      break;
    case "setProperties": {
      const p = object(e.patch, "model properties");
      const other = Object.keys(p).find((k) => !(MODEL_PROPERTIES as readonly string[]).includes(k));
      if (other !== undefined)
        throw validationError(
          [{ path: `/${other}`, rule: "unknown", message: `"${other}" cannot be set here; the properties are ${MODEL_PROPERTIES.join(", ")}` }],
          "model properties",
        );
      if (p.name === null) throw validationError([{ path: "/name", rule: "required", message: "a model needs a name" }], "model properties");
      return patched(m, p, "model properties") as Model;
    }
    case "setLayout": {
      // Merged into the saved positions; null removes one. Validation checks the shapes.
      const p = patched(m.ui?.erd?.positions ?? {}, e.positions, "layout");
      m.ui = { ...m.ui, erd: { ...m.ui?.erd, positions: p as Record<string, { x: number; y: number }> } };
      break;
    }
  }
  return m;
}

// Edits of a model document, one operation each (add/update/remove an entity type, field,
// relationship, page, component or flow). Pure: each returns a new document and leaves
// validation of the whole to the caller (ModelService.save), so an edit that would break
// the model is refused with every problem's path. Shared by GraphQL and MCP design tools.
import { conflict, notFound, validationError } from "../lib/errors";
import { findKey, isPlainObject, RESERVED_KEYS } from "../lib/json";
import type { Model } from "./schema";

export type ModelEdit =
  | { op: "addEntityType"; entity: unknown }
  | { op: "updateEntityType"; name: string; patch: unknown }
  | { op: "removeEntityType"; name: string }
  | { op: "addField"; entity: string; field: unknown }
  | { op: "updateField"; entity: string; name: string; patch: unknown }
  | { op: "removeField"; entity: string; name: string }
  | { op: "addRelationship"; relationship: unknown }
  | { op: "updateRelationship"; name: string; patch: unknown }
  | { op: "removeRelationship"; name: string }
  | { op: "addPage"; page: unknown }
  | { op: "updatePage"; name: string; patch: unknown }
  | { op: "removePage"; name: string }
  | { op: "addComponent"; page: string; component: unknown }
  | { op: "updateComponent"; page: string; id: string; patch: unknown }
  | { op: "removeComponent"; page: string; id: string }
  | { op: "addXFlow"; xflow: unknown }
  | { op: "updateXFlow"; name: string; patch: unknown }
  | { op: "removeXFlow"; name: string };

type Named = { name: string };

function object(v: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw validationError([{ path: "", rule: "type", message: `${what} must be a JSON object` }], what);
  return v;
}

function add<T extends Named>(list: T[], item: unknown, what: string): T[] {
  const o = object(item, what) as unknown as T;
  if (typeof o.name === "string" && list.some((x) => x.name === o.name))
    throw conflict(`${what} "${o.name}" already exists`, { rule: "duplicate", name: o.name });
  return [...list, o];
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

export function applyEdit(doc: Model, e: ModelEdit): Model {
  const m: Model = structuredClone(doc);
  const entity = (name: string) => {
    const ent = m.entities.find((x) => x.name === name);
    if (!ent) throw notFound("entity type", name);
    return ent;
  };
  const page = (name: string) => {
    const p = (m.pages ?? []).find((x) => x.name === name);
    if (!p) throw notFound("page", name);
    return p;
  };
  switch (e.op) {
    case "addEntityType": {
      const ent = object(e.entity, "entity type");
      m.entities = add(m.entities, { fields: [], ...ent }, "entity type");
      break;
    }
    case "updateEntityType":
      m.entities = update(m.entities, e.name, e.patch, "entity type");
      break;
    case "removeEntityType":
      m.entities = remove(m.entities, e.name, "entity type");
      break;
    case "addField": {
      const ent = entity(e.entity);
      ent.fields = add(ent.fields, e.field, `field of ${e.entity}`);
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
      m.relationships = add(m.relationships ?? [], e.relationship, "relationship");
      break;
    case "updateRelationship":
      m.relationships = update(m.relationships ?? [], e.name, e.patch, "relationship");
      break;
    case "removeRelationship":
      m.relationships = remove(m.relationships ?? [], e.name, "relationship");
      break;
    case "addPage":
      m.pages = add(m.pages ?? [], { components: [], ...object(e.page, "page") }, "page");
      if (!m.startPage) m.startPage = (m.pages.at(-1) as Named).name;
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
    case "addComponent": {
      const p = page(e.page);
      const c = object(e.component, "component");
      if (p.components.some((x) => x.id === c.id)) throw conflict(`component "${String(c.id)}" already exists on page ${e.page}`, { rule: "duplicate" });
      p.components.push(c as never);
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
      m.xflows = add(m.xflows ?? [], e.xflow, "xflow");
      break;
    case "updateXFlow":
      m.xflows = update(m.xflows ?? [], e.name, e.patch, "xflow");
      break;
    case "removeXFlow":
      m.xflows = remove(m.xflows ?? [], e.name, "xflow");
      break;
  }
  return m;
}

// The edits that undo an edit: given the document before `e`, `applyEdits(applyEdit(doc, e),
// invert(doc, e))` is `doc` again (lists keep their order: a removed item goes back where it
// was). Pure and shared: the Model Editor's undo/redo sends these through the same edit
// pipeline as any other change, so an undo is validated and saved like one.
import { isPlainObject } from "../lib/json";
import { applyEdit, MODEL_PROPERTIES, type ModelEdit } from "./edit";
import type { Model } from "./schema";

type Obj = Record<string, unknown>;

/** The patch that puts back what `patch` changes: the old value of each key it names, or null where there was none. */
function undoPatch(before: Obj, patch: unknown): Obj {
  const out: Obj = {};
  if (!isPlainObject(patch)) return out;
  for (const k of Object.keys(patch)) out[k] = Object.hasOwn(before, k) ? structuredClone(before[k]) : null;
  return out;
}

/** The name after a patch that may rename. */
const renamedTo = (name: string, patch: unknown) => (isPlainObject(patch) && typeof patch.name === "string" ? patch.name : name);

const indexOf = <T extends { name: string }>(list: T[] | undefined, name: string) => (list ?? []).findIndex((x) => x.name === name);

function positionOf(doc: Model, entity: string): ModelEdit[] {
  const p = doc.ui?.erd?.positions;
  return p && Object.hasOwn(p, entity) ? [{ op: "setLayout", positions: { [entity]: p[entity] } }] : [];
}

export function invert(doc: Model, e: ModelEdit): ModelEdit[] {
  switch (e.op) {
    case "addEntityType":
      return [{ op: "removeEntityType", name: String((e.entity as Obj).name) }, ...positionOf(doc, String((e.entity as Obj).name))];
    case "updateEntityType": {
      const before = doc.entities.find((x) => x.name === e.name)!;
      return [{ op: "updateEntityType", name: renamedTo(e.name, e.patch), patch: undoPatch(before, e.patch) }];
    }
    case "removeEntityType": {
      const i = indexOf(doc.entities, e.name);
      return [{ op: "addEntityType", entity: structuredClone(doc.entities[i]), at: i }, ...positionOf(doc, e.name)];
    }
    case "addField":
      return [{ op: "removeField", entity: e.entity, name: String((e.field as Obj).name) }];
    case "updateField": {
      const before = doc.entities.find((x) => x.name === e.entity)!.fields.find((f) => f.name === e.name)!;
      return [{ op: "updateField", entity: e.entity, name: renamedTo(e.name, e.patch), patch: undoPatch(before, e.patch) }];
    }
    case "removeField": {
      const fields = doc.entities.find((x) => x.name === e.entity)!.fields;
      const i = indexOf(fields, e.name);
      return [{ op: "addField", entity: e.entity, field: structuredClone(fields[i]), at: i }];
    }
    case "moveField": {
      const fields = doc.entities.find((x) => x.name === e.entity)!.fields;
      return [{ op: "moveField", entity: e.entity, name: e.name, to: indexOf(fields, e.name) }];
    }
    case "addRelationship":
      return [{ op: "removeRelationship", name: String((e.relationship as Obj).name) }];
    case "updateRelationship": {
      const before = (doc.relationships ?? []).find((x) => x.name === e.name)!;
      return [{ op: "updateRelationship", name: renamedTo(e.name, e.patch), patch: undoPatch(before, e.patch) }];
    }
    case "removeRelationship": {
      const i = indexOf(doc.relationships, e.name);
      return [{ op: "addRelationship", relationship: structuredClone(doc.relationships![i]), at: i }];
    }
    case "addPage":
      // Adding the first page also makes it the start page.
      return [{ op: "removePage", name: String((e.page as Obj).name) }, properties(doc, ["startPage"])];
    case "updatePage": {
      const before = (doc.pages ?? []).find((x) => x.name === e.name)!;
      return [{ op: "updatePage", name: renamedTo(e.name, e.patch), patch: undoPatch(before, e.patch) }];
    }
    case "removePage": {
      // Removing a page also drops its menu entries and may move the start page.
      const page = (doc.pages ?? []).find((x) => x.name === e.name)!;
      return [{ op: "addPage", page: structuredClone(page), at: indexOf(doc.pages, e.name) }, properties(doc, ["startPage", "navigation"])];
    }
    case "movePage":
      return [{ op: "movePage", name: e.name, to: indexOf(doc.pages, e.name) }];
    case "addComponent":
      return [{ op: "removeComponent", page: e.page, id: String((e.component as Obj).id) }];
    case "updateComponent": {
      const before = (doc.pages ?? []).find((x) => x.name === e.page)!.components.find((c) => c.id === e.id)!;
      const id = isPlainObject(e.patch) && typeof e.patch.id === "string" ? e.patch.id : e.id;
      return [{ op: "updateComponent", page: e.page, id, patch: undoPatch(before, e.patch) }];
    }
    case "removeComponent": {
      const list = (doc.pages ?? []).find((x) => x.name === e.page)!.components;
      const i = list.findIndex((x) => x.id === e.id);
      return [{ op: "addComponent", page: e.page, component: structuredClone(list[i]), at: i }];
    }
    case "addXFlow":
      return [{ op: "removeXFlow", name: String((e.xflow as Obj).name) }];
    case "updateXFlow": {
      const before = (doc.xflows ?? []).find((x) => x.name === e.name)!;
      return [{ op: "updateXFlow", name: renamedTo(e.name, e.patch), patch: undoPatch(before, e.patch) }];
    }
    case "removeXFlow": {
      const i = indexOf(doc.xflows, e.name);
      return [{ op: "addXFlow", xflow: structuredClone(doc.xflows![i]), at: i }];
    }
    case "setLayout":
      return [{ op: "setLayout", positions: undoPatch(doc.ui?.erd?.positions ?? {}, e.positions) }];
    case "setProperties":
      return [properties(doc, Object.keys(e.patch as Obj))];
  }
}

/** setProperties putting back the named top-level properties as they were (null: absent). */
function properties(doc: Model, keys: string[]): ModelEdit {
  const named = Object.fromEntries(keys.filter((k) => (MODEL_PROPERTIES as readonly string[]).includes(k)).map((k) => [k, true]));
  return { op: "setProperties", patch: undoPatch(doc as unknown as Obj, named) };
}

/** Apply edits in order; throws at the first that does not apply. */
export function applyEdits(doc: Model, edits: readonly ModelEdit[]): Model {
  return edits.reduce(applyEdit, doc);
}

/**
 * Apply edits and collect their inverse in undo order (last edit's inverse first), so a
 * compound action (a type removed with its relationships) undoes as one.
 */
export function applyWithInverse(doc: Model, edits: readonly ModelEdit[]): { doc: Model; inverse: ModelEdit[] } {
  const inverse: ModelEdit[][] = [];
  let cur = doc;
  for (const e of edits) {
    const next = applyEdit(cur, e); // first: an edit that does not apply throws its own error
    inverse.push(invert(cur, e));
    cur = next;
  }
  return { doc: cur, inverse: inverse.reverse().flat() };
}

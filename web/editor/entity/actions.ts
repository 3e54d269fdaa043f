// Actions of the entity editor that state/actions.ts does not have, each one user intent
// with a label for the undo tooltip and the history note.
import type { EntityType } from "../../../src/model/schema";
import type { Action } from "../state/store";

type Index = NonNullable<EntityType["indexes"]>[number];

/** Replace a type's composite indexes (an empty list removes the key). */
export function setIndexes(entity: string, indexes: Index[], label: string): Action {
  return { label, edits: [{ op: "updateEntityType", name: entity, patch: { indexes: indexes.length ? indexes : null } }] };
}

/** Change a field's type with the patch retype() built (options it no longer takes removed, the ones it needs added). */
export function changeFieldType(entity: string, field: string, type: string, patch: Record<string, unknown>): Action {
  return { label: `Change type of ${entity}.${field} to ${type}`, edits: [{ op: "updateField", entity, name: field, patch }] };
}

/** Set options of a field (null removes one); the label names them: "Change pattern of task.title". */
export function setFieldOptions(entity: string, field: string, patch: Record<string, unknown>): Action {
  return { label: `Change ${Object.keys(patch).join(", ")} of ${entity}.${field}`, edits: [{ op: "updateField", entity, name: field, patch }] };
}

/** Set (or remove) one property of an entity type. */
export function setEntityProperty(entity: string, prop: string, value: unknown): Action {
  return { label: `Change ${prop} of ${entity}`, edits: [{ op: "updateEntityType", name: entity, patch: { [prop]: value } }] };
}

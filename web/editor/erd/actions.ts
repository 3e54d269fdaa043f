// The diagram's own actions, built like those of state/actions.ts (which they use): a
// relationship with a key field named by the user, a change of a relationship's kind that
// keeps it valid, and the layout the user is looking at pinned into the model.
import { applyEdit, type ModelEdit } from "../../../src/model/edit";
import type { Model, Relationship } from "../../../src/model/schema";
import { addRelationship, uniqueName, updateRelationship } from "../state/actions";
import type { Action } from "../state/store";
import type { XY } from "./graph";

type Kind = Relationship["kind"];

const fieldsOf = (doc: Model, entity: string) => doc.entities.find((e) => e.name === entity)?.fields ?? [];

/**
 * A relationship from `from` to `to`. For 1:1 and 1:n, `key` names the reference field on
 * `to` that holds it: an existing reference to `from` is used as it is, a new name gets a
 * new reference field (unique for 1:1).
 */
export function connect(doc: Model, from: string, to: string, kind: Kind, name: string, key?: string): Action {
  if (kind === "n:m" || !key) return addRelationship(doc, from, to, kind, { name });
  if (fieldsOf(doc, to).some((f) => f.name === key)) return addRelationship(doc, from, to, kind, { name, inverse: key });
  const field: ModelEdit = { op: "addField", entity: to, field: { name: key, type: "reference", entity: from, ...(kind === "1:1" ? { unique: true } : {}) } };
  const rest = addRelationship(applyEdit(doc, field), from, to, kind, { name, inverse: key });
  return { label: rest.label, edits: [field, ...rest.edits] };
}

/** The reference fields of `to` that point at `from`: the fields that can hold a 1:1 or 1:n relationship. */
export const keyFieldsFor = (doc: Model, from: string, to: string) =>
  fieldsOf(doc, to)
    .filter((f) => f.type === "reference" && f.entity === from)
    .map((f) => f.name);

/**
 * A relationship of another kind. n:m keeps its links apart from the records, so the key
 * field is let go (it stays, with its values, as a plain reference); 1:1 and 1:n need one,
 * so the first reference of `to` to `from` is taken, or one is added as addRelationship would.
 */
export function changeKind(doc: Model, r: Relationship, kind: Kind): Action | null {
  if (r.kind === kind) return null;
  const label = `Change relationship ${r.name} to ${kind}`;
  if (kind === "n:m") return { label, edits: updateRelationship(r.name, { kind, inverse: null }).edits };
  if (r.kind !== "n:m") return { label, edits: updateRelationship(r.name, { kind }).edits };
  const existing = keyFieldsFor(doc, r.from, r.to)[0];
  const edits: ModelEdit[] = [];
  const key =
    existing ??
    uniqueName(
      fieldsOf(doc, r.to).map((f) => f.name),
      r.from,
    );
  if (!existing)
    edits.push({ op: "addField", entity: r.to, field: { name: key, type: "reference", entity: r.from, ...(kind === "1:1" ? { unique: true } : {}) } });
  edits.push(...updateRelationship(r.name, { kind, inverse: key }).edits);
  return { label, edits };
}

/**
 * The action with the positions of the types dagre placed (no saved position) put first,
 * so the diagram stays as the user saw it: otherwise the next reload lays those types out
 * again around the change and they jump.
 */
export function pinned(action: Action, unplaced: Record<string, XY>): Action {
  const positions = Object.fromEntries(Object.entries(unplaced).map(([k, p]) => [k, { x: Math.round(p.x), y: Math.round(p.y) }]));
  if (!Object.keys(positions).length) return action;
  return { label: action.label, edits: [{ op: "setLayout", positions }, ...action.edits] };
}

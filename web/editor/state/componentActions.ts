// The page designer's commands as actions (see actions.ts): add, place (move or resize),
// duplicate and remove a component. A removal also drops what named the component on its
// page, so the model stays whole: its id from the children of a Container or Modal, and
// the action of a button that opened it (the button stays).
import type { ModelEdit } from "../../../src/model/edit";
import type { Component, Model } from "../../../src/model/schema";
import { componentEdits } from "./actions";
import type { Action } from "./store";

type Position = Component["position"];

export function addComponent(page: string, component: Component): Action {
  return { label: `Add ${component.type} ${component.id} to page ${page}`, edits: [{ op: "addComponent", page, component }] };
}

export function placeComponent(page: string, id: string, position: Position, how: "Move" | "Resize"): Action {
  return { label: `${how} ${id} on page ${page}`, edits: [{ op: "updateComponent", page, id, patch: { position } }] };
}

export function removeComponent(doc: Model, page: string, id: string): Action {
  const onPage = (doc.pages ?? []).filter((p) => p.name === page);
  const edits: ModelEdit[] = componentEdits(
    { ...doc, pages: onPage },
    (r) => r.kind === "component" && r.name === id,
    (props, refs) => {
      const next = structuredClone(props);
      for (const r of refs)
        if (r.path[0] === "children") next.children = (next.children as unknown[]).filter((x) => x !== id);
        else if (r.path[0] === "action") delete next.action;
      return next;
    },
  ).filter((e) => !(e.op === "updateComponent" && e.id === id));
  edits.push({ op: "removeComponent", page, id });
  return { label: `Remove ${id} from page ${page}`, edits };
}

export function duplicateComponent(page: string, copy: Component, of: string): Action {
  return { label: `Duplicate ${of} on page ${page} as ${copy.id}`, edits: [{ op: "addComponent", page, component: copy }] };
}

/** A component's props written whole (`what` names the setting changed, for undo's label). */
export function setComponentProps(page: string, id: string, props: Record<string, unknown>, what: string): Action {
  return { label: `Set ${what} of ${id} on page ${page}`, edits: [{ op: "updateComponent", page, id, patch: { props } }] };
}

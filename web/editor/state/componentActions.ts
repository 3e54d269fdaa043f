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

/**
 * Put a component into a Container or Modal (dropped onto it in the designer): its id
 * joins the holder's children, at the end, and leaves any other holder, so it is drawn in
 * one place. Refused when the holder is the component or is inside it (a loop).
 */
export function nestComponent(doc: Model, page: string, id: string, holder: string, holdersOfHolder: ReadonlySet<string>): Action {
  if (holder === id || holdersOfHolder.has(id))
    throw new Error(`${id} cannot go into ${holder}: ${holder} is ${holder === id ? "the same component" : `inside ${id}`}`);
  const p = (doc.pages ?? []).find((x) => x.name === page);
  const edits: ModelEdit[] = [];
  for (const c of p?.components ?? []) {
    if (c.type !== "Container" && c.type !== "Modal") continue;
    const children = Array.isArray(c.props?.children) ? (c.props.children as unknown[]).map(String) : [];
    const next = c.id === holder ? [...children.filter((x) => x !== id), id] : children.filter((x) => x !== id);
    if (next.join("\u0000") !== children.join("\u0000"))
      edits.push({ op: "updateComponent", page, id: c.id, patch: { props: { ...c.props, children: next } } });
  }
  return { label: `Put ${id} into ${holder} on page ${page}`, edits };
}

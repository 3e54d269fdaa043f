// The editor's commands on workflows (XFlows), as actions (see actions.ts): add a flow
// that runs from start to end, replace a flow's definition (its JSON view), rename it
// (carried to the buttons that run it) and remove it (those buttons let go of the action).
import type { ModelEdit } from "../../../src/model/edit";
import type { Model, XFlow } from "../../../src/model/schema";
import { componentEdits, setAt, uses } from "./actions";
import type { Action } from "./store";

/** A new flow started by hand: a start node leading to an end node. */
export function addFlow(name: string): Action {
  const xflow: XFlow = {
    name,
    trigger: { type: "manual" },
    nodes: [
      { id: "start", type: "start" },
      { id: "end", type: "end" },
    ],
    edges: [{ from: "start", to: "end" }],
  };
  return { label: `Add workflow ${name}`, edits: [{ op: "addXFlow", xflow }] };
}

/** The flow as given (its name kept): every other key replaced, a key left out removed. */
export function replaceFlow(before: XFlow, next: Record<string, unknown>): Action {
  const patch: Record<string, unknown> = { ...next, name: before.name };
  for (const k of Object.keys(before)) if (patch[k] === undefined) patch[k] = null;
  return { label: `Edit workflow ${before.name}`, edits: [{ op: "updateXFlow", name: before.name, patch }] };
}

/** Components that run the flow (a button's runXFlow action). */
export const flowUsers = (doc: Model, name: string) => uses(doc, (r) => r.kind === "xflow" && r.name === name);

export function renameFlow(doc: Model, from: string, to: string): Action {
  const edits: ModelEdit[] = [{ op: "updateXFlow", name: from, patch: { name: to } }];
  edits.push(
    ...componentEdits(
      doc,
      (r) => r.kind === "xflow" && r.name === from,
      (props, refs) => refs.reduce((p, r) => setAt(p, r.path, to), props),
    ),
  );
  return { label: `Rename workflow ${from} to ${to}`, edits };
}

export function removeFlow(doc: Model, name: string): Action {
  const edits = componentEdits(
    doc,
    (r) => r.kind === "xflow" && r.name === name,
    (props) => {
      const next = { ...props };
      delete next.action;
      return next;
    },
  );
  edits.push({ op: "removeXFlow", name });
  return { label: `Remove workflow ${name}`, edits };
}

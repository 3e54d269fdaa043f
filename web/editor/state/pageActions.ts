// The editor's commands on pages and the navigation menu, as actions (see actions.ts): a
// rename carries the new name to the start page, the menu and the buttons that open the
// page; a removal takes its menu entries along (the removePage edit does) and the
// buttons that would open a page no longer there. `impactOfPage` lists what follows.
import type { ModelEdit } from "../../../src/model/edit";
import type { Model } from "../../../src/model/schema";
import { type ComponentUse, componentEdits, setAt, uses } from "./actions";
import type { Action } from "./store";

export type MenuEntry = { label: string; page: string };

export interface PageImpact {
  /** The page is the app's start page. */
  start: boolean;
  /** Labels of the menu entries that open it. */
  menu: string[];
  /** Components that open it (a button's navigate action). */
  components: ComponentUse[];
}

export function impactOfPage(doc: Model, name: string): PageImpact {
  return {
    start: doc.startPage === name,
    menu: (doc.navigation ?? []).filter((n) => n.page === name).map((n) => n.label),
    components: uses(doc, (r) => r.kind === "page" && r.name === name),
  };
}

export const pageImpactIsEmpty = (i: PageImpact) => !i.start && !i.menu.length && !i.components.length;

/** A new empty page, optionally with a menu entry; the first page becomes the start page (the addPage edit does that). */
export function addPage(doc: Model, name: string, title: string | undefined, inMenu: boolean): Action {
  const edits: ModelEdit[] = [{ op: "addPage", page: { name, ...(title ? { title } : {}), components: [] } }];
  if (inMenu) edits.push({ op: "setProperties", patch: { navigation: [...(doc.navigation ?? []), { label: title || name, page: name }] } });
  return { label: `Add page ${name}`, edits };
}

export function updatePage(name: string, patch: Record<string, unknown>): Action {
  return { label: `Change page ${name}`, edits: [{ op: "updatePage", name, patch }] };
}

export function renamePage(doc: Model, from: string, to: string): Action {
  const edits: ModelEdit[] = [{ op: "updatePage", name: from, patch: { name: to } }];
  const props: Record<string, unknown> = {};
  if (doc.startPage === from) props.startPage = to;
  if ((doc.navigation ?? []).some((n) => n.page === from)) props.navigation = (doc.navigation ?? []).map((n) => (n.page === from ? { ...n, page: to } : n));
  if (Object.keys(props).length) edits.push({ op: "setProperties", patch: props });
  // A component on the renamed page is addressed by its page's new name.
  for (const e of componentEdits(
    doc,
    (r) => r.kind === "page" && r.name === from,
    (p, refs) => refs.reduce((acc, r) => setAt(acc, r.path, to), p),
  ))
    edits.push(e.op === "updateComponent" && e.page === from ? { ...e, page: to } : e);
  return { label: `Rename page ${from} to ${to}`, edits };
}

/** Remove a page with the components elsewhere that open it; its menu entries and start-page role go with the removePage edit. */
export function removePage(doc: Model, name: string): Action {
  const edits = componentEdits(
    { ...doc, pages: (doc.pages ?? []).filter((p) => p.name !== name) },
    (r) => r.kind === "page" && r.name === name,
    () => null,
  );
  edits.push({ op: "removePage", name });
  return { label: `Remove page ${name}`, edits };
}

export function movePage(name: string, to: number): Action {
  return { label: `Move page ${name}`, edits: [{ op: "movePage", name, to }] };
}

export function setStartPage(name: string): Action {
  return { label: `Make ${name} the start page`, edits: [{ op: "setProperties", patch: { startPage: name } }] };
}

/** The whole menu as given (each change of the menu is one action naming it). */
export function setMenu(entries: MenuEntry[], label: string): Action {
  return { label, edits: [{ op: "setProperties", patch: { navigation: entries } }] };
}

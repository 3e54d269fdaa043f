// The page designer's arithmetic on the model's 12-column grid, kept apart from the view
// so it is tested alone: which components sit on the grid (the rest are held by a
// Container or are Modals, shown in a dialog), where a position may go, where a new one
// lands, and what a new component of each type starts with so the model stays valid.
import type { Component, ComponentType, Model, Page } from "../../../../src/model/schema";
import { COMPONENT_TYPES } from "../../../../src/model/vocabulary";

export type Position = Component["position"];
export const COLUMNS = 12;

/** Ids that a Container or Modal holds as children: drawn inside their holder, not on the grid. */
export function heldIds(page: Page): Set<string> {
  const held = new Set<string>();
  for (const c of page.components)
    if ((c.type === "Container" || c.type === "Modal") && Array.isArray(c.props?.children)) for (const id of c.props.children) held.add(String(id));
  return held;
}

/** The holders that contain `id`, directly or through others: it may not hold them in turn (a cycle the app cannot draw). */
export function holdersOf(page: Page, id: string): Set<string> {
  const parents = new Map<string, string[]>();
  for (const c of page.components)
    if ((c.type === "Container" || c.type === "Modal") && Array.isArray(c.props?.children))
      for (const child of c.props.children) parents.set(String(child), [...(parents.get(String(child)) ?? []), c.id]);
  const out = new Set<string>();
  const todo = [id];
  while (todo.length)
    for (const p of parents.get(todo.pop()!) ?? [])
      if (!out.has(p)) {
        out.add(p);
        todo.push(p);
      }
  return out;
}

/** The components laid out on the page's grid: not Modals, not held by a Container or Modal. */
export const onGrid = (page: Page): Component[] => {
  const held = heldIds(page);
  return page.components.filter((c) => c.type !== "Modal" && !held.has(c.id));
};

/** A position moved into the grid: columns 0–11, a width that fits, at least one row high. */
export function clamp(p: Position): Position {
  const width = Math.min(COLUMNS, Math.max(1, Math.round(p.width)));
  const col = Math.min(COLUMNS - width, Math.max(0, Math.round(p.col)));
  return { row: Math.max(0, Math.round(p.row)), col, width, height: Math.max(1, Math.round(p.height)) };
}

export const moved = (p: Position, rows: number, cols: number): Position => clamp({ ...p, row: p.row + rows, col: p.col + cols });

/** Wider or taller by whole cells; the width stops at the grid's right edge. */
export const resized = (p: Position, width: number, height: number): Position =>
  clamp({ ...p, width: Math.min(COLUMNS - p.col, p.width + width), height: p.height + height });

export const samePosition = (a: Position, b: Position) => a.row === b.row && a.col === b.col && a.width === b.width && a.height === b.height;

/** The first row below everything on the grid: where a new component goes. */
export const freeRow = (components: readonly Component[]) => components.reduce((r, c) => Math.max(r, c.position.row + c.position.height), 0);

/** What each type takes on the grid when added, in columns and rows. */
export const DEFAULT_SIZE: Record<ComponentType, { width: number; height: number }> = {
  DataGrid: { width: 12, height: 6 },
  Form: { width: 6, height: 6 },
  DetailView: { width: 6, height: 6 },
  Chart: { width: 6, height: 4 },
  Kpi: { width: 3, height: 2 },
  Text: { width: 6, height: 1 },
  Button: { width: 2, height: 1 },
  Container: { width: 12, height: 4 },
  Modal: { width: 6, height: 4 },
  ImportWizard: { width: 12, height: 6 },
};

/** Types that show an entity type's records: they need one to exist. */
export const NEEDS_ENTITY: ReadonlySet<ComponentType> = new Set(["DataGrid", "Form", "DetailView", "Chart", "Kpi", "ImportWizard"]);

export const PALETTE: readonly ComponentType[] = COMPONENT_TYPES;

/** An id not used on the page: the type's name in lower case, then _2, _3, … */
export function freeId(page: Page, type: string): string {
  const taken = new Set(page.components.map((c) => c.id));
  const base = type.toLowerCase();
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** A new component of `type` below what the page has, with the props it needs to be valid (the first entity type where it shows records). */
export function newComponent(doc: Model, page: Page, type: ComponentType): Component | null {
  const entity = doc.entities[0];
  if (NEEDS_ENTITY.has(type) && !entity) return null;
  const size = DEFAULT_SIZE[type];
  const position = { row: freeRow(onGrid(page)), col: 0, ...size };
  const fields = entity ? entity.fields.slice(0, 4).map((f) => f.name) : [];
  const props: Record<string, unknown> =
    type === "DataGrid"
      ? { entity: entity!.name, columns: fields }
      : type === "Form" || type === "DetailView"
        ? { entity: entity!.name, fields }
        : type === "Kpi"
          ? { entity: entity!.name, label: entity!.label ?? entity!.name, aggregate: "count" }
          : type === "Chart"
            ? // Grouped by the first field with few values (an enum), else the first field.
              { entity: entity!.name, kind: "bar", aggregate: "count", groupBy: (entity!.fields.find((f) => f.type === "enum") ?? entity!.fields[0])?.name }
            : type === "ImportWizard"
              ? { entity: entity!.name }
              : type === "Text"
                ? { text: "Text" }
                : type === "Button"
                  ? { label: "Button" }
                  : type === "Modal"
                    ? { title: "Dialog", children: [] }
                    : { children: [] };
  return { id: freeId(page, type), type, position, props };
}

/**
 * A copy of a component for `page` (its own or another): a new id, placed below what the
 * page has. A copied holder starts empty, and a button keeps its action only if the dialog
 * it opens is on that page: ids name components of one page.
 */
export function copyOf(page: Page, c: Component): Component {
  const props = structuredClone(c.props ?? {});
  if (Array.isArray(props.children)) props.children = [];
  const action = props.action as { type?: unknown; modal?: unknown } | undefined;
  if (action?.modal !== undefined && !page.components.some((x) => x.id === action.modal && x.type === "Modal")) delete props.action;
  return { id: freeId(page, c.id.replace(/_\d+$/, "")), type: c.type, position: { ...c.position, row: freeRow(onGrid(page)) }, props };
}

/** What Ctrl/⌘+C took, for Ctrl/⌘+V on this page or another: kept for the browser tab (a reload keeps it). */
const CLIPBOARD_KEY = "torque.editor.component-clipboard";
export const copyToClipboard = (c: Component) => sessionStorage.setItem(CLIPBOARD_KEY, JSON.stringify(c));
export function fromClipboard(): Component | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(CLIPBOARD_KEY) ?? "null") as Component | null;
    // What another tab or an older editor left is checked for shape; the server checks the rest.
    return v && typeof v.id === "string" && typeof v.type === "string" && v.position && typeof v.position === "object" ? v : null;
  } catch {
    return null;
  }
}

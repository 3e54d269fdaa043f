// Where a server problem is: its JSON pointer (indices into the unsaved document) resolved
// against the document on screen into named parts ("entity type task › field owner ›
// entity") and the view that fixes it. Pure, so it can be tested without a browser.
//
// The document may have changed since the save was refused: an index it no longer has
// leaves that part unnamed and the problem without a link (a link could open the wrong
// thing). Paths come from the server but are treated as untrusted: only own array
// elements are looked at, so "/__proto__/x" names nothing.
import type { Component, Model } from "../../../src/model/schema";

export type PartKind =
  | "model"
  | "entity"
  | "field"
  | "index"
  | "relationship"
  | "page"
  | "component"
  | "navigation"
  | "flow"
  | "node"
  | "edge"
  | "layout"
  | "settings"
  | "prop";

export interface PlacePart {
  kind: PartKind;
  /** The name (for a prop: its path, segments joined by spaces, "columns 2"). */
  name?: string;
  /** The position in its list (0-based) when the part has no name, or the document no longer has it. */
  index?: number;
  /** The document no longer has an item at this index. */
  missing?: boolean;
}

/** A view of the workspace (tabs.ts: tabHref(id, tab, item, query)). */
export interface Target {
  tab: "entities" | "diagram" | "pages" | "flows";
  item?: string;
  query?: Record<string, string>;
}

export interface Place {
  parts: PlacePart[];
  /** Problems with the same group key are listed together (the entity type, relationship, page, flow, … they are in). */
  group: string;
  target: Target | null;
  /** A part of the path is no longer in the document. */
  stale: boolean;
}

type Obj = Record<string, unknown>;

/** The segments of a JSON pointer ("" is the whole document); null when it is not one. */
export function parsePointer(path: string): string[] | null {
  if (path === "") return [];
  if (!path.startsWith("/")) return null;
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The element of `list` at a segment that is a canonical array index, or undefined. */
function at(list: unknown, seg: string | undefined): { index: number; item: Obj | undefined } | null {
  if (seg === undefined || !/^(0|[1-9]\d{0,8})$/.test(seg)) return null;
  const index = Number(seg);
  return { index, item: Array.isArray(list) && index < list.length && isObj(list[index]) ? (list[index] as Obj) : undefined };
}

/** A part for a list item: named when the document has it, else its index and missing. */
function item(kind: PartKind, found: { index: number; item: Obj | undefined }, name: (o: Obj) => string | undefined): PlacePart {
  if (!found.item) return { kind, index: found.index, missing: true };
  const n = name(found.item);
  return n === undefined ? { kind, index: found.index } : { kind, name: n };
}

const prop = (segs: string[]): PlacePart[] => (segs.length ? [{ kind: "prop", name: segs.join(" ") }] : []);
const key = (p: PlacePart) => `${p.kind}:${p.name ?? (p.index === undefined ? "" : `#${p.index}`)}`;
const entityNamed = (doc: Model, name: unknown) => (typeof name === "string" && doc.entities.some((e) => e.name === name) ? name : undefined);

/** The entity type a component's props name (its data, or the form its button opens). */
function componentEntity(c: Obj): unknown {
  const props = (c as Partial<Component>).props;
  if (!isObj(props)) return undefined;
  if (props.entity !== undefined) return props.entity;
  return isObj(props.action) ? props.action.entity : undefined;
}

function place(parts: PlacePart[], target: Target | null, groupParts = 1): Place {
  const stale = parts.some((p) => p.missing);
  return { parts, group: parts.slice(0, groupParts).map(key).join("/"), target: stale ? null : target, stale };
}

/** Resolve a problem's path against the document on screen. */
export function locate(doc: Model, path: string | null | undefined): Place {
  const segs = typeof path === "string" ? parsePointer(path) : [];
  const model: PlacePart = { kind: "model" };
  if (segs === null) return place([model, { kind: "prop", name: String(path) }], null);
  const [top, i, ...rest] = segs;
  switch (top) {
    case undefined:
      return place([model], null);
    case "entities":
      return locateEntity(doc, i, rest);
    case "relationships": {
      const found = at(doc.relationships, i);
      if (!found) return place([model, ...prop(segs)], { tab: "diagram" });
      const part = item("relationship", found, (r) => str(r.name));
      return place([part, ...prop(rest)], part.name ? { tab: "diagram", query: { rel: part.name } } : null);
    }
    case "pages":
      return locatePage(doc, i, rest);
    case "xflows":
      return locateFlow(doc, i, rest);
    case "navigation": {
      const found = at(doc.navigation, i);
      // The menu is edited in the pages view.
      if (!found) return place([model, ...prop(segs)], { tab: "pages" });
      return place([item("navigation", found, (n) => str(n.label)), ...prop(rest)], { tab: "pages" });
    }
    case "settings":
      return place([{ kind: "settings" }, ...prop(segs.slice(1))], null);
    case "ui": {
      // /ui/erd/positions/<entity>: that node of the diagram, selected.
      const layout: PlacePart = { kind: "layout" };
      if (i === "erd" && rest[0] === "positions" && rest[1] !== undefined) {
        const name = entityNamed(doc, rest[1]);
        return place(
          [layout, { kind: "entity", name: rest[1], missing: !name }, ...prop(rest.slice(2))],
          name ? { tab: "diagram", query: { sel: name } } : null,
        );
      }
      return place([layout, ...prop(segs.slice(1))], { tab: "diagram" });
    }
    case "startPage":
      return place([model, ...prop(segs)], { tab: "pages" });
    default:
      // name, description, … and whatever else a document may carry.
      return place([model, ...prop(segs)], null);
  }
}

function locateEntity(doc: Model, i: string | undefined, rest: string[]): Place {
  const found = at(doc.entities, i);
  if (!found) return place([{ kind: "model" }, ...prop(["entities", ...(i === undefined ? [] : [i]), ...rest])], { tab: "entities" });
  const ent = item("entity", found, (e) => str(e.name));
  const name = ent.name;
  const [sub, j, ...more] = rest;
  if (sub === "fields" && j !== undefined) {
    const f = at(found.item?.fields, j);
    if (!f) return place([ent, ...prop(rest)], name ? { tab: "entities", item: name, query: { prop: "fields" } } : null);
    const field = item("field", f, (x) => str(x.name));
    const query: Record<string, string> = field.name ? { field: field.name } : {};
    if (more[0] !== undefined) query.prop = more[0];
    return place([ent, field, ...prop(more)], name && field.name ? { tab: "entities", item: name, query } : null);
  }
  if (sub === "indexes" && j !== undefined) {
    const x = at(found.item?.indexes, j);
    const parts = x
      ? [
          ent,
          item("index", x, (ix) => str(ix.name) ?? (Array.isArray(ix.fields) && ix.fields.length ? ix.fields.map(String).join("+") : undefined)),
          ...prop(more),
        ]
      : [ent, ...prop(rest)];
    return place(parts, name ? { tab: "entities", item: name, query: { prop: "indexes" } } : null);
  }
  return place([ent, ...prop(rest)], name ? { tab: "entities", item: name, ...(sub === undefined ? {} : { query: { prop: sub } }) } : null);
}

function locatePage(doc: Model, i: string | undefined, rest: string[]): Place {
  const found = at(doc.pages, i);
  if (!found) return place([{ kind: "model" }, ...prop(["pages", ...(i === undefined ? [] : [i]), ...rest])], { tab: "pages" });
  const page = item("page", found, (p) => str(p.name));
  const open: Target = page.name ? { tab: "pages", item: page.name } : { tab: "pages" };
  const [sub, j, ...more] = rest;
  if (sub !== "components" || j === undefined) return place([page, ...prop(rest)], page.name && sub !== undefined ? { ...open, query: { prop: sub } } : open);
  const c = at(found.item?.components, j);
  if (!c) return place([page, ...prop(rest)], open);
  const component = item("component", c, (x) => str(x.id));
  // "props" is how the format stores a component's settings; the user thinks of "columns 2".
  const tail = more[0] === "props" ? more.slice(1) : more;
  const entity = c.item ? entityNamed(doc, componentEntity(c.item)) : undefined;
  // Until the page designer opens a component, its entity type (or its page) is the way to fix it.
  return place([page, component, ...prop(tail)], entity ? { tab: "entities", item: entity } : open);
}

function locateFlow(doc: Model, i: string | undefined, rest: string[]): Place {
  const found = at(doc.xflows, i);
  if (!found) return place([{ kind: "model" }, ...prop(["xflows", ...(i === undefined ? [] : [i]), ...rest])], { tab: "flows" });
  const flow = item("flow", found, (x) => str(x.name));
  // The workflows view shows the flow with the problem marked on its node.
  const target: Target = flow.name ? { tab: "flows", item: flow.name } : { tab: "flows" };
  const [sub, j, ...more] = rest;
  if ((sub === "nodes" || sub === "edges") && j !== undefined) {
    const x = at(found.item?.[sub], j);
    if (!x) return place([flow, ...prop(rest)], target);
    const part = sub === "nodes" ? item("node", x, (n) => str(n.id)) : item("edge", x, (e) => (str(e.from) && str(e.to) ? `${e.from} → ${e.to}` : undefined));
    return place([flow, part, ...prop(more)], target);
  }
  return place([flow, ...prop(rest)], target);
}

/** Problems grouped by the place they are in, groups in the order of their first problem. */
export function groupByPlace<T>(items: T[], placeOf: (t: T) => Place): { group: string; head: PlacePart; items: { item: T; place: Place }[] }[] {
  const groups = new Map<string, { group: string; head: PlacePart; items: { item: T; place: Place }[] }>();
  for (const it of items) {
    const p = placeOf(it);
    let g = groups.get(p.group);
    if (!g) groups.set(p.group, (g = { group: p.group, head: p.parts[0]!, items: [] }));
    g.items.push({ item: it, place: p });
  }
  return [...groups.values()];
}

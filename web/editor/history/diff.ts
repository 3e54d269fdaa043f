// What changed between two versions of a model, in enough detail to read: diffModels
// (src/model/diff.ts) says which entity types, fields, relationships, pages and flows were
// added, removed or changed; this adds the property values before → after, field order,
// components and flow nodes, and a summary of the diagram layout. Pure; the history view
// words it (and formatValue renders values) in the editor's language.
import { diffModels, type ModelDiff } from "../../../src/model/diff";
import type { Component, EntityType, Field, Model, Page, Relationship, XFlow } from "../../../src/model/schema";

export type Sign = "+" | "-" | "~";

/** A property before → after; undefined is "not set". */
export interface PropChange {
  prop: string;
  before: unknown;
  after: unknown;
}

export type ItemKind = "entity" | "field" | "relationship" | "page" | "component" | "flow" | "node";

export interface ItemChange {
  sign: Sign;
  kind: ItemKind;
  name: string;
  /** What the item is: a field's type, a relationship's "from → to (kind)", a component's or node's type, a flow's trigger. */
  what?: string;
  /** Changed: each property before → after. Added: the new item's settings (before undefined). */
  changes: PropChange[];
  /** Properties that changed, named without their values (a component's props, a node's settings). */
  keys: string[];
  /** Fields of an entity type, components of a page, nodes of a flow. */
  children: ItemChange[];
  /** An entity type's fields were reordered: the order of the fields both versions have, and which moved. */
  order?: { before: string[]; after: string[]; moved: string[] };
}

export interface VersionDiff {
  /** Nothing to list: the versions are the same (an empty layout and none count alike). */
  identical: boolean;
  /** Model properties: name, description, startPage, navigation, settings. */
  model: PropChange[];
  entities: ItemChange[];
  relationships: ItemChange[];
  pages: ItemChange[];
  flows: ItemChange[];
  /** Diagram node positions (not used by apps): types moved, placed, and no longer placed. */
  layout: { moved: string[]; placed: string[]; unplaced: string[] };
}

type Obj = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const byName = <T extends { name: string }>(list: T[] | undefined, name: string) => list?.find((x) => x.name === name);

/** Options whose absence means "no". */
const FALSE_BY_DEFAULT = new Set(["required", "unique"]);

/** Each property of `a` and `b` (except those skipped) whose value differs, in the order of b's then a's keys. */
function propChanges(a: Obj, b: Obj, skip: string[] = [], shape: (prop: string, v: unknown) => unknown = (_, v) => v): PropChange[] {
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !skip.includes(k));
  const out: PropChange[] = [];
  for (const k of keys) {
    const norm = (v: unknown) => (v === undefined && FALSE_BY_DEFAULT.has(k) ? false : v);
    const before = norm(a[k]),
      after = norm(b[k]);
    if (!same(before, after)) out.push({ prop: k, before: shape(k, before), after: shape(k, after) });
  }
  return out;
}

/** An added item's settings, as changes from "not set". */
const settings = (o: Obj, skip: string[]): PropChange[] =>
  Object.keys(o)
    .filter((k) => !skip.includes(k))
    .map((k) => ({ prop: k, before: undefined, after: o[k] }));

/** The names of keys whose values differ. */
const changedKeys = (a: Obj = {}, b: Obj = {}, skip: string[] = []) =>
  [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !skip.includes(k) && !same(a[k], b[k]));

const item = (sign: Sign, kind: ItemKind, name: string, rest: Partial<ItemChange> = {}): ItemChange => ({
  sign,
  kind,
  name,
  changes: [],
  keys: [],
  children: [],
  ...rest,
});

/** The longest common subsequence of two name lists: the fields that kept their relative order. */
function lcs(a: string[], b: string[]): Set<string> {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const keep = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length; )
    if (a[i] === b[j]) {
      keep.add(a[i]!);
      i++;
      j++;
    } else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++;
    else j++;
  return keep;
}

function fieldOrder(a: Field[], b: Field[]): ItemChange["order"] {
  const common = new Set(a.map((f) => f.name).filter((n) => b.some((f) => f.name === n)));
  const before = a.map((f) => f.name).filter((n) => common.has(n));
  const after = b.map((f) => f.name).filter((n) => common.has(n));
  if (same(before, after)) return undefined;
  const kept = lcs(before, after);
  return { before, after, moved: after.filter((n) => !kept.has(n)) };
}

/** Indexes as one readable value: "stage+close_date, email (unique)". */
const indexesText = (v: unknown) =>
  Array.isArray(v)
    ? v
        .map(
          (ix: { name?: string; fields?: string[]; unique?: boolean }) =>
            `${ix.name ? `${ix.name}: ` : ""}${(ix.fields ?? []).join("+")}${ix.unique ? " (unique)" : ""}`,
        )
        .join(", ")
    : v;

function entityChange(a: EntityType, b: EntityType, d: ModelDiff["entities"]["changed"][number]): ItemChange {
  const children: ItemChange[] = [];
  // Fields in the new version's order, then the removed ones.
  for (const f of b.fields) {
    if (d.fields.added.includes(f.name)) children.push(item("+", "field", f.name, { what: f.type, changes: settings(f, ["name", "type"]) }));
    else if (d.fields.changed.includes(f.name)) {
      const old = byName(a.fields, f.name)!;
      children.push(item("~", "field", f.name, { what: f.type, changes: propChanges(old, f, ["name"]) }));
    }
  }
  for (const n of d.fields.removed) children.push(item("-", "field", n, { what: byName(a.fields, n)?.type }));
  return item("~", "entity", b.name, {
    changes: propChanges(a, b, ["name", "fields"], (k, v) => (k === "indexes" ? indexesText(v) : v)),
    children,
    order: fieldOrder(a.fields, b.fields),
  });
}

const relWhat = (r: Relationship) => `${r.from} → ${r.to} (${r.kind})`;

function pageChange(a: Page, b: Page): ItemChange {
  const children: ItemChange[] = [];
  const ids = (p: Page) => p.components.map((c) => c.id);
  const find = (p: Page, id: string) => p.components.find((c) => c.id === id);
  const keysOf = (x: Component, y: Component) => [...changedKeys(x, y, ["id", "props"]), ...changedKeys(x.props, y.props)];
  for (const c of b.components) {
    const old = find(a, c.id);
    if (!old) children.push(item("+", "component", c.id, { what: c.type }));
    else if (!same(old, c)) children.push(item("~", "component", c.id, { what: c.type, keys: keysOf(old, c) }));
  }
  for (const id of ids(a)) if (!find(b, id)) children.push(item("-", "component", id, { what: find(a, id)!.type }));
  return item("~", "page", b.name, { changes: propChanges(a, b, ["name", "components"]), children });
}

const triggerText = (t: XFlow["trigger"]) => (t ? [t.type, t.entity, t.event, t.cron].filter(Boolean).join(" ") : undefined);

function flowChange(a: XFlow, b: XFlow): ItemChange {
  const children: ItemChange[] = [];
  const find = (f: XFlow, id: string) => f.nodes.find((n) => n.id === id);
  for (const n of b.nodes) {
    const old = find(a, n.id);
    if (!old) children.push(item("+", "node", n.id, { what: n.type }));
    else if (!same(old, n)) children.push(item("~", "node", n.id, { what: n.type, keys: changedKeys(old, n, ["id"]) }));
  }
  for (const n of a.nodes) if (!find(b, n.id)) children.push(item("-", "node", n.id, { what: n.type }));
  // Schemas and edges are shown by name only: their values are long and structural.
  const big = ["input", "output", "edges"];
  return item("~", "flow", b.name, {
    what: triggerText(b.trigger),
    changes: propChanges(a, b, ["name", "nodes", ...big], (k, v) => (k === "trigger" ? triggerText(v as XFlow["trigger"]) : v)),
    keys: changedKeys(a, b, ["name", "nodes", "description", "trigger", "timeoutMs"]),
    children,
  });
}

const navigationText = (v: unknown) => (Array.isArray(v) ? v.map((n: { label?: string; page?: string }) => `${n.label} → ${n.page}`).join(", ") : v);

function layout(a: Model, b: Model, added: string[], removed: string[]): VersionDiff["layout"] {
  const pa = a.ui?.erd?.positions ?? {},
    pb = b.ui?.erd?.positions ?? {};
  const own = (o: object, k: string) => Object.hasOwn(o, k);
  return {
    moved: Object.keys(pb).filter((k) => own(pa, k) && !same(pa[k], pb[k])),
    placed: Object.keys(pb).filter((k) => !own(pa, k) && !added.includes(k)),
    unplaced: Object.keys(pa).filter((k) => !own(pb, k) && !removed.includes(k)),
  };
}

export function versionDiff(a: Model, b: Model): VersionDiff {
  const d = diffModels(a, b);
  const named = <T extends { name: string }>(
    la: T[] | undefined,
    lb: T[] | undefined,
    c: { added: string[]; removed: string[]; changed: string[] },
    kind: ItemKind,
    what: (x: T) => string | undefined,
    change: (x: T, y: T) => ItemChange,
    addedSettings: (x: T) => PropChange[] = () => [],
  ): ItemChange[] => [
    ...c.added.map((n) => {
      const x = byName(lb, n)!;
      return item("+", kind, n, { what: what(x), changes: addedSettings(x) });
    }),
    ...c.changed.map((n) => change(byName(la, n)!, byName(lb, n)!)),
    ...c.removed.map((n) => item("-", kind, n, { what: what(byName(la, n)!) })),
  ];

  const entities: ItemChange[] = [
    ...d.entities.added.map((n) => {
      const e = byName(b.entities, n)!;
      const changes = settings(e, ["name", "fields"]).map((c) => (c.prop === "indexes" ? { ...c, after: indexesText(c.after) } : c));
      return item("+", "entity", n, { changes, children: e.fields.map((f) => item("+", "field", f.name, { what: f.type })) });
    }),
    ...d.entities.changed.map((c) => entityChange(byName(a.entities, c.name)!, byName(b.entities, c.name)!, c)),
    ...d.entities.removed.map((n) => item("-", "entity", n)),
  ];
  const skipTop = ["entities", "relationships", "pages", "xflows", "version", "ui"];
  const lay = layout(a, b, d.entities.added, d.entities.removed);
  const out: VersionDiff = {
    identical: false,
    model: propChanges(a as unknown as Obj, b as unknown as Obj, skipTop, (k, v) => (k === "navigation" ? navigationText(v) : v)),
    entities,
    relationships: named(a.relationships, b.relationships, d.relationships, "relationship", relWhat, (x, y) =>
      item("~", "relationship", y.name, { what: relWhat(y), changes: propChanges(x, y, ["name"]) }),
    ),
    pages: named(
      a.pages,
      b.pages,
      d.pages,
      "page",
      (p) => p.title,
      pageChange,
      (p) => settings(p, ["name", "components"]),
    ),
    flows: named(a.xflows, b.xflows, d.xflows, "flow", (f) => triggerText(f.trigger), flowChange),
    layout: lay,
  };
  // Identical when there is nothing to list (an empty layout object and none are the same to a reader).
  out.identical = [out.model, out.entities, out.relationships, out.pages, out.flows, lay.moved, lay.placed, lay.unplaced].every((l) => !l.length);
  return out;
}

export interface ValueWords {
  yes: string;
  no: string;
  unset: string;
}

const MAX_VALUE = 120;

/** A value as the history shows it: `"open, closed"` for a list of names, yes/no, quoted text, compact JSON cut at 120 characters. */
export function formatValue(v: unknown, words: ValueWords): string {
  if (v === undefined || v === null) return words.unset;
  if (typeof v === "boolean") return v ? words.yes : words.no;
  if (typeof v === "number") return String(v);
  const cut = (s: string) => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s);
  if (typeof v === "string") return `"${cut(v)}"`;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return `"${cut(v.join(", "))}"`;
  return cut(JSON.stringify(v));
}

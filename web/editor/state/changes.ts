// What an edit touches and what changed between two documents, at the grain people think
// in: an entity type's own properties, one field, one relationship, page, component, flow,
// a node's place in the diagram, a model property. Two sets that share a key are a
// conflict: the user's unsaved edits and a change that arrived from elsewhere both touch it.
import type { ModelEdit } from "../../../src/model/edit";
import type { Model } from "../../../src/model/schema";

type Obj = Record<string, unknown>;
const str = (v: unknown) => String(v);
const nameOf = (v: unknown) => str((v as Obj | null)?.name);

/** Keys an edit touches: "entity:task", "field:task.title", "relationship:r", "page:p", "component:p#id", "xflow:f", "layout:task", "model:name". */
export function touchedBy(e: ModelEdit): string[] {
  switch (e.op) {
    case "addEntityType":
      return [`entity:${nameOf(e.entity)}`];
    case "updateEntityType": {
      const to = nameOf(e.patch);
      return [`entity:${e.name}`, ...(to !== "undefined" && to !== e.name ? [`entity:${to}`] : [])];
    }
    case "removeEntityType":
      return [`entity:${e.name}`];
    case "addField":
      return [`field:${e.entity}.${nameOf(e.field)}`];
    case "updateField": {
      const to = nameOf(e.patch);
      return [`field:${e.entity}.${e.name}`, ...(to !== "undefined" && to !== e.name ? [`field:${e.entity}.${to}`] : [])];
    }
    case "removeField":
    case "moveField":
      return [`field:${e.entity}.${e.name}`];
    case "addRelationship":
      return [`relationship:${nameOf(e.relationship)}`];
    case "updateRelationship":
    case "removeRelationship":
      return [`relationship:${e.name}`];
    case "addPage":
      return [`page:${nameOf(e.page)}`];
    case "updatePage": {
      const to = nameOf(e.patch);
      return [`page:${e.name}`, ...(to !== "undefined" && to !== e.name ? [`page:${to}`] : [])];
    }
    case "removePage":
    case "movePage":
      return [`page:${e.name}`];
    case "addComponent":
      return [`component:${e.page}#${str((e.component as Obj | null)?.id)}`];
    case "updateComponent":
    case "removeComponent":
      return [`component:${e.page}#${e.id}`];
    case "addXFlow":
      return [`xflow:${nameOf(e.xflow)}`];
    case "updateXFlow":
    case "removeXFlow":
      return [`xflow:${e.name}`];
    case "setLayout":
      return Object.keys((e.positions as Obj) ?? {}).map((k) => `layout:${k}`);
    case "setProperties":
      return Object.keys((e.patch as Obj) ?? {}).map((k) => `model:${k}`);
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Adds key(name) for each item added, removed or changed (or asks `inner` about a changed one). */
function named<T extends { name: string }>(a: T[] | undefined, b: T[] | undefined, key: (n: string) => string, out: Set<string>, inner?: (x: T, y: T) => void) {
  const am = new Map((a ?? []).map((x) => [x.name, x]));
  const bm = new Map((b ?? []).map((x) => [x.name, x]));
  for (const [n, x] of am) {
    const y = bm.get(n);
    if (!y) out.add(key(n));
    else if (!same(x, y)) inner ? inner(x, y) : out.add(key(n));
  }
  for (const n of bm.keys()) if (!am.has(n)) out.add(key(n));
}

/** Keys of everything that differs between two documents (same grain as touchedBy). */
export function changedBetween(a: Model, b: Model): Set<string> {
  const out = new Set<string>();
  named(
    a.entities,
    b.entities,
    (n) => `entity:${n}`,
    out,
    (x, y) => {
      const props = new Set([...Object.keys(x), ...Object.keys(y)]);
      props.delete("fields");
      if ([...props].some((k) => !same((x as Obj)[k], (y as Obj)[k]))) out.add(`entity:${x.name}`);
      const fx = x.fields.map((f) => f.name),
        fy = y.fields.map((f) => f.name);
      named(x.fields, y.fields, (n) => `field:${x.name}.${n}`, out);
      // A reorder changes no field, yet the order is the user's work too.
      if (
        !same(
          fx.filter((n) => fy.includes(n)),
          fy.filter((n) => fx.includes(n)),
        )
      )
        for (const n of fx) out.add(`field:${x.name}.${n}`);
    },
  );
  // A removed or added type stands for its fields too.
  for (const e of [...a.entities, ...b.entities])
    if (out.has(`entity:${e.name}`) && !(a.entities.some((x) => x.name === e.name) && b.entities.some((x) => x.name === e.name)))
      for (const f of e.fields) out.add(`field:${e.name}.${f.name}`);
  named(a.relationships, b.relationships, (n) => `relationship:${n}`, out);
  named(a.xflows, b.xflows, (n) => `xflow:${n}`, out);
  named(
    a.pages,
    b.pages,
    (n) => `page:${n}`,
    out,
    (x, y) => {
      if (!same({ ...x, components: [] }, { ...y, components: [] })) out.add(`page:${x.name}`);
      const cx = new Map(x.components.map((c) => [c.id, c])),
        cy = new Map(y.components.map((c) => [c.id, c]));
      for (const id of new Set([...cx.keys(), ...cy.keys()])) if (!same(cx.get(id), cy.get(id))) out.add(`component:${x.name}#${id}`);
    },
  );
  const pa = a.ui?.erd?.positions ?? {},
    pb = b.ui?.erd?.positions ?? {};
  for (const k of new Set([...Object.keys(pa), ...Object.keys(pb)])) if (!same(pa[k], pb[k])) out.add(`layout:${k}`);
  for (const k of ["name", "description", "startPage", "navigation", "settings"] as const) if (!same(a[k], b[k])) out.add(`model:${k}`);
  return out;
}

/** The keys both sides touched, sorted (empty: the edits can be replayed on the other side safely). */
export function overlap(mine: readonly ModelEdit[], before: Model, theirs: Model): string[] {
  const changed = changedBetween(before, theirs);
  const hit = new Set<string>();
  for (const e of mine) for (const k of touchedBy(e)) if (changed.has(k)) hit.add(k);
  return [...hit].sort();
}

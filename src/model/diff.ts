// What changed between two versions of a model: entity types, their fields, relationships,
// pages, navigation and flows, each as added / removed / changed. Pure; used by
// `torque model diff`, GraphQL `diff` and the editor.
import { jsonEqual } from "../lib/json";
import type { Model } from "./schema";

export interface NamedChanges {
  added: string[];
  removed: string[];
  changed: string[];
}
export interface EntityChange {
  name: string;
  fields: NamedChanges;
  /** Entity-level properties other than fields that changed (label, indexes, …). */
  properties: string[];
}
export interface ModelDiff {
  entities: { added: string[]; removed: string[]; changed: EntityChange[] };
  relationships: NamedChanges;
  pages: NamedChanges;
  xflows: NamedChanges;
  /** Top-level properties that changed (name, startPage, navigation, …). */
  properties: string[];
  identical: boolean;
}

function byName<T extends { name: string }>(a: T[] = [], b: T[] = []): NamedChanges {
  const am = new Map(a.map((x) => [x.name, x])),
    bm = new Map(b.map((x) => [x.name, x]));
  return {
    added: [...bm.keys()].filter((k) => !am.has(k)),
    removed: [...am.keys()].filter((k) => !bm.has(k)),
    changed: [...bm.keys()].filter((k) => am.has(k) && !jsonEqual(am.get(k), bm.get(k))),
  };
}

const empty = (c: NamedChanges) => !c.added.length && !c.removed.length && !c.changed.length;

export function diffModels(a: Model, b: Model): ModelDiff {
  const ents = byName(a.entities, b.entities);
  const aByName = new Map(a.entities.map((e) => [e.name, e])),
    bByName = new Map(b.entities.map((e) => [e.name, e]));
  const changed: EntityChange[] = ents.changed.map((name) => {
    const ea = aByName.get(name)!,
      eb = bByName.get(name)!;
    const keys = new Set([...Object.keys(ea), ...Object.keys(eb)].filter((k) => k !== "fields" && k !== "name"));
    return {
      name,
      fields: byName(ea.fields, eb.fields),
      properties: [...keys].filter((k) => !jsonEqual((ea as Record<string, unknown>)[k], (eb as Record<string, unknown>)[k])),
    };
  });
  const skip = new Set(["entities", "relationships", "pages", "xflows", "version"]);
  const top = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !skip.has(k)));
  const d: ModelDiff = {
    entities: { added: ents.added, removed: ents.removed, changed },
    relationships: byName(a.relationships, b.relationships),
    pages: byName(a.pages, b.pages),
    xflows: byName(a.xflows, b.xflows),
    properties: [...top].filter((k) => !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])),
    identical: false,
  };
  d.identical =
    !ents.added.length && !ents.removed.length && !changed.length && empty(d.relationships) && empty(d.pages) && empty(d.xflows) && !d.properties.length;
  return d;
}

/** Human-readable lines, one per change: "+ entity task", "~ field task.status", … */
export function formatDiff(d: ModelDiff): string[] {
  const out: string[] = [];
  const put = (c: NamedChanges, what: string) => {
    c.added.forEach((n) => out.push(`+ ${what} ${n}`));
    c.removed.forEach((n) => out.push(`- ${what} ${n}`));
    c.changed.forEach((n) => out.push(`~ ${what} ${n}`));
  };
  d.entities.added.forEach((n) => out.push(`+ entity ${n}`));
  d.entities.removed.forEach((n) => out.push(`- entity ${n}`));
  for (const e of d.entities.changed) {
    put(
      {
        added: e.fields.added.map((f) => `${e.name}.${f}`),
        removed: e.fields.removed.map((f) => `${e.name}.${f}`),
        changed: e.fields.changed.map((f) => `${e.name}.${f}`),
      },
      "field",
    );
    e.properties.forEach((p) => out.push(`~ entity ${e.name} ${p}`));
  }
  put(d.relationships, "relationship");
  put(d.pages, "page");
  put(d.xflows, "xflow");
  d.properties.forEach((p) => out.push(`~ ${p}`));
  return out;
}

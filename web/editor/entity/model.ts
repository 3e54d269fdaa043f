// What the entity editor knows about the model format, as plain data and pure functions:
// which options each field type takes, what a type change has to drop or ask for, and
// where the server's problems point. Mirrors the rules of src/model/fields (options,
// ordered types) so the editor offers only what will validate. (Names are checked by
// common/names.ts, shared with the diagram.)
import type { Field, FieldType, Model } from "../../../src/model/schema";
import type { Issue } from "../lib/graphql";

/** The options of each type beyond the common ones (name, type, label, help, required, unique, indexed, default). */
export const TYPE_OPTIONS: Record<FieldType, readonly TypeOption[]> = {
  text: ["minLength", "maxLength", "pattern"],
  longtext: ["minLength", "maxLength", "pattern"],
  email: ["minLength", "maxLength", "pattern"],
  url: ["minLength", "maxLength", "pattern"],
  integer: ["min", "max"],
  number: ["min", "max"],
  boolean: [],
  date: [],
  datetime: [],
  enum: ["values"],
  multienum: ["values", "minLength", "maxLength"],
  json: [],
  reference: ["entity"],
  file: [],
};
export type TypeOption = "minLength" | "maxLength" | "pattern" | "min" | "max" | "values" | "entity";
const ALL_TYPE_OPTIONS: readonly TypeOption[] = ["minLength", "maxLength", "pattern", "min", "max", "values", "entity"];
/** The "none" choice of a select (no field name can start with _). */
export const NONE = "_none";
export const COMMON_OPTIONS = ["name", "type", "label", "help", "required", "unique", "indexed", "default"] as const;

/** Types whose values compare and sort: they can be unique and are indexed unless told not to. */
const ORDERED: ReadonlySet<FieldType> = new Set(["text", "integer", "number", "boolean", "date", "datetime", "email", "url", "enum", "reference"]);
export const canBeUnique = (t: FieldType) => ORDERED.has(t);
/** Whether the `indexed` switch means anything: ordered types (references are always indexed). */
export const canOptOutOfIndex = (t: FieldType) => ORDERED.has(t) && t !== "reference";
/** Whether a field is indexed as the server decides it (store/entities/indexes.ts fieldIndexed). */
export const isIndexed = (f: Field) => f.type === "reference" || f.indexed === true || (ORDERED.has(f.type) && f.indexed !== false);
/** A default for a reference would be a record id, which differs from app to app: not offered. */
export const takesDefault = (t: FieldType) => t !== "reference";
export const TEXT_LIKE: ReadonlySet<FieldType> = new Set(["text", "longtext", "email", "url"]);

export const optionApplies = (t: FieldType, option: string): boolean =>
  (COMMON_OPTIONS as readonly string[]).includes(option) ? option !== "unique" || canBeUnique(t) : (TYPE_OPTIONS[t] as readonly string[]).includes(option);

/** The regular expression as the server compiles it (with the u flag), or its error. */
export function compilePattern(p: string): { re: RegExp } | { error: string } {
  try {
    return { re: new RegExp(p, "u") };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Whether a default stays a valid value after the type changes (kept only when it plainly does). */
function defaultFits(value: unknown, from: FieldType, to: FieldType): boolean {
  if (value === "now") return to === "date" || to === "datetime";
  if (from === to) return true;
  // Any text a default held (an address, an enum value, a date) is plain text too.
  if (typeof value === "string" && (to === "longtext" || to === "text")) return to === "longtext" || value.length <= 10_000;
  if (from === "integer" && to === "number") return true;
  if (from === "number" && to === "integer") return Number.isInteger(value);
  return false;
}

export interface Retype {
  /** The updateField patch: the new type, removed options (null) and added ones. */
  patch: Record<string, unknown>;
  /** Options removed because the new type does not take them. */
  dropped: string[];
  /** Whether the default was removed (it would not be a value of the new type). */
  droppedDefault: boolean;
  /** What the new type needs that the field does not have: values (enum, multienum) or the target (reference). */
  needs: ("values" | "entity")[];
}

/** What changing a field's type involves; `extra` supplies the values or target the new type needs. */
export function retype(field: Field, to: FieldType, extra: { values?: string[]; entity?: string } = {}): Retype {
  const patch: Record<string, unknown> = { type: to };
  const dropped: string[] = [];
  const keep = new Set<string>(TYPE_OPTIONS[to]);
  // minLength/maxLength count characters for text and items for multienum: not carried across.
  const textToList = TEXT_LIKE.has(field.type) !== TEXT_LIKE.has(to);
  if (textToList) {
    keep.delete("minLength");
    keep.delete("maxLength");
  }
  for (const o of ALL_TYPE_OPTIONS)
    if ((field as Record<string, unknown>)[o] !== undefined && !keep.has(o)) {
      patch[o] = null;
      dropped.push(o);
    }
  if (field.unique && !canBeUnique(to)) {
    patch.unique = null;
    dropped.push("unique");
  }
  if (field.indexed !== undefined && !canOptOutOfIndex(to)) {
    patch.indexed = null;
    dropped.push("indexed");
  }
  let droppedDefault = false;
  if (field.default !== undefined) {
    if (field.type === "enum" && to === "multienum") patch.default = [field.default];
    else if (!takesDefault(to) || !defaultFits(field.default, field.type, to)) {
      patch.default = null;
      droppedDefault = true;
    }
  }
  const needs: Retype["needs"] = [];
  if (to === "enum" || to === "multienum") {
    // An enum's values carry over to a multienum and back; otherwise they are asked for.
    if (!field.values?.length) {
      if (extra.values?.length) patch.values = extra.values;
      else needs.push("values");
    }
  }
  if (to === "reference") {
    if (extra.entity) patch.entity = extra.entity;
    else needs.push("entity");
  }
  return { patch, dropped, droppedDefault, needs };
}

/** A server problem placed in the document: the entity type (and field, relationship) and the property it names. */
export interface Located {
  issue: Issue;
  entity?: string;
  field?: string;
  relationship?: string;
  /** The first property segment after the item ("values" for /…/fields/3/values/2); undefined for the item as a whole. */
  prop?: string;
}

const unescapePointer = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");
const indexIn = (s: string | undefined, length: number): number | undefined => {
  if (s === undefined || !/^(0|[1-9]\d*)$/.test(s)) return undefined;
  const n = Number(s);
  return n < length ? n : undefined;
};

/** Where each problem is in `doc` (its JSON-pointer path's indices are into that document). Problems elsewhere have no entity. */
export function locate(doc: Model, issues: readonly Issue[]): Located[] {
  return issues.map((issue) => {
    const parts = (issue.path ?? "").split("/").slice(1).map(unescapePointer);
    if (parts[0] === "entities") {
      const e = doc.entities[indexIn(parts[1], doc.entities.length) ?? -1];
      if (!e) return { issue };
      if (parts[2] === "fields") {
        const f = e.fields[indexIn(parts[3], e.fields.length) ?? -1];
        if (f) return { issue, entity: e.name, field: f.name, prop: parts[4] };
        return { issue, entity: e.name, prop: "fields" };
      }
      return { issue, entity: e.name, prop: parts[2] };
    }
    if (parts[0] === "relationships") {
      const rels = doc.relationships ?? [];
      const r = rels[indexIn(parts[1], rels.length) ?? -1];
      if (r) return { issue, relationship: r.name, prop: parts[2] };
    }
    return { issue };
  });
}

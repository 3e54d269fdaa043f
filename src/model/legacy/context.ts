// Shared state and small helpers for converting a legacy (Rust Torque) model: the report,
// the legacy → canonical name maps every later step needs, and tolerant readers for
// loosely typed legacy JSON.
import { isPlainObject, pointer } from "../../lib/json";
import type { EntityType, Field } from "../schema";

export interface LegacyReportItem {
  /** JSON Pointer into the LEGACY document. */
  path: string;
  severity: "dropped" | "changed" | "warning";
  message: string;
}

export type Obj = Record<string, unknown>;

export const obj = (v: unknown): Obj | undefined => (isPlainObject(v) ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
/** A table lookup by a key from the document ("constructor" must not find Object's). */
export const lookup = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);
/** `path` extended by more segments. */
export const sub = (path: string, ...parts: (string | number)[]): string => path + pointer(...parts);

/** Collects report items, once per (path, message) so repeated causes do not spam. */
export class Reporter {
  readonly items: LegacyReportItem[] = [];
  private seen = new Set<string>();
  add(path: string, severity: LegacyReportItem["severity"], message: string): void {
    const key = `${path}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ path, severity, message });
  }
  dropped(path: string, message: string): void {
    this.add(path, "dropped", message);
  }
  changed(path: string, message: string): void {
    this.add(path, "changed", message);
  }
  warning(path: string, message: string): void {
    this.add(path, "warning", message);
  }
}

/** A converted entity plus where it came from, so later steps can report against the legacy document. */
export interface EntityInfo {
  def: EntityType;
  path: string; // pointer of the legacy entity
  legacyName: string;
  /** legacy field name → canonical field name (fields that were dropped are absent). */
  fieldNames: Map<string, string>;
  /** canonical field name → pointer of the legacy field. */
  fieldPaths: Map<string, string>;
}

export interface Ctx {
  report: Reporter;
  /** legacy entity name → converted entity; lookups accept either spelling. */
  entities: Map<string, EntityInfo>;
}

export function entityOf(ctx: Ctx, legacyOrCanonical: unknown): EntityInfo | undefined {
  if (typeof legacyOrCanonical !== "string") return undefined;
  const direct = ctx.entities.get(legacyOrCanonical);
  if (direct) return direct;
  for (const e of ctx.entities.values()) if (e.def.name === legacyOrCanonical || e.def.name === toName(legacyOrCanonical)) return e;
  return undefined;
}

/** The canonical field for a legacy (or already canonical) field name. */
export function fieldOf(info: EntityInfo, name: unknown): Field | undefined {
  if (typeof name !== "string") return undefined;
  const canonical = info.fieldNames.get(name) ?? name;
  return info.def.fields.find((f) => f.name === canonical);
}

/** lower_snake_case identifier in Torque's name pattern (camelCase and spaces become underscores). */
export function toName(raw: string): string {
  let s = raw
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!/^[a-z]/.test(s)) s = `x_${s}`.replace(/_+$/, "");
  return s.slice(0, 63);
}

/** A name not yet in `taken` (adds it): `name`, `name_2`, `name_3`, … */
export function uniqueName(name: string, taken: Set<string>): string {
  let n = name,
    i = 2;
  while (taken.has(n)) n = `${name.slice(0, 58)}_${i++}`;
  taken.add(n);
  return n;
}

/** "project_dashboard" → "Project Dashboard". */
export const humanise = (name: string): string =>
  name
    .replace(/[_-]+/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .trim()
    .replace(/\b\w/g, (c) => c.toUpperCase()) || name;

export { show } from "../../lib/json";

export const clip = (s: string, max: number): string => {
  if (s.length <= max) return s;
  // Never between the two halves of a surrogate pair (an emoji): that would leave a lone surrogate, which is not text.
  const end = /[\ud800-\udbff]/.test(s[max - 2]!) ? max - 2 : max - 1;
  return `${s.slice(0, end)}…`;
};

// The filter language evaluated in memory against one record's data, with the same
// meaning as the SQL it compiles to (store/entities/filter.ts): used to decide which
// subscribers hear about a change. Filters are checked (compileFilter) when subscribing.
import type { CompiledEntity } from "../model/compile";
import { fieldKinds } from "../model/fields/registry";
import { isPlainObject } from "../lib/json";

type Data = Record<string, unknown>;

function cmp(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" || typeof b === "boolean") return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function norm(ent: CompiledEntity, field: string, v: unknown): unknown {
  const f = ent.fields.get(field);
  if (!f || v === null || v === undefined) return v;
  const type = f.type === "multienum" ? "enum" : f.type;
  const r = fieldKinds[type].coerce(v, { name: f.name, type, values: f.values, entity: f.entity }, false);
  return r.ok ? r.value : v;
}

const like = (s: unknown, needle: unknown, mode: "contains" | "startsWith" | "endsWith") => {
  if (typeof s !== "string" || typeof needle !== "string") return false;
  const a = s.toLowerCase(), b = needle.toLowerCase(); // SQLite LIKE is case-insensitive for ASCII
  return mode === "contains" ? a.includes(b) : mode === "startsWith" ? a.startsWith(b) : a.endsWith(b);
};

function test(ent: CompiledEntity, field: string, value: unknown, cond: unknown): boolean {
  if (!isPlainObject(cond)) return cond === null ? value === undefined || value === null : value !== undefined && cmp(value, norm(ent, field, cond)) === 0;
  return Object.entries(cond).every(([op, arg]) => {
    const n = (x: unknown) => norm(ent, field, x);
    const has = value !== undefined && value !== null;
    switch (op) {
      case "eq": return arg === null ? !has : has && cmp(value, n(arg)) === 0;
      case "ne": return arg === null ? has : !has || cmp(value, n(arg)) !== 0;
      case "gt": return has && cmp(value, n(arg)) > 0;
      case "gte": return has && cmp(value, n(arg)) >= 0;
      case "lt": return has && cmp(value, n(arg)) < 0;
      case "lte": return has && cmp(value, n(arg)) <= 0;
      case "between": return has && Array.isArray(arg) && cmp(value, n(arg[0])) >= 0 && cmp(value, n(arg[1])) <= 0;
      case "in": return has && Array.isArray(arg) && arg.some((x) => cmp(value, n(x)) === 0);
      case "nin": return !has || (Array.isArray(arg) && !arg.some((x) => cmp(value, n(x)) === 0));
      case "isNull": return arg ? !has : has;
      case "contains": return Array.isArray(value) ? value.includes(arg) : like(value, arg, "contains");
      case "startsWith": return like(value, arg, "startsWith");
      case "endsWith": return like(value, arg, "endsWith");
      default: return false;
    }
  });
}

/** Whether a record (id, timestamps and data) satisfies a filter that compileFilter accepted. */
export function matches(ent: CompiledEntity, record: { id: string; data: Data; createdAt?: string; updatedAt?: string }, filter: unknown): boolean {
  if (!isPlainObject(filter)) return true;
  return Object.entries(filter).every(([key, cond]) => {
    if (key === "and") return (cond as unknown[]).every((f) => matches(ent, record, f));
    if (key === "or") return (cond as unknown[]).some((f) => matches(ent, record, f));
    if (key === "not") return !matches(ent, record, cond);
    const value = key === "id" ? record.id : key === "createdAt" ? record.createdAt : key === "updatedAt" ? record.updatedAt : record.data[key];
    return test(ent, key, value, cond);
  });
}

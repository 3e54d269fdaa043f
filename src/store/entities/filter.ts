// The JSON filter language (SPEC §4) compiled to a SQL condition with bound values.
// Keys are checked against the model before anything is written into SQL; values are
// always bound parameters, checked against the field's type.
import type { CompiledEntity } from "../../model/compile";
import { fieldKinds } from "../../model/fields/registry";
import type { Field } from "../../model/schema";
import { isPlainObject } from "../../lib/json";
import { validationError, type Issue } from "../../lib/errors";
import type { Dialect } from "../dialect";
import type { Param } from "../driver";
import { column, type Column } from "./columns";

export const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "startsWith", "endsWith", "isNull", "between"] as const;
type Op = (typeof OPERATORS)[number];
const ORDERED_OPS = new Set<Op>(["gt", "gte", "lt", "lte", "between"]);
const TEXT_OPS = new Set<Op>(["contains", "startsWith", "endsWith"]);
const TEXT_TYPES = new Set(["text", "longtext", "email", "url", "enum", "reference"]);
const MAX_DEPTH = 8;
const MAX_IN = 1000;
const MAX_CONDITIONS = 200;

export interface CompiledFilter {
  sql: string;
  params: Param[];
}

class FilterCompiler {
  params: Param[] = [];
  issues: Issue[] = [];
  constructor(private ent: CompiledEntity, private d: Dialect) {}

  node(f: unknown, path: string, depth: number): string {
    if (depth > MAX_DEPTH) return this.fail(path, "depth", `filters nest at most ${MAX_DEPTH} levels`);
    if (!isPlainObject(f)) return this.fail(path, "type", "a filter must be an object of field conditions");
    const parts: string[] = [];
    for (const [key, val] of Object.entries(f)) {
      const at = path ? `${path}.${key}` : key;
      if (key === "and" || key === "or") {
        if (!Array.isArray(val) || val.length === 0) {
          parts.push(this.fail(at, "type", `"${key}" takes a non-empty list of filters`));
          continue;
        }
        const subs = val.map((v, i) => this.node(v, `${at}[${i}]`, depth + 1));
        parts.push(`(${subs.join(key === "and" ? " AND " : " OR ")})`);
      } else if (key === "not") {
        // SQL's NOT of NULL is NULL: COALESCE makes "not" the exact complement (empty fields included).
        parts.push(`NOT COALESCE((${this.node(val, at, depth + 1)}), 0)`);
      } else {
        const col = column(this.ent, key, this.d);
        if (!col) {
          parts.push(this.fail(at, "unknown", `${this.ent.name} has no field "${key}"`));
          continue;
        }
        parts.push(this.condition(col, val, at));
      }
    }
    return parts.length ? parts.join(" AND ") : "1=1";
  }

  conditions = 0;

  condition(col: Column, val: unknown, at: string): string {
    // SQLite refuses very large expressions; a filter of this size is a mistake anyway.
    if (++this.conditions > MAX_CONDITIONS)
      return this.conditions === MAX_CONDITIONS + 1 ? this.fail(at, "size", `a filter holds at most ${MAX_CONDITIONS} conditions`) : "0=1";
    if (!isPlainObject(val)) return val === null ? `${col.sql} IS NULL` : this.op(col, "eq", val, at);
    const ops = Object.entries(val);
    if (!ops.length) return this.fail(at, "operator", "an empty condition; use an operator such as eq or gt");
    return ops.map(([op, v]) => this.op(col, op, v, `${at}.${op}`)).join(" AND ");
  }

  op(col: Column, op: string, v: unknown, at: string): string {
    if (!(OPERATORS as readonly string[]).includes(op)) return this.fail(at, "operator", `unknown operator "${op}"; use one of ${OPERATORS.join(", ")}`);
    const o = op as Op;
    const type = col.field?.type;
    const ordered = !col.field || fieldKinds[col.field.type].ordered;
    if (ORDERED_OPS.has(o) && (!ordered || type === "boolean")) return this.fail(at, "operator", `${op} does not apply to a ${type} field`);
    if (TEXT_OPS.has(o) && !(type === "multienum" && o === "contains") && !(type && TEXT_TYPES.has(type)) && col.name !== "id")
      return this.fail(at, "operator", `${op} applies to text fields, not to ${type ?? col.name}`);
    if (!ordered && !["isNull", "contains"].includes(o) && type !== "multienum")
      return this.fail(at, "operator", `a ${type} field can only be filtered with isNull`);
    switch (o) {
      case "isNull":
        if (typeof v !== "boolean") return this.fail(at, "type", "isNull takes true or false");
        return `${col.sql} IS ${v ? "" : "NOT "}NULL`;
      case "eq":
      case "ne": {
        if (v === null) return `${col.sql} IS ${o === "eq" ? "" : "NOT "}NULL`;
        if (type === "multienum") return this.fail(at, "operator", "use contains to filter a multienum field");
        const p = this.value(col, v, at);
        // ne keeps rows where the field is empty: "status ne done" should include tasks without a status.
        return o === "eq" ? `${col.sql} = ${p}` : `(${col.sql} <> ${p} OR ${col.sql} IS NULL)`;
      }
      case "gt": case "gte": case "lt": case "lte":
        return `${col.sql} ${{ gt: ">", gte: ">=", lt: "<", lte: "<=" }[o]} ${this.value(col, v, at)}`;
      case "between": {
        if (!Array.isArray(v) || v.length !== 2) return this.fail(at, "type", "between takes [low, high]");
        return `${col.sql} BETWEEN ${this.value(col, v[0], at + "[0]")} AND ${this.value(col, v[1], at + "[1]")}`;
      }
      case "in":
      case "nin": {
        if (!Array.isArray(v) || v.length === 0) return this.fail(at, "type", `${o} takes a non-empty list`);
        if (v.length > MAX_IN) return this.fail(at, "type", `${o} takes at most ${MAX_IN} values`);
        const list = v.map((x, i) => this.value(col, x, `${at}[${i}]`)).join(", ");
        return o === "in" ? `${col.sql} IN (${list})` : `(${col.sql} NOT IN (${list}) OR ${col.sql} IS NULL)`;
      }
      case "contains":
        if (type === "multienum") {
          this.value(col, v, at, true);
          return this.d.arrayContains(col.field!.name);
        }
        return this.like(col, v, at, (s) => `%${s}%`);
      case "startsWith":
        return this.like(col, v, at, (s) => `${s}%`);
      case "endsWith":
        return this.like(col, v, at, (s) => `%${s}`);
    }
  }

  like(col: Column, v: unknown, at: string, wrap: (s: string) => string): string {
    if (typeof v !== "string" || v === "") return this.fail(at, "type", "takes non-empty text");
    this.params.push(wrap(v.replace(/[\\%_]/g, (c) => "\\" + c)));
    return this.d.like(col.sql);
  }

  /** Check a comparison value against the field's type and bind it. */
  value(col: Column, v: unknown, at: string, element = false): string {
    let bound: unknown = v;
    if (col.field) {
      const f: Field = element && col.field.type === "multienum" ? { ...col.field, type: "enum" } : loosen(col.field);
      const r = fieldKinds[f.type].coerce(v, f, false);
      if (!r.ok) {
        this.fail(at, r.rule, `value ${r.message}`);
        return "NULL";
      }
      bound = r.value;
    } else if (typeof v !== "string") {
      this.fail(at, "type", `${col.name} is compared with text`);
      return "NULL";
    }
    this.params.push(typeof bound === "boolean" ? (bound ? 1 : 0) : (bound as Param));
    return "?";
  }

  fail(field: string, rule: string, message: string): string {
    this.issues.push({ field: `filter.${field}`, rule, message });
    return "0=1";
  }
}

/** A field's type without its value constraints: a filter may compare with values a record could not hold. */
const loosen = (f: Field): Field => ({ name: f.name, type: f.type, values: f.values, entity: f.entity });

export function compileFilter(ent: CompiledEntity, filter: unknown, d: Dialect): CompiledFilter {
  if (filter === undefined || filter === null) return { sql: "1=1", params: [] };
  const c = new FilterCompiler(ent, d);
  const sql = c.node(filter, "", 0);
  if (c.issues.length) throw validationError(c.issues, "filter");
  return { sql, params: c.params };
}

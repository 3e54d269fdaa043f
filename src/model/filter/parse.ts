// The filter language checked against an entity type and turned into a FilterNode tree.
// Every rule lives here: unknown names and operators, which operators a type accepts,
// value coercion by the field's kind, sizes. Every problem is reported (with a path such
// as `filter.or[1].price.gt`), and a filter with any problem is refused as a whole.

import { type Issue, validationError } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import type { CompiledEntity } from "../compile";
import { fieldKinds } from "../fields/registry";
import type { Field } from "../schema";
import type { CompareOp, FilterNode, Scalar, SystemName, Target, TextMode } from "./ast";
import { FILTER_LIMITS, OPERATOR_SET, OPERATORS, type Operator, operatorsFor, SEARCH_KEY, SEARCH_LIMITS, SYSTEM_NAMES, searchedFields } from "./grammar";
import { foldCase, searchWords } from "./text";

const NEVER: FilterNode = { kind: "or", items: [] }; // stands in for a refused part (never returned)

class Parser {
  issues: Issue[] = [];
  conditions = 0;
  constructor(private ent: CompiledEntity) {}

  node(f: unknown, path: string, depth: number): FilterNode {
    if (depth > FILTER_LIMITS.depth) return this.fail(path, "depth", `filters nest at most ${FILTER_LIMITS.depth} levels`);
    if (!isPlainObject(f)) return this.fail(path, "type", "a filter must be an object of field conditions");
    const items: FilterNode[] = [];
    for (const [key, val] of Object.entries(f)) {
      const at = path ? `${path}.${key}` : key;
      if (key === "and" || key === "or") {
        if (!Array.isArray(val) || val.length === 0) {
          items.push(this.fail(at, "type", `"${key}" takes a non-empty list of filters`));
          continue;
        }
        items.push({ kind: key, items: val.map((v, i) => this.node(v, `${at}[${i}]`, depth + 1)) });
      } else if (key === "not") {
        items.push({ kind: "not", item: this.node(val, at, depth + 1) });
      } else if (key === SEARCH_KEY) {
        items.push(this.search(val, at));
      } else {
        const target = this.target(key);
        if (!target) {
          items.push(this.fail(at, "unknown", `${this.ent.name} has no field "${key}"`));
          continue;
        }
        items.push(this.condition(target, val, at));
      }
    }
    return items.length === 0 ? { kind: "all" } : items.length === 1 ? items[0]! : { kind: "and", items };
  }

  /** A name from the request: a system name, or a field of the model (both looked up in Maps/Sets, never on an object). */
  target(name: string): Target | undefined {
    if (SYSTEM_NAMES.has(name)) return { kind: "system", name: name as SystemName };
    const field = this.ent.fields.get(name);
    return field ? { kind: "field", name, field } : undefined;
  }

  condition(target: Target, val: unknown, at: string): FilterNode {
    if (!isPlainObject(val)) return this.op(target, "eq", val, at); // shorthand: {field: value} or {field: null}
    const ops = Object.entries(val);
    if (!ops.length) return this.fail(at, "operator", "an empty condition; use an operator such as eq or gt");
    const items = ops.map(([op, v]) => this.op(target, op, v, `${at}.${op}`));
    return items.length === 1 ? items[0]! : { kind: "and", items };
  }

  op(target: Target, op: string, v: unknown, at: string): FilterNode {
    // SQLite refuses very large expressions; a filter of this size is a mistake anyway.
    if (++this.conditions > FILTER_LIMITS.conditions)
      return this.conditions === FILTER_LIMITS.conditions + 1 ? this.fail(at, "size", `a filter holds at most ${FILTER_LIMITS.conditions} conditions`) : NEVER;
    if (!OPERATOR_SET.has(op)) return this.fail(at, "operator", `unknown operator "${op}"; use one of ${OPERATORS.join(", ")}`);
    const o = op as Operator;
    // eq/ne null are isNull in every type, even those that take no other comparison.
    if ((o === "eq" || o === "ne") && v === null) return { kind: "empty", target, empty: o === "eq" };
    const type = target.kind === "field" ? target.field.type : undefined;
    const allowed = target.kind === "field" ? operatorsFor(target.field.type) : operatorsFor(target.name, true);
    if (!allowed.has(o)) {
      if (type === "multienum" && (o === "eq" || o === "ne" || o === "in" || o === "nin"))
        return this.fail(at, "operator", "use contains to filter a multienum field");
      const what = type ? `a ${type} field` : target.name;
      return this.fail(at, "operator", `${op} does not apply to ${what}; use one of ${[...allowed].join(", ")}`);
    }
    switch (o) {
      case "isNull":
        if (typeof v !== "boolean") return this.fail(at, "type", "isNull takes true or false");
        return { kind: "empty", target, empty: v };
      case "eq":
      case "ne":
      case "gt":
      case "gte":
      case "lt":
      case "lte": {
        const value = this.value(target, v, at);
        return value === undefined ? NEVER : { kind: "compare", target, op: o as CompareOp, value };
      }
      case "between": {
        if (!Array.isArray(v) || v.length !== 2) return this.fail(at, "type", "between takes [low, high]");
        const low = this.value(target, v[0], `${at}[0]`),
          high = this.value(target, v[1], `${at}[1]`);
        return low === undefined || high === undefined ? NEVER : { kind: "between", target, low, high };
      }
      case "in":
      case "nin": {
        if (!Array.isArray(v) || v.length === 0) return this.fail(at, "type", `${o} takes a non-empty list`);
        if (v.length > FILTER_LIMITS.inValues) return this.fail(at, "type", `${o} takes at most ${FILTER_LIMITS.inValues} values`);
        const values = v.map((x, i) => this.value(target, x, `${at}[${i}]`));
        return values.includes(undefined) ? NEVER : { kind: "in", target, values: values as Scalar[], negated: o === "nin" };
      }
      case "contains":
      case "startsWith":
      case "endsWith": {
        if (type === "multienum") {
          const value = this.value(target, v, at, true);
          return value === undefined ? NEVER : { kind: "has", target, value: value as string };
        }
        if (typeof v !== "string" || v === "") return this.fail(at, "type", `${o} takes non-empty text`);
        // As in values (fields/kind.ts checkText): SQL and the matcher would disagree on it.
        if (!v.isWellFormed()) return this.fail(at, "unicode", `${o} takes Unicode text: it holds half of a UTF-16 surrogate pair alone`);
        return { kind: "text", target, mode: o as TextMode, needle: foldCase(v) };
      }
    }
  }

  /** `$search`: text split into words (an empty term matches everything); one condition. */
  search(v: unknown, at: string): FilterNode {
    if (++this.conditions > FILTER_LIMITS.conditions)
      return this.conditions === FILTER_LIMITS.conditions + 1 ? this.fail(at, "size", `a filter holds at most ${FILTER_LIMITS.conditions} conditions`) : NEVER;
    if (typeof v !== "string") return this.fail(at, "type", `${SEARCH_KEY} takes text: the words to look for in the text fields`);
    const words = searchWords(v);
    if (words.length > SEARCH_LIMITS.words) return this.fail(at, "size", `${SEARCH_KEY} takes at most ${SEARCH_LIMITS.words} words (got ${words.length})`);
    const long = words.findIndex((w) => [...w].length > SEARCH_LIMITS.wordLength);
    if (long >= 0) return this.fail(at, "size", `${SEARCH_KEY} words are at most ${SEARCH_LIMITS.wordLength} characters (word ${long + 1} is longer)`);
    if (!words.length) return { kind: "all" };
    return { kind: "search", entity: this.ent.name, words: words.map(foldCase), fields: searchedFields(this.ent) };
  }

  /** Check a comparison value against the target's type; undefined (with an issue) when it does not fit. */
  value(target: Target, v: unknown, at: string, element = false): Scalar | undefined {
    if (target.kind === "system") {
      if (typeof v === "string") return v;
      this.fail(at, "type", `${target.name} is compared with text`);
      return undefined;
    }
    const f: Field = element ? { name: target.field.name, type: "enum", values: target.field.values } : loosen(target.field);
    if (f.type === "enum" && typeof v === "string" && !(f.values ?? []).includes(v)) {
      this.fail(at, "enum", enumMessage(f, v));
      return undefined;
    }
    const r = fieldKinds[f.type].coerce(v, f, false);
    if (!r.ok) {
      this.fail(at, r.rule, `value ${r.message}`);
      return undefined;
    }
    return r.value as Scalar;
  }

  fail(field: string, rule: string, message: string): FilterNode {
    this.issues.push({ field: `filter.${field}`, rule, message });
    return NEVER;
  }
}

/** A field's type without its value constraints: a filter may compare with values a record could not hold. */
const loosen = (f: Field): Field => ({ name: f.name, type: f.type, values: f.values, entity: f.entity });

/**
 * Enum values are case-sensitive, as they are stored, sorted and kept unique. A value that
 * is not an option is refused (no record can hold it, so it is a typo), naming the options
 * and, when it differs from one only in case, that one.
 */
function enumMessage(f: Field, v: string): string {
  const options = f.values ?? [];
  const near = options.find((x) => x.toLowerCase() === v.toLowerCase());
  return (
    `"${v}" is not a value of ${f.name}; use one of ${options.map((x) => `"${x}"`).join(", ")}` +
    (near ? ` (values are case-sensitive: did you mean "${near}"?)` : "")
  );
}

/** Parse and check a filter (undefined/null: every record). Throws a validation error listing every problem. */
export function parseFilter(ent: CompiledEntity, filter: unknown): FilterNode {
  if (filter === undefined || filter === null) return { kind: "all" };
  const p = new Parser(ent);
  const node = p.node(filter, "", 0);
  if (p.issues.length) throw validationError(p.issues, "filter");
  return node;
}

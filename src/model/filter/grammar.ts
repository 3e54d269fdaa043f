// The words of the filter language and which of them apply to what: the operators, the
// system names every record has, the operators each field type (and system name) accepts,
// and the size limits. Tables are Maps and Sets: names come from requests, and a plain
// object would answer for "constructor" or "__proto__" through its prototype.
import type { CompiledEntity } from "../compile";
import type { Field, FieldType } from "../schema";
import type { SystemName } from "./ast";

export const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "startsWith", "endsWith", "isNull", "between"] as const;
export type Operator = (typeof OPERATORS)[number];
export const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

export const SYSTEM_NAMES: ReadonlySet<string> = new Set<SystemName>(["id", "createdAt", "updatedAt"]);

/** Nesting depth of and/or/not, conditions per filter, values per in/nin list. */
export const FILTER_LIMITS = { depth: 8, conditions: 200, inValues: 1000 } as const;

/**
 * `{"$search": "words"}`: a grid's search box. Model names are lower_snake_case, so the
 * key can never be a field's name. The term is split on whitespace; each word must occur
 * in one of the type's text-like fields (the `contains` rule).
 */
export const SEARCH_KEY = "$search";
export const SEARCH_LIMITS = { words: 10, wordLength: 100 } as const;
/** The field types a search looks in. */
export const SEARCHED_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(["text", "longtext", "email", "url"]);
/** The fields of a type that a search looks in, in model order. */
export const searchedFields = (ent: CompiledEntity): Field[] => ent.def.fields.filter((f) => SEARCHED_TYPES.has(f.type));

const EQUALITY: Operator[] = ["eq", "ne", "in", "nin", "isNull"];
const ORDER: Operator[] = ["gt", "gte", "lt", "lte", "between"];
const TEXT: Operator[] = ["contains", "startsWith", "endsWith"];

// Every field type must be listed (the `satisfies` makes a new type a compile error here).
const BY_TYPE = {
  text: [...EQUALITY, ...ORDER, ...TEXT],
  email: [...EQUALITY, ...ORDER, ...TEXT],
  url: [...EQUALITY, ...ORDER, ...TEXT],
  enum: [...EQUALITY, ...ORDER, ...TEXT],
  reference: [...EQUALITY, ...ORDER, ...TEXT],
  // Long text is not ordered (not sortable or indexed) but can be searched and compared.
  longtext: [...EQUALITY, ...TEXT],
  integer: [...EQUALITY, ...ORDER],
  number: [...EQUALITY, ...ORDER],
  date: [...EQUALITY, ...ORDER],
  datetime: [...EQUALITY, ...ORDER],
  boolean: EQUALITY,
  // contains tests membership of one option; eq/ne take only null (= isNull).
  multienum: ["contains", "isNull"],
  json: ["isNull"],
  file: ["isNull"],
} satisfies Record<FieldType, Operator[]>;

const BY_SYSTEM = {
  id: [...EQUALITY, ...ORDER, ...TEXT],
  createdAt: [...EQUALITY, ...ORDER],
  updatedAt: [...EQUALITY, ...ORDER],
} satisfies Record<SystemName, Operator[]>;

const table = new Map<string, ReadonlySet<Operator>>(
  [...Object.entries(BY_TYPE), ...Object.entries(BY_SYSTEM).map(([k, v]) => [`system:${k}`, v] as const)].map(([k, v]) => [k, new Set(v)]),
);

/** The operators a field type (or, with `system`, a system name) accepts. */
export function operatorsFor(typeOrName: string, system = false): ReadonlySet<Operator> {
  return table.get(system ? `system:${typeOrName}` : typeOrName) ?? new Set();
}

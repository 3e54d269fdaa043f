// Where a filterable/sortable name lives: a system column or a field inside the JSON data.

import type { CompiledEntity } from "../../model/compile";
import type { Target } from "../../model/filter/ast";
import type { Field } from "../../model/schema";
import { checkedIdent, type Dialect } from "../dialect";
import { looksGrown } from "./growth";

/** System names and their columns. A Map: names come from requests, and a plain object would answer for "constructor". */
export const SYSTEM_COLUMNS: ReadonlyMap<string, string> = new Map([
  ["id", "id"],
  ["createdAt", "created_at"],
  ["updatedAt", "updated_at"],
]);

export interface Column {
  name: string;
  sql: string;
  field?: Field; // undefined for system columns
}

export function column(ent: CompiledEntity, name: string, d: Dialect): Column | undefined {
  const sys = SYSTEM_COLUMNS.get(name);
  if (sys) return { name, sql: sys };
  const field = ent.fields.get(name);
  return field ? { name, sql: d.jsonField(field), field } : undefined;
}

/** The SQL expression of a parsed filter's target. */
export const targetSql = (t: Target, d: Dialect): string => (t.kind === "system" ? SYSTEM_COLUMNS.get(t.name)! : d.jsonField(t.field));

/**
 * Literal SQL restricting to one app's rows of one type; literal so partial indexes apply.
 * A type that has not grown indexes of its own (growth.ts) adds the term that lets its
 * queries use the shared entities_small_types index, which grown types' queries never name.
 */
export const scope = (appId: number, type: string): string => {
  const t = checkedIdent(type);
  return `app_id = ${Math.trunc(appId)} AND type = '${t}'${looksGrown(appId, type) ? "" : ` AND (type || '') = '${t}'`}`;
};

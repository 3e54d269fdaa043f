// The filter language (SPEC §4) compiled to a SQL condition with bound values. Parsing and
// every check live in model/filter (one grammar, shared with the in-memory matcher); this
// file only writes SQL for a checked tree. Names reach SQL as checked identifiers, values
// only as bound parameters.

import { TorqueError } from "../../lib/errors";
import type { CompiledEntity } from "../../model/compile";
import type { FilterNode, Scalar } from "../../model/filter/ast";
import { parseFilter } from "../../model/filter/parse";
import type { Dialect } from "../dialect";
import type { Param } from "../driver";
import { targetSql } from "./columns";
import { ftsCandidates } from "./fts";

export { OPERATORS } from "../../model/filter/grammar";

export interface CompiledFilter {
  sql: string;
  params: Param[];
  /** The parsed filter, when it matches text (contains, startsWith, endsWith, $search): see PageQuery.probe. */
  node?: FilterNode;
}

/** Whether a filter matches text anywhere in it. */
function matchesText(node: FilterNode): boolean {
  if (node.kind === "text" || node.kind === "search") return true;
  if (node.kind === "and" || node.kind === "or") return node.items.some(matchesText);
  return node.kind === "not" && matchesText(node.item);
}

const SQL_OP = new Map([
  ["eq", "="],
  ["ne", "<>"],
  ["gt", ">"],
  ["gte", ">="],
  ["lt", "<"],
  ["lte", "<="],
]);
/** A filter value as bound: booleans as 1 and 0; text PostgreSQL cannot hold is refused by name. */
function bind(v: Scalar, d: Dialect): Param {
  if (typeof v === "string" && !d.holdsNul && v.includes("\0"))
    throw new TorqueError("bad_request", `filter value ${JSON.stringify(v)} holds the NUL character (\\u0000), which PostgreSQL cannot store or match`);
  return typeof v === "boolean" ? (v ? 1 : 0) : v;
}

/**
 * SQL for a parsed filter; parameters are appended to `params` in the order of the `?`s.
 * With `appId`, a `$search` is also narrowed by the full-text index (fts.ts).
 */
export function filterSql(node: FilterNode, d: Dialect, params: Param[], appId?: number, narrow = true): string {
  const sub = (n: FilterNode) => filterSql(n, d, params, appId, narrow);
  switch (node.kind) {
    case "all":
      return "1=1";
    case "and":
    case "or":
      return node.items.length ? `(${node.items.map(sub).join(node.kind === "and" ? " AND " : " OR ")})` : "0=1";
    case "not":
      // SQL's NOT of NULL is NULL: COALESCE makes "not" the exact complement (empty fields included).
      return `NOT COALESCE((${sub(node.item)}), FALSE)`;
    case "empty":
      return `${targetSql(node.target, d)} IS ${node.empty ? "" : "NOT "}NULL`;
    case "compare": {
      const col = targetSql(node.target, d);
      params.push(bind(node.value, d));
      // ne keeps rows where the field is empty: "status ne done" should include tasks without a status.
      return node.op === "ne" ? `(${col} <> ? OR ${col} IS NULL)` : `${col} ${SQL_OP.get(node.op)} ?`;
    }
    case "between":
      params.push(bind(node.low, d), bind(node.high, d));
      return `${targetSql(node.target, d)} BETWEEN ? AND ?`;
    case "in": {
      const col = targetSql(node.target, d);
      params.push(...node.values.map((v) => bind(v, d)));
      const list = node.values.map(() => "?").join(", ");
      return node.negated ? `(${col} NOT IN (${list}) OR ${col} IS NULL)` : `${col} IN (${list})`;
    }
    case "text": {
      const m = d.textMatch(targetSql(node.target, d), node.mode, node.needle);
      params.push(...m.params);
      return m.sql;
    }
    case "has":
      if (node.target.kind !== "field") throw new Error("only a multienum field holds items");
      params.push(bind(node.value, d));
      return d.arrayContains(node.target.field.name);
    case "search": {
      // The exact rule (every word `contains`-matched in some text-like field), and before
      // it, when the index can help, the FTS candidates (a superset) to narrow the rows.
      // (SQLite only: PostgreSQL has no full-text tables.)
      const fts = appId === undefined || d.name !== "sqlite" ? null : ftsCandidates(appId, node.entity, node.words, node.fields);
      if (fts) params.push(...fts.params);
      // PostgreSQL: each word first narrowed by the trigram index over all searched fields
      // (left out where no index is used: rows read in the sort's order, query.ts).
      const narrowed =
        narrow && d.searchText && node.fields.length > 1
          ? node.words.map((w) => {
              const m = d.textMatch(d.searchText!(node.fields), "contains", w);
              params.push(...m.params);
              return `${m.sql} AND `;
            })
          : [];
      const words = node.words.map((w) => {
        const any = node.fields.map((f) => {
          const m = d.textMatch(d.jsonField(f), "contains", w);
          params.push(...m.params);
          return m.sql;
        });
        return any.length ? `(${any.join(" OR ")})` : "0=1";
      });
      return `(${fts ? `${fts.sql} AND ` : ""}${narrowed.join("")}${words.join(" AND ")})`;
    }
  }
}

/** Check a filter against the entity type and compile it (validation error listing every problem). */
export function compileFilter(ent: CompiledEntity, filter: unknown, d: Dialect, appId?: number): CompiledFilter {
  const params: Param[] = [];
  const node = parseFilter(ent, filter);
  const sql = filterSql(node, d, params, appId);
  return { sql, params, ...(matchesText(node) && { node }) };
}

/** Whether every condition of a filter matches text (no equality or range an index could narrow first). */
export function onlyText(node: FilterNode): boolean {
  if (node.kind === "text" || node.kind === "search") return true;
  if (node.kind === "and" || node.kind === "or") return node.items.length > 0 && node.items.every(onlyText);
  return false;
}

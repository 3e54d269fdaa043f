import { isPlainObject } from "../../lib/json";
import { expr, type NodeKind, need, str } from "./kind";
/**
 * Query entities of the app: `entity`, and a `filter`, `sort`, `limit` (JSON) or a
 * `filterExpression` computed from the input. Output: the list of records.
 */
export const entityQuery: NodeKind = {
  type: "entityQuery",
  check: (n) => [
    ...need(n, "entity", "the entity type to query"),
    ...(n.filter !== undefined && !isPlainObject(n.filter) ? ["filter: must be a filter object"] : []),
    ...(n.limit !== undefined && (typeof n.limit !== "number" || n.limit < 1 || n.limit > 1000) ? ["limit: must be 1 to 1000"] : []),
  ],
  run: async (c) => {
    const fx = str(c.node, "filterExpression");
    const filter = fx ? await c.js(expr(fx), c.input) : c.node.filter;
    const page = (await c.host.entities.query(String(c.node.entity), { filter, sort: c.node.sort, limit: c.node.limit ?? 100 })) as { data: unknown[] };
    return { output: page.data };
  },
};

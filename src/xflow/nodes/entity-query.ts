import { isPlainObject } from "../../lib/json";
import { expr, type NodeKind, need, str } from "./kind";
/**
 * Query entities of the app: `entity`, and a `filter`, `sort`, `limit` (JSON) or a
 * `filterExpression` computed from the input. Output: the list of records.
 */
export const entityQuery: NodeKind = {
  type: "entityQuery",
  summary: "Reads records of the app: an entity type with a filter, sort and limit; outputs the list.",
  settings: [
    { key: "entity", kind: "entity", required: true, hint: "The entity type to read." },
    { key: "filter", kind: "json", hint: "A filter in Torque's filter language.", example: '{ "done": false }' },
    { key: "filterExpression", kind: "expression", hint: "Or a filter computed from input (used instead of filter).", example: "({ owner: input.id })" },
    { key: "sort", kind: "json", hint: "Sort order: a list of {field, dir}.", example: '[{ "field": "label", "dir": "asc" }]' },
    { key: "limit", kind: "number", min: 1, max: 1000, hint: "How many records at most (1 to 1,000; default 100)." },
  ],
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

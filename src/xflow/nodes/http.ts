import { isPlainObject } from "../../lib/json";
import { expr, type NodeKind, need, str } from "./kind";
/**
 * An HTTP request to a host on the app's allow-list: `url`, `method`, `headers`, and a
 * body from `bodyExpression` (default: the input for POST/PUT/PATCH). Output: {status, headers, body}.
 */
export const http: NodeKind = {
  type: "http",
  check: (n) => [
    ...need(n, "url", "the URL to call"),
    ...(n.headers !== undefined && !isPlainObject(n.headers) ? ["headers: must be an object of header values"] : []),
  ],
  run: async (c) => {
    const method = String(c.node.method ?? "GET").toUpperCase();
    const bx = str(c.node, "bodyExpression");
    const body = bx ? await c.js(expr(bx), c.input) : ["POST", "PUT", "PATCH"].includes(method) ? c.input : undefined;
    return { output: await c.host.fetch(String(c.node.url), { method, headers: c.node.headers as Record<string, string> | undefined, body }) };
  },
};

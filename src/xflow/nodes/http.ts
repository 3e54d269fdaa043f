import { isPlainObject } from "../../lib/json";
import { expr, type NodeKind, need, str } from "./kind";
/**
 * An HTTP request to a host on the app's allow-list: `url`, `method`, `headers`, and a
 * body from `bodyExpression` (default: the input for POST/PUT/PATCH). Output: {status, headers, body}.
 * The host (services/xflow) refuses loopback and private addresses unless the model allows
 * them for the host, and writes the call, sent or refused, to this node's log.
 */
export const http: NodeKind = {
  type: "http",
  summary: "Calls a host on the app's allow-list; outputs {status, headers, body}.",
  settings: [
    {
      key: "url",
      kind: "text",
      required: true,
      hint: "The URL to call (its host must be on the app's allow-list; private addresses only if on settings.fetchAllowPrivate too).",
      example: "https://api.example.com/orders",
    },
    { key: "method", kind: "select", options: ["GET", "POST", "PUT", "PATCH", "DELETE"], hint: "The HTTP method (default GET)." },
    { key: "headers", kind: "json", hint: "Header values, as an object.", example: '{ "accept": "application/json" }' },
    { key: "bodyExpression", kind: "expression", hint: "The body, from input (default: input for POST, PUT and PATCH).", example: "({ order: input.id })" },
  ],
  check: (n) => [
    ...need(n, "url", "the URL to call"),
    ...(n.headers !== undefined && !isPlainObject(n.headers) ? ["headers: must be an object of header values"] : []),
  ],
  run: async (c) => {
    const method = String(c.node.method ?? "GET").toUpperCase();
    const bx = str(c.node, "bodyExpression");
    const body = bx ? await c.js(expr(bx), c.input) : ["POST", "PUT", "PATCH"].includes(method) ? c.input : undefined;
    return { output: await c.host.fetch(String(c.node.url), { method, headers: c.node.headers as Record<string, string> | undefined, body }, c.log) };
  },
};

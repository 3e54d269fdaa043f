import { expr, type NodeKind, str } from "./kind";
/** Add a line to the run's log (`message`, or the value of `expression`), and pass the input on. */
export const log: NodeKind = {
  type: "log",
  summary: "Adds a line to the run's log and passes the input on.",
  settings: [
    { key: "message", kind: "text", hint: "The line to log.", example: "order received" },
    { key: "expression", kind: "expression", hint: "Or a line computed from input (used instead of message).", example: '"order " + input.id' },
  ],
  check: (n) => (typeof n.message === "string" || typeof n.expression === "string" ? [] : ["message: the line to log (or expression) is required"]),
  run: async (c) => {
    const x = str(c.node, "expression");
    const v = x ? await c.js(expr(x), c.input) : c.node.message;
    c.log(typeof v === "string" ? v : JSON.stringify(v));
    return { output: c.input };
  },
};

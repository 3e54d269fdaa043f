import { expr, type NodeKind, need } from "./kind";
/** A JavaScript expression over `input` whose value is the output, e.g. ({ ...input, total: input.qty * input.price }). */
export const transform: NodeKind = {
  type: "transform",
  check: (n) => need(n, "expression", "a JavaScript expression over input"),
  run: async (c) => ({ output: await c.js(expr(String(c.node.expression)), c.input) }),
};

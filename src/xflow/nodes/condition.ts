import { expr, need, type NodeKind } from "./kind";
/** A JavaScript expression over `input`; the run follows the edges whose `when` matches ("true"/"false"). */
export const condition: NodeKind = {
  type: "condition",
  check: (n) => need(n, "expression", "a JavaScript expression over input"),
  run: async (c) => ({ output: c.input, branch: (await c.js(expr(String(c.node.expression)), c.input)) ? "true" : "false" }),
};

import { expr, type NodeKind, need } from "./kind";
/** A JavaScript expression over `input` whose value is the output, e.g. ({ ...input, total: input.qty * input.price }). */
export const transform: NodeKind = {
  type: "transform",
  summary: "Turns its input into its output with a JavaScript expression.",
  settings: [
    {
      key: "expression",
      kind: "expression",
      required: true,
      hint: "A JavaScript expression over input; its value is the output.",
      example: "({ ...input, total: input.qty * input.price })",
    },
  ],
  check: (n) => need(n, "expression", "a JavaScript expression over input"),
  run: async (c) => ({ output: await c.js(expr(String(c.node.expression)), c.input) }),
};

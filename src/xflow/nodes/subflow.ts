import { FlowError } from "../types";
import { expr, type NodeKind, need, str } from "./kind";
/** Run another flow of the app (`flow`) with the input (or `inputExpression`); its output is this node's. */
export const subflow: NodeKind = {
  type: "subflow",
  summary: "Runs another flow of the app with the input; its output is this node's.",
  settings: [
    { key: "flow", kind: "flow", required: true, hint: "The flow to run." },
    { key: "inputExpression", kind: "expression", hint: "Its input, from this node's input (default: the input as it is).", example: "({ id: input.id })" },
  ],
  check: (n) => need(n, "flow", "the name of the flow to run"),
  run: async (c) => {
    const ix = str(c.node, "inputExpression");
    const input = ix ? await c.js(expr(ix), c.input) : c.input;
    const run = await c.host.runSubflow(String(c.node.flow), input, c.depth + 1);
    if (run.status !== "succeeded")
      throw new FlowError(c.node.id, `subflow ${String(c.node.flow)} failed${run.error?.node ? ` at ${run.error.node}` : ""}: ${run.error?.message}`);
    return { output: run.output };
  },
};

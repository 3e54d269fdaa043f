import { FlowError } from "../types";
import { expr, type NodeKind, need } from "./kind";
/** A JavaScript expression over `input`; the run follows the edge whose `when` matches ("true"/"false"). */
export const condition: NodeKind = {
  type: "condition",
  summary: 'Chooses a way on: the edge marked when "true" or "false" after a JavaScript expression over input.',
  settings: [{ key: "expression", kind: "expression", required: true, hint: "A JavaScript expression over input.", example: 'input.data.label.trim() !== ""' }],
  check: (n) => need(n, "expression", "a JavaScript expression over input"),
  shape: (n, g) => {
    const whens = g.outgoing(n.id).map((e) => e.when);
    if (!whens.length) return [{ rule: "edges", message: `node ${n.id} leads nowhere: every path must end at an end or error node` }];
    const problems = [];
    if (whens.some((w) => w !== "true" && w !== "false")) problems.push({ rule: "edges", message: `edges from condition ${n.id} need when "true" or "false"` });
    if (new Set(whens).size !== whens.length) problems.push({ rule: "edges", message: `condition ${n.id} has two edges for the same answer` });
    return problems;
  },
  run: async (c) => ({ output: c.input, branch: (await c.js(expr(String(c.node.expression)), c.input)) ? "true" : "false" }),
  next: (c) => {
    const edge = c.edges.find((e) => e.when === c.result.branch);
    if (!edge) throw new FlowError(c.node.id, `condition ${c.node.id} was ${c.result.branch}, and no edge is marked when "${c.result.branch}"`);
    return { to: edge.to, input: c.result.output };
  },
};

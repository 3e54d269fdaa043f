import { leadsNowhere, type NodeKind } from "./kind";
/** Where a run succeeds (a flow has at least one; nothing leads on): its input is the flow's output. */
export const end: NodeKind = {
  type: "end",
  summary: "Where a run succeeds: what reaches it is the flow's output.",
  settings: [],
  perFlow: { min: 1 },
  endsRun: "output",
  check: () => [],
  shape: leadsNowhere,
  run: async (c) => ({ output: c.input }),
  next: (c) => ({ done: c.result.output }),
};

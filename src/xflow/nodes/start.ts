import { leadsOn, type NodeKind } from "./kind";
/** Where a run begins (exactly one per flow, nothing leads into it): passes the flow's input on. */
export const start: NodeKind = {
  type: "start",
  summary: "Where a run begins: passes the flow's input on. Exactly one per flow; nothing leads into it.",
  settings: [],
  perFlow: { min: 1, max: 1 },
  startsRun: true,
  check: () => [],
  shape: (n, g) => [...(g.incoming(n.id).length ? [{ rule: "start", message: "nothing may lead into the start node" }] : []), ...leadsOn(n, g)],
  run: async (c) => ({ output: c.input }),
};

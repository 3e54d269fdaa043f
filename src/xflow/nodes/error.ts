import { FlowError } from "../types";
import { leadsNowhere, type NodeKind, need } from "./kind";
/** Where a run fails on purpose, with a message (a before* flow's message rejects the write). Nothing leads on. */
export const error: NodeKind = {
  type: "error",
  endsRun: "failure",
  check: (n) => need(n, "message", "the message to fail with"),
  shape: leadsNowhere,
  run: async (c) => {
    throw new FlowError(c.node.id, String(c.node.message));
  },
};

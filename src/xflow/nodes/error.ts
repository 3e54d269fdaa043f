import { FlowError } from "../types";
import { need, type NodeKind } from "./kind";
/** Where a run fails on purpose, with a message (a before* flow's message rejects the write). */
export const error: NodeKind = {
  type: "error",
  check: (n) => need(n, "message", "the message to fail with"),
  run: async (c) => {
    throw new FlowError(c.node.id, String(c.node.message));
  },
};

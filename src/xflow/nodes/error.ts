import { FlowError } from "../types";
import { leadsNowhere, type NodeKind, need } from "./kind";
/** Where a run fails on purpose, with a message (a before* flow's message rejects the write). Nothing leads on. */
export const error: NodeKind = {
  type: "error",
  summary: "Where a run fails on purpose with a message; in a before-write flow the message rejects the write.",
  settings: [{ key: "message", kind: "text", required: true, hint: "The message to fail with.", example: "A todo needs a label" }],
  endsRun: "failure",
  check: (n) => need(n, "message", "the message to fail with"),
  shape: leadsNowhere,
  run: async (c) => {
    throw new FlowError(c.node.id, String(c.node.message));
  },
};

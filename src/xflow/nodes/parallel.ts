import type { NodeKind } from "./kind";
/** Fan-out: every outgoing branch runs at once with this input, until they meet at a join. */
export const parallel: NodeKind = { type: "parallel", check: () => [], run: async (c) => ({ output: c.input }) };

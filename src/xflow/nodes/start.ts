import type { NodeKind } from "./kind";
/** Where a run begins: passes the flow's input on. */
export const start: NodeKind = { type: "start", check: () => [], run: async (c) => ({ output: c.input }) };

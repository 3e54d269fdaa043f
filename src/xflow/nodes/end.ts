import type { NodeKind } from "./kind";
/** Where a run succeeds: its input is the flow's output. */
export const end: NodeKind = { type: "end", check: () => [], run: async (c) => ({ output: c.input }) };

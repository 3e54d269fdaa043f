import type { NodeKind } from "./kind";
/** Fan-in: waits for every branch of the parallel before it; its input is the list of their outputs. */
export const join: NodeKind = { type: "join", check: () => [], run: async (c) => ({ output: c.input }) };

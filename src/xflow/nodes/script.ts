import { type NodeKind, need } from "./kind";
/** JavaScript in the sandbox: `code` is the body of async (input, ctx); what it returns is the output. */
export const script: NodeKind = {
  type: "script",
  check: (n) => need(n, "code", "the script's JavaScript"),
  run: async (c) => ({ output: await c.js(String(c.node.code), c.input) }),
};

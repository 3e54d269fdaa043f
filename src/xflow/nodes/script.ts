import { type NodeKind, need } from "./kind";
/** JavaScript in the sandbox: `code` is the body of async (input, ctx); what it returns is the output. */
export const script: NodeKind = {
  type: "script",
  summary: "JavaScript run in the sandbox: the body of async (input, ctx); what it returns is the output.",
  settings: [
    {
      key: "code",
      kind: "code",
      required: true,
      hint: "The body of an async function of input and ctx; return the output.",
      example: "return { ...input, total: input.qty * input.price };",
    },
    { key: "timeoutMs", kind: "number", min: 1, max: 30_000, hint: "Time limit in milliseconds (default 1,000)." },
  ],
  check: (n) => need(n, "code", "the script's JavaScript"),
  run: async (c) => ({ output: await c.js(String(c.node.code), c.input) }),
};

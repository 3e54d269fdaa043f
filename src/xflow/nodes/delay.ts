import { FlowError } from "../types";
import type { NodeKind } from "./kind";

const MAX_DELAY_MS = 60_000;
/** Wait `ms` milliseconds (at most a minute, and never past the run's time limit), then pass the input on. */
export const delay: NodeKind = {
  type: "delay",
  summary: "Waits, then passes the input on.",
  settings: [{ key: "ms", kind: "number", required: true, min: 0, max: MAX_DELAY_MS, hint: "How long, in milliseconds (at most a minute)." }],
  check: (n) => (typeof n.ms === "number" && n.ms >= 0 && n.ms <= MAX_DELAY_MS ? [] : [`ms: a number of milliseconds from 0 to ${MAX_DELAY_MS}`]),
  run: async (c) => {
    const ms = Number(c.node.ms);
    if (Date.now() + ms > c.deadline) throw new FlowError(c.node.id, `a delay of ${ms} ms would pass the run's time limit`);
    await Bun.sleep(ms);
    return { output: c.input };
  },
};

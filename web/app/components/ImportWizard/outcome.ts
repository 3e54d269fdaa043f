// What a check or an import came back with.
import { RpcError } from "../../lib/rpc";
import type { Issue } from "../../lib/types";
import { messageOf } from "../../ui/Status";

export type Outcome =
  | { state: "loading" }
  /** Rows that would be inserted (a check) or were (an import). */
  | { state: "ok"; n: number }
  /** The server refused rows: every problem, by row. */
  | { state: "invalid"; issues: Issue[] }
  | { state: "failed"; message: string };

/** -32001 is the server's validation error; its data lists the problems. */
export function failureOf(e: unknown): Outcome {
  if (e instanceof RpcError && e.code === -32001 && e.issues.length) return { state: "invalid", issues: e.issues };
  return { state: "failed", message: messageOf(e) };
}

/** How many different rows the problems are in. */
export const rowsIn = (issues: Issue[]) => new Set(issues.map((i) => i.row)).size;

/** Readers of one state of an outcome (undefined in the others), for JSX conditions. */
export const okCount = (o: Outcome | undefined) => (o?.state === "ok" ? o.n : undefined);
export const issuesOf = (o: Outcome | undefined) => (o?.state === "invalid" ? o.issues : []);
export const failureMessage = (o: Outcome | undefined) => (o?.state === "failed" ? o.message : undefined);

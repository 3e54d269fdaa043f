// Runs of the open workflow in one app, for the run view: the run shown on the diagram
// (one started here, followed node by node as it proceeds, or one opened from the
// history), the history itself, and how to start a run or a re-run from a node. Progress
// comes from the xflowRunEvents subscription (server-sent events), opened while the flow
// is open, so a run started elsewhere (a write in the app, the webhook) is seen too.
import { useCallback, useEffect, useRef, useState } from "react";
import type { NodeRun, RunRecord } from "../../../src/xflow/types";
import { errorMessage, gql } from "../lib/graphql";

export interface ShownRun {
  id: string;
  trigger: string;
  status: "running" | "succeeded" | "failed";
  /** Finished nodes, in the order they finished. */
  nodes: NodeRun[];
  /** Nodes started and not yet finished. */
  running: string[];
  input?: unknown;
  output?: unknown;
  error?: { node: string | null; message: string };
  durationMs?: number;
  startedAt?: string;
}

type RunEvent = { runId: string; trigger: string } & (
  | { kind: "started"; input: unknown; startedAt: string }
  | { kind: "nodeStarted"; node: string }
  | { kind: "nodeFinished"; node: NodeRun }
  | { kind: "finished"; run: RunRecord }
);

export const fromRecord = (r: RunRecord): ShownRun => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  nodes: r.nodes,
  running: [],
  input: r.input,
  output: r.output,
  error: r.error,
  durationMs: r.durationMs,
  startedAt: r.startedAt,
});

function apply(run: ShownRun, e: RunEvent): ShownRun {
  switch (e.kind) {
    case "started":
      return { ...run, input: e.input, startedAt: e.startedAt };
    case "nodeStarted":
      return { ...run, running: [...run.running.filter((x) => x !== e.node), e.node] };
    case "nodeFinished":
      return { ...run, nodes: [...run.nodes.filter((n) => n.id !== e.node.id), e.node], running: run.running.filter((x) => x !== e.node.id) };
    case "finished":
      return fromRecord(e.run);
  }
}

const HISTORY = 20;

export function useFlowRuns(app: string | null, flow: string) {
  const [shown, setShown] = useState<ShownRun | null>(null);
  const [history, setHistory] = useState<RunRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  /** The run shown follows the events of this run id ("latest": whichever run starts next). */
  const follow = useRef<string | null>(null);
  /** Events of runs not (yet) shown, by run id: a run started here may be heard of before its id is known. */
  const early = useRef(new Map<string, RunEvent[]>());

  const refresh = useCallback(() => {
    if (!app) return;
    gql<{ xflowRuns: RunRecord[] }>("query ($a: String!, $x: String!, $n: Int) { xflowRuns(app: $a, xflow: $x, limit: $n) }", {
      a: app,
      x: flow,
      n: HISTORY,
    }).then(
      (d) => setHistory(d.xflowRuns),
      // Said, not swallowed: a viewer may not read runs (it takes the editor role).
      (e) => setError(errorMessage(e)),
    );
  }, [app, flow]);

  useEffect(() => {
    setShown(null);
    setHistory([]);
    follow.current = null;
    early.current.clear();
    if (!app) return;
    refresh();
    const query = "subscription ($a: String!, $x: String!) { xflowRunEvents(app: $a, xflow: $x) }";
    const source = new EventSource(`/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ a: app, x: flow }))}`);
    source.addEventListener("next", (m) => {
      let e: RunEvent | undefined;
      try {
        e = JSON.parse((m as MessageEvent<string>).data)?.data?.xflowRunEvents;
      } catch {
        return;
      }
      if (!e) return;
      if (e.kind === "finished") refresh();
      if (follow.current === e.runId) {
        const ev = e;
        setShown((s) => (s && s.id === ev.runId ? apply(s, ev) : s));
      } else {
        const list = early.current.get(e.runId) ?? [];
        list.push(e);
        early.current.set(e.runId, list);
        if (early.current.size > 50) early.current.delete(early.current.keys().next().value!);
      }
    });
    return () => source.close();
  }, [app, flow, refresh]);

  /** Start a run (or, with `from`, a re-run from that node with `input` as its input) and show it as it proceeds. */
  const start = useCallback(
    async (input: unknown, from?: string) => {
      if (!app) return;
      setError(null);
      try {
        const d = await gql<{ startXFlowRun: string }>(
          "mutation ($a: String!, $x: String!, $i: JSON, $f: String) { startXFlowRun(app: $a, xflow: $x, input: $i, from: $f) }",
          {
            a: app,
            x: flow,
            i: input,
            f: from ?? null,
          },
        );
        const id = d.startXFlowRun;
        follow.current = id;
        let run: ShownRun = { id, trigger: from ? "rerun" : "manual", status: "running", nodes: [], running: [], input };
        for (const e of early.current.get(id) ?? []) run = apply(run, e);
        early.current.delete(id);
        setShown(run);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    [app, flow],
  );

  /** Show a past run as it ended. */
  const open = useCallback((r: RunRecord) => {
    follow.current = null;
    setShown(fromRecord(r));
  }, []);

  return { shown, history, error, start, open, clear: () => setShown(null) };
}

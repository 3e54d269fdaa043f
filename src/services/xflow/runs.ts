// Run history: every run's record (status, input, output, error with its node, per-node
// timings and logs) kept in xflow_executions, with bounded retention: each record's fields
// are capped in bytes (run-caps.ts), and each app keeps at most RUNS_KEPT_PER_APP runs and
// RUN_BYTES_KEPT_PER_APP bytes of them (oldest pruned first). Records are written in
// batches in the background so a run never waits for its own bookkeeping; the recent ones
// are served from memory until they are stored.

import { notFound } from "../../lib/errors";
import type { Driver } from "../../store/driver";
import {
  claimScheduledRun,
  finishScheduledRun,
  insertWorkflowRun,
  lastWorkflowStart,
  listWorkflowRuns,
  pruneWorkflowRuns,
  type WorkflowRunRow,
  workflowRun,
} from "../../store/runs";
import type { RunRecord } from "../../xflow/types";
import { type CapCache, capRun } from "./run-caps";

/** Runs kept per app; older ones are deleted. */
export const RUNS_KEPT_PER_APP = 10_000;
/** Bytes of run records kept per app (input, output, error and node records together). */
export const RUN_BYTES_KEPT_PER_APP = 64 * 1024 * 1024;
/** An app's history is pruned after this many new runs, or this many new bytes, whichever comes first. */
const PRUNE_EVERY_RUNS = 1000;
const PRUNE_EVERY_BYTES = 4 * 1024 * 1024;
const FLUSH_MS = 50;

const parse = (s: string | null) => (s === null ? undefined : JSON.parse(s));

function fromRow(r: WorkflowRunRow): RunRecord {
  return {
    id: r.id,
    app: r.app,
    xflow: r.xflow,
    trigger: r.trigger,
    status: r.status as RunRecord["status"],
    input: parse(r.input),
    output: parse(r.output),
    error: parse(r.error),
    nodes: parse(r.nodes) ?? [],
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? r.started_at,
    durationMs: r.duration_ms ?? 0,
  };
}

interface Stored {
  appId: number;
  run: RunRecord;
  input: string;
  output: string | null;
  error: string | null;
  nodes: string;
}

/** How long a claimed due time is remembered (any server still catching up is done long before). */
const CLAIMS_KEPT_MS = 7 * 24 * 3600_000;
/** Beyond a flow's time limit, how long its unfinished claim still holds the flow (the end of a run is written a moment after it). */
const CLAIM_MARGIN_MS = 10_000;

export class RunLog {
  private queue: Stored[] = [];
  private recent = new Map<string, RunRecord>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Per app: runs and bytes stored since its history was last pruned. */
  private sincePrune = new Map<number, { runs: number; bytes: number }>();

  constructor(
    private readonly db: Driver,
    private readonly keep = { runs: RUNS_KEPT_PER_APP, bytes: RUN_BYTES_KEPT_PER_APP, pruneEveryBytes: PRUNE_EVERY_BYTES },
  ) {}

  /** Keep a run's record (capped in size; the caller's object is left as it is); returns what is kept. */
  add(appId: number, record: RunRecord, cache?: CapCache): RunRecord {
    const run = capRun(record, cache);
    const output = run.output === undefined ? null : JSON.stringify(run.output);
    this.queue.push({
      appId,
      run,
      input: JSON.stringify(run.input ?? null),
      output,
      error: run.error ? JSON.stringify(run.error) : null,
      nodes: JSON.stringify(run.nodes),
    });
    this.recent.set(run.id, run);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    return run;
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0);
    if (!batch.length) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.db
        .transaction(async (tx) => {
          for (const { appId, run, input, output, error, nodes } of batch) {
            await insertWorkflowRun(tx, {
              id: run.id,
              appId,
              xflow: run.xflow,
              status: run.status,
              trigger: run.trigger,
              input,
              output,
              error,
              nodes,
              startedAt: run.startedAt,
              finishedAt: run.finishedAt,
              durationMs: run.durationMs,
            });
            const since = this.sincePrune.get(appId) ?? { runs: 0, bytes: 0 };
            since.runs++;
            since.bytes += input.length + (output?.length ?? 0) + (error?.length ?? 0) + nodes.length;
            this.sincePrune.set(appId, since);
          }
          for (const [appId, since] of this.sincePrune) {
            if (since.runs < PRUNE_EVERY_RUNS && since.bytes < this.keep.pruneEveryBytes) continue;
            this.sincePrune.delete(appId);
            await pruneWorkflowRuns(tx, appId, this.keep);
          }
        })
        .then(() => batch.forEach((b) => this.recent.delete(b.run.id)))
        .catch((e) => console.error(`torque: could not store ${batch.length} workflow run record(s): ${(e as Error).message}`)),
    );
    return this.flushing;
  }

  async get(id: string): Promise<RunRecord> {
    const mem = this.recent.get(id);
    if (mem) return mem;
    const row = await workflowRun(this.db, id);
    if (!row) throw notFound("workflow run", id);
    return fromRow(row);
  }

  async list(opts: { appId?: number; xflow?: string; limit?: number }): Promise<RunRecord[]> {
    await this.flush();
    const rows = await listWorkflowRuns(this.db, { appId: opts.appId, xflow: opts.xflow, limit: Math.min(opts.limit ?? 50, 1000) });
    return rows.map(fromRow);
  }

  /**
   * Claim a flow's due time (an ISO date) for this server: true for the one server that
   * claims it first; every other server on the database skips that time.
   */
  async claim(appId: number, xflow: string, scheduledAt: string, runLimitMs: number): Promise<boolean> {
    const now = new Date();
    const forget = new Date(now.getTime() - CLAIMS_KEPT_MS).toISOString();
    // A claim unfinished for longer than the run may last (and a margin) is from a server that died mid-run.
    const busySince = new Date(now.getTime() - runLimitMs - CLAIM_MARGIN_MS).toISOString();
    return this.db.transaction((tx) => claimScheduledRun(tx, appId, xflow, scheduledAt, now.toISOString(), forget, busySince));
  }

  /** The run of a claimed due time ended: the flow's next due time may be claimed. */
  async finish(appId: number, xflow: string, scheduledAt: string): Promise<void> {
    await this.db.transaction((tx) => finishScheduledRun(tx, appId, xflow, scheduledAt, new Date().toISOString()));
  }

  /** When the last run of a flow started (for the scheduler's catch-up), if any. */
  async lastStart(appId: number, xflow: string, trigger: string): Promise<string | undefined> {
    await this.flush();
    return lastWorkflowStart(this.db, appId, xflow, trigger);
  }
}

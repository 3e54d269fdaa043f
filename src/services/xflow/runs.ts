// Run history: every run's record (status, input, output, error with its node, per-node
// timings and logs) kept in xflow_executions, with bounded retention: each record's fields
// are capped in bytes (run-caps.ts), and each app keeps at most RUNS_KEPT_PER_APP runs and
// RUN_BYTES_KEPT_PER_APP bytes of them (oldest pruned first). Records are written in
// batches in the background so a run never waits for its own bookkeeping; the recent ones
// are served from memory until they are stored.

import { notFound } from "../../lib/errors";
import type { Driver } from "../../store/driver";
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

/** Bytes of a stored row (SQLite's length() counts characters of text; a blob's are bytes). */
const ROW_BYTES =
  "coalesce(length(CAST(input AS BLOB)), 0) + coalesce(length(CAST(output AS BLOB)), 0) + coalesce(length(CAST(error AS BLOB)), 0) + coalesce(length(CAST(nodes AS BLOB)), 0)";

interface RunRow {
  id: string;
  app: string;
  xflow: string;
  status: string;
  trigger: string;
  input: string | null;
  output: string | null;
  error: string | null;
  nodes: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
}

const parse = (s: string | null) => (s === null ? undefined : JSON.parse(s));

function fromRow(r: RunRow): RunRecord {
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
            await tx.run(
              "INSERT INTO xflow_executions (id, app_id, xflow, status, trigger, input, output, error, nodes, started_at, finished_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              [run.id, appId, run.xflow, run.status, run.trigger, input, output, error, nodes, run.startedAt, run.finishedAt, run.durationMs],
            );
            const since = this.sincePrune.get(appId) ?? { runs: 0, bytes: 0 };
            since.runs++;
            since.bytes += input.length + (output?.length ?? 0) + (error?.length ?? 0) + nodes.length;
            this.sincePrune.set(appId, since);
          }
          for (const [appId, since] of this.sincePrune) {
            if (since.runs < PRUNE_EVERY_RUNS && since.bytes < this.keep.pruneEveryBytes) continue;
            this.sincePrune.delete(appId);
            await this.prune(tx, appId);
          }
        })
        .then(() => batch.forEach((b) => this.recent.delete(b.run.id)))
        .catch((e) => console.error(`torque: could not store ${batch.length} workflow run record(s): ${(e as Error).message}`)),
    );
    return this.flushing;
  }

  /** Oldest runs first: beyond the runs kept per app, then beyond the bytes kept per app. */
  private async prune(tx: Pick<Driver, "run">, appId: number): Promise<void> {
    await tx.run(
      "DELETE FROM xflow_executions WHERE app_id = ? AND started_at < (SELECT started_at FROM xflow_executions WHERE app_id = ? ORDER BY started_at DESC LIMIT 1 OFFSET ?)",
      [appId, appId, this.keep.runs - 1],
    );
    await tx.run(
      `DELETE FROM xflow_executions WHERE id IN (SELECT id FROM (SELECT id, SUM(${ROW_BYTES}) OVER (ORDER BY started_at DESC, id DESC) AS total FROM xflow_executions WHERE app_id = ?) WHERE total > ?)`,
      [appId, this.keep.bytes],
    );
  }

  async get(id: string): Promise<RunRecord> {
    const mem = this.recent.get(id);
    if (mem) return mem;
    const row = await this.db.get<RunRow>("SELECT e.*, a.slug AS app FROM xflow_executions e JOIN apps a ON a.id = e.app_id WHERE e.id = ?", [id]);
    if (!row) throw notFound("workflow run", id);
    return fromRow(row);
  }

  async list(opts: { appId?: number; xflow?: string; limit?: number }): Promise<RunRecord[]> {
    await this.flush();
    const where: string[] = [],
      params: (string | number)[] = [];
    if (opts.appId !== undefined) {
      where.push("e.app_id = ?");
      params.push(opts.appId);
    }
    if (opts.xflow) {
      where.push("e.xflow = ?");
      params.push(opts.xflow);
    }
    params.push(Math.min(opts.limit ?? 50, 1000));
    const rows = await this.db.all<RunRow>(
      `SELECT e.*, a.slug AS app FROM xflow_executions e JOIN apps a ON a.id = e.app_id ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY e.started_at DESC LIMIT ?`,
      params,
    );
    return rows.map(fromRow);
  }

  /** When the last run of a flow started (for the scheduler's catch-up), if any. */
  async lastStart(appId: number, xflow: string, trigger: string): Promise<string | undefined> {
    await this.flush();
    const r = await this.db.get<{ s: string | null }>("SELECT max(started_at) AS s FROM xflow_executions WHERE app_id = ? AND xflow = ? AND trigger = ?", [
      appId,
      xflow,
      trigger,
    ]);
    return r?.s ?? undefined;
  }
}

// Run history: every run's record (status, input, output, error with its node, per-node
// timings and logs) kept in xflow_executions, with bounded retention. Records are written
// in batches in the background so a run never waits for its own bookkeeping; the recent
// ones are served from memory until they are stored.
import type { Driver } from "../../store/driver";
import type { RunRecord } from "../../xflow/types";
import { notFound } from "../../lib/errors";

/** Runs kept per app; older ones are deleted. */
export const RUNS_KEPT_PER_APP = 10_000;
const FLUSH_MS = 50;

interface RunRow {
  id: string; app: string; xflow: string; status: string; trigger: string; input: string | null; output: string | null;
  error: string | null; nodes: string | null; started_at: string; finished_at: string | null; duration_ms: number | null;
}

const parse = (s: string | null) => (s === null ? undefined : JSON.parse(s));

function fromRow(r: RunRow): RunRecord {
  return {
    id: r.id, app: r.app, xflow: r.xflow, trigger: r.trigger, status: r.status as RunRecord["status"], input: parse(r.input), output: parse(r.output),
    error: parse(r.error), nodes: parse(r.nodes) ?? [], startedAt: r.started_at, finishedAt: r.finished_at ?? r.started_at, durationMs: r.duration_ms ?? 0,
  };
}

export class RunLog {
  private queue: { appId: number; run: RunRecord }[] = [];
  private recent = new Map<string, RunRecord>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private inserted = 0;

  constructor(private readonly db: Driver) {}

  add(appId: number, run: RunRecord): void {
    this.queue.push({ appId, run });
    this.recent.set(run.id, run);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0);
    if (!batch.length) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.db
        .transaction(async (tx) => {
          for (const { appId, run } of batch)
            await tx.run(
              "INSERT INTO xflow_executions (id, app_id, xflow, status, trigger, input, output, error, nodes, started_at, finished_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              [run.id, appId, run.xflow, run.status, run.trigger, JSON.stringify(run.input ?? null), run.output === undefined ? null : JSON.stringify(run.output), run.error ? JSON.stringify(run.error) : null, JSON.stringify(run.nodes), run.startedAt, run.finishedAt, run.durationMs],
            );
          this.inserted += batch.length;
          if (this.inserted >= 1000) {
            this.inserted = 0;
            for (const appId of new Set(batch.map((b) => b.appId)))
              await tx.run(
                "DELETE FROM xflow_executions WHERE app_id = ? AND started_at < (SELECT started_at FROM xflow_executions WHERE app_id = ? ORDER BY started_at DESC LIMIT 1 OFFSET ?)",
                [appId, appId, RUNS_KEPT_PER_APP - 1],
              );
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
    const row = await this.db.get<RunRow>("SELECT e.*, a.slug AS app FROM xflow_executions e JOIN apps a ON a.id = e.app_id WHERE e.id = ?", [id]);
    if (!row) throw notFound("workflow run", id);
    return fromRow(row);
  }

  async list(opts: { appId?: number; xflow?: string; limit?: number }): Promise<RunRecord[]> {
    await this.flush();
    const where: string[] = [], params: (string | number)[] = [];
    if (opts.appId !== undefined) where.push("e.app_id = ?"), params.push(opts.appId);
    if (opts.xflow) where.push("e.xflow = ?"), params.push(opts.xflow);
    params.push(Math.min(opts.limit ?? 50, 1000));
    const rows = await this.db.all<RunRow>(
      `SELECT e.*, a.slug AS app FROM xflow_executions e JOIN apps a ON a.id = e.app_id ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY e.started_at DESC LIMIT ?`,
      params,
    );
    return rows.map(fromRow);
  }

  /** When the last run of a flow started (for the scheduler's catch-up), if any. */
  async lastStart(appId: number, xflow: string, trigger: string): Promise<string | undefined> {
    await this.flush();
    const r = await this.db.get<{ s: string | null }>("SELECT max(started_at) AS s FROM xflow_executions WHERE app_id = ? AND xflow = ? AND trigger = ?", [appId, xflow, trigger]);
    return r?.s ?? undefined;
  }
}

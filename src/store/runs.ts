// SQL for runs: workflow run records (table xflow_executions) and seeds in progress
// (table seed_runs, one per app).

import type { Dialect } from "./dialect";
import type { Param, Queryable } from "./driver";

export interface WorkflowRunRow {
  id: string;
  /** The app's slug. */
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

/** A run record to store: its JSON parts already serialised. */
export interface WorkflowRunInsert {
  id: string;
  appId: number;
  xflow: string;
  status: string;
  trigger: string;
  input: string;
  output: string | null;
  error: string | null;
  nodes: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export async function insertWorkflowRun(q: Queryable, r: WorkflowRunInsert): Promise<void> {
  await q.run(
    "INSERT INTO xflow_executions (id, app_id, xflow, status, trigger, input, output, error, nodes, started_at, finished_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [r.id, r.appId, r.xflow, r.status, r.trigger, r.input, r.output, r.error, r.nodes, r.startedAt, r.finishedAt, r.durationMs],
  );
}

/** Bytes of a stored row. */
const rowBytes = (d: Dialect) => ["input", "output", "error", "nodes"].map((c) => `coalesce(${d.byteLength(c)}, 0)`).join(" + ");

/** Delete an app's oldest runs: beyond the newest `runs`, then beyond `bytes` of them. */
export async function pruneWorkflowRuns(q: Pick<Queryable, "run" | "dialect">, appId: number, keep: { runs: number; bytes: number }): Promise<void> {
  await q.run(
    "DELETE FROM xflow_executions WHERE app_id = ? AND started_at < (SELECT started_at FROM xflow_executions WHERE app_id = ? ORDER BY started_at DESC LIMIT 1 OFFSET ?)",
    [appId, appId, keep.runs - 1],
  );
  await q.run(
    `DELETE FROM xflow_executions WHERE id IN (SELECT id FROM (SELECT id, SUM(${rowBytes(q.dialect)}) OVER (ORDER BY started_at DESC, id DESC) AS total FROM xflow_executions WHERE app_id = ?) AS ranked WHERE total > ?)`,
    [appId, keep.bytes],
  );
}

export const workflowRun = (q: Queryable, id: string) =>
  q.get<WorkflowRunRow>("SELECT e.*, a.slug AS app FROM xflow_executions e JOIN apps a ON a.id = e.app_id WHERE e.id = ?", [id]);

/** Runs newest first, of one app and/or one flow when given. */
export async function listWorkflowRuns(q: Queryable, opts: { appId?: number; xflow?: string; limit: number }): Promise<WorkflowRunRow[]> {
  const where: string[] = [],
    params: Param[] = [];
  if (opts.appId !== undefined) {
    where.push("e.app_id = ?");
    params.push(opts.appId);
  }
  if (opts.xflow) {
    where.push("e.xflow = ?");
    params.push(opts.xflow);
  }
  params.push(opts.limit);
  return q.all<WorkflowRunRow>(
    `SELECT e.*, a.slug AS app FROM xflow_executions e JOIN apps a ON a.id = e.app_id ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY e.started_at DESC LIMIT ?`,
    params,
  );
}

/** When the last run of a flow by this trigger started, if any. */
export async function lastWorkflowStart(q: Queryable, appId: number, xflow: string, trigger: string): Promise<string | undefined> {
  const r = await q.get<{ s: string | null }>("SELECT max(started_at) AS s FROM xflow_executions WHERE app_id = ? AND xflow = ? AND trigger = ?", [
    appId,
    xflow,
    trigger,
  ]);
  return r?.s ?? undefined;
}

export async function deleteWorkflowRunsOf(q: Queryable, appId: number): Promise<void> {
  await q.run("DELETE FROM xflow_executions WHERE app_id = ?", [appId]);
  await q.run("DELETE FROM schedule_claims WHERE app_id = ?", [appId]);
}

/**
 * Claim a flow's due time for this server: true for the first claim of it only, and only
 * while no other claim of the flow is unfinished and was made after `busySince` (a run
 * still going; an older one is from a server that died mid-run). Claims made before
 * `forgetBefore` are removed.
 */
export async function claimScheduledRun(
  q: Queryable,
  appId: number,
  xflow: string,
  scheduledAt: string,
  now: string,
  forgetBefore: string,
  busySince: string,
): Promise<boolean> {
  await q.run("DELETE FROM schedule_claims WHERE claimed_at < ?", [forgetBefore]);
  const r = await q.run(
    "INSERT INTO schedule_claims (app_id, xflow, scheduled_at, claimed_at) SELECT ?, ?, ?, ? WHERE NOT EXISTS " +
      "(SELECT 1 FROM schedule_claims WHERE app_id = ? AND xflow = ? AND done_at IS NULL AND claimed_at > ?) ON CONFLICT DO NOTHING",
    [appId, xflow, scheduledAt, now, appId, xflow, busySince],
  );
  return r.changes === 1;
}

/** A claimed due time's run ended (however it ended). */
export async function finishScheduledRun(q: Queryable, appId: number, xflow: string, scheduledAt: string, now: string): Promise<void> {
  await q.run("UPDATE schedule_claims SET done_at = ? WHERE app_id = ? AND xflow = ? AND scheduled_at = ?", [now, appId, xflow, scheduledAt]);
}

/** An app's seed in progress: the request (JSON text) and the targets (JSON text). */
export const seedRun = (q: Queryable, appId: number) =>
  q.get<{ request: string; targets: string }>("SELECT request, targets FROM seed_runs WHERE app_id = ?", [appId]);

/** Record an app's seed in progress, replacing an earlier one (SQLite's ON CONFLICT … DO UPDATE). */
export async function putSeedRun(q: Queryable, appId: number, request: string, targets: string, startedAt: string): Promise<void> {
  await q.run(
    "INSERT INTO seed_runs (app_id, request, targets, started_at) VALUES (?, ?, ?, ?) ON CONFLICT (app_id) DO UPDATE SET request = excluded.request, targets = excluded.targets, started_at = excluded.started_at",
    [appId, request, targets, startedAt],
  );
}

export async function deleteSeedRun(q: Queryable, appId: number): Promise<void> {
  await q.run("DELETE FROM seed_runs WHERE app_id = ?", [appId]);
}

// A seed in progress, recorded per app (table seed_runs, migration 3). Each batch of a
// seed commits on its own, so a seed that is killed leaves whole, valid batches behind:
// a prefix of what it was asked for. The record says what the whole seed aims at (a
// record count per entity type), so running the same seed again finishes it instead of
// adding everything a second time. It is removed when a seed ends.
import type { Driver } from "../../store/driver";

export interface SeedRun {
  /** The request as asked (counts), to recognise the same seed run again. */
  request: string;
  /** Record count each entity type should reach. */
  targets: Record<string, number>;
}

export async function unfinishedRun(db: Driver, appId: number): Promise<SeedRun | undefined> {
  const r = await db.get<{ request: string; targets: string }>("SELECT request, targets FROM seed_runs WHERE app_id = ?", [appId]);
  return r && { request: r.request, targets: JSON.parse(r.targets) as Record<string, number> };
}

export async function startRun(db: Driver, appId: number, run: SeedRun): Promise<void> {
  await db.run(
    "INSERT INTO seed_runs (app_id, request, targets, started_at) VALUES (?, ?, ?, ?) ON CONFLICT (app_id) DO UPDATE SET request = excluded.request, targets = excluded.targets, started_at = excluded.started_at",
    [appId, run.request, JSON.stringify(run.targets), new Date().toISOString()],
  );
}

export async function endRun(db: Driver, appId: number): Promise<void> {
  await db.run("DELETE FROM seed_runs WHERE app_id = ?", [appId]);
}

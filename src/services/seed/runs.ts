// A seed in progress, recorded per app (table seed_runs, migration 3). Each batch of a
// seed commits on its own, so a seed that is killed leaves whole, valid batches behind:
// a prefix of what it was asked for. The record says what the whole seed aims at (a
// record count per entity type), so running the same seed again finishes it instead of
// adding everything a second time. It is removed when a seed ends.
import type { Queryable } from "../../store/driver";
import { deleteSeedRun, putSeedRun, seedRun } from "../../store/runs";

export interface SeedRun {
  /** The request as asked (counts), to recognise the same seed run again. */
  request: string;
  /** Record count each entity type should reach. */
  targets: Record<string, number>;
}

export async function unfinishedRun(db: Queryable, appId: number): Promise<SeedRun | undefined> {
  const r = await seedRun(db, appId);
  return r && { request: r.request, targets: JSON.parse(r.targets) as Record<string, number> };
}

export async function startRun(db: Queryable, appId: number, run: SeedRun): Promise<void> {
  await putSeedRun(db, appId, run.request, JSON.stringify(run.targets), new Date().toISOString());
}

export async function endRun(db: Queryable, appId: number): Promise<void> {
  await deleteSeedRun(db, appId);
}

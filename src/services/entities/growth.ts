// A type gets its own indexes when it grows (store/entities/growth.ts): after the
// writes that took it to GROWTH.at records, the app's indexes are synced, which builds
// that type's set (a sort of a few thousand rows per index, ~0.1 s for 30 fields) and
// records it as grown. The write that crosses the line waits for it, once per type.
//
// Asking for the count on every create would cost a read per write; instead each
// (database, app, type) keeps how many more creates it can take before the line could be
// reached, from the last count it read. Deletes only make that guess early, and creates
// by other processes are seen at the next look.

import { compileModel } from "../../model/compile";
import type { Model } from "../../model/schema";
import { appModelOf } from "../../store/apps";
import type { Driver } from "../../store/driver";
import { GROWTH, grownTypes, noteGrown } from "../../store/entities/growth";
import { syncIndexes } from "../../store/entities/indexes";
import { syncRollups } from "../../store/entities/rollups";
import { analyzeStatistics, partitionOf } from "../../store/entities/statistics";
import { typeCount } from "../../store/entities/stats";
import type { AppRuntime } from "../apps";

const left = new WeakMap<Driver, Map<string, number>>();
const running = new WeakMap<Driver, Map<string, Promise<void>>>();

const mapOf = <T>(w: WeakMap<Driver, Map<string, T>>, db: Driver): Map<string, T> => w.get(db) ?? w.set(db, new Map()).get(db)!;

/** After `added` records of `type` were committed: give the type its indexes if it has grown. Never throws. */
export function growIfDue(db: Driver, rt: AppRuntime, type: string, added: number): Promise<void> | undefined {
  if (added <= 0 || grownTypes(db, rt.id).has(type)) return;
  const key = `${rt.id}\u0000${type}`;
  const lefts = mapOf(left, db);
  const before = lefts.get(key);
  if (before !== undefined && before > added) {
    lefts.set(key, before - added);
    return;
  }
  const runs = mapOf(running, db);
  const busy = runs.get(key);
  if (busy) return busy;
  const run = look(db, rt, type, lefts, key)
    .catch((e) => console.error(`torque: indexes of ${rt.slug}.${type} were not built (they will be at the next write): ${(e as Error)?.message ?? e}`))
    .finally(() => runs.delete(key));
  runs.set(key, run);
  return run;
}

async function look(db: Driver, rt: AppRuntime, type: string, lefts: Map<string, number>, key: string): Promise<void> {
  const n = await typeCount(db, rt.id, type);
  if (n < GROWTH.at) {
    lefts.set(key, GROWTH.at - n);
    return;
  }
  const r = await db.transaction(async (tx) => {
    // The app's model as stored now: the runtime's may be a save behind, and syncing to an
    // older model would undo that save's indexes.
    const row = await appModelOf(tx, rt.id);
    if (!row) return undefined; // the app was deleted meanwhile
    const model =
      row.model_id === rt.model.id && row.version === rt.model.version ? rt.model : compileModel(row.model_id, row.version, JSON.parse(row.doc) as Model);
    const synced = await syncIndexes(tx, rt.id, model, db.dialect);
    await syncRollups(tx, rt.id, model, synced.grown);
    return synced;
  });
  if (!r) return;
  noteGrown(db, rt.id, r.grown);
  lefts.delete(key);
  // PostgreSQL: the new indexes' statistics are empty until the partition is analyzed.
  if (db.dialect.name === "postgres") await analyzeStatistics(db, r.analyze ?? (r.created.length ? await partitionOf(db, rt.id) : undefined));
}

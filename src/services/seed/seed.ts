// `torque app seed`: fills every entity type of an app with plausible records and valid
// references, in dependency order, through the bulk path of the entity engine (so every
// record is validated), in batches that keep the write-ahead log small. Each batch
// commits on its own: a seed that is killed leaves whole batches, and running the same
// seed again finishes it (runs.ts). Everything that would make a seed fail part-way
// (a required reference with nothing to point at, too few distinct values) is checked
// before the first write.
import { TorqueError, validationError } from "../../lib/errors";
import type { CompiledModel } from "../../model/compile";
import type { Field } from "../../model/schema";
import { refillFts } from "../../store/entities/fts";
import { dropIndexesFor, rebuildPendingIndexes } from "../../store/entities/indexes";
import { someIds } from "../../store/entities/rows";
import { typeRowCount } from "../../store/entities/stats";
import { mustHave } from "../access/deny";
import type { Actor } from "../actor";
import { driverOf } from "../driver";
import { growIfDue } from "../entities/growth";
import type { Services } from "../index";
import { LIMITS, wholeNumber } from "../limits";
import { endRun, startRun, unfinishedRun } from "./runs";
import { type FieldGenerator, fieldGenerator, seededRng } from "./values";

export interface SeedOptions {
  /** Records per entity type; `counts` overrides it per type. */
  count: number;
  counts?: Record<string, number>;
  seed?: number;
  batchSize?: number;
  actor: Actor;
  onProgress?: (entity: string, done: number, total: number) => void;
  /** Before the first write: the records each type will get (for a progress bar over the whole seed). */
  onPlan?: (totals: Record<string, number>) => void;
}

/** Entity types ordered so that referenced types come before those referring to them (cycles broken arbitrarily). */
export function dependencyOrder(m: CompiledModel): string[] {
  const out: string[] = [],
    state = new Map<string, "visiting" | "done">();
  const visit = (name: string) => {
    if (state.get(name)) return;
    state.set(name, "visiting");
    for (const f of m.entities.get(name)!.references) if (f.entity && f.entity !== name && m.entities.has(f.entity)) visit(f.entity);
    state.set(name, "done");
    out.push(name);
  };
  for (const name of m.entities.keys()) visit(name);
  return out;
}

/** From this many records of one type on, indexes and full-text entries are built after the load instead of during it. */
const DEFER_INDEXES_AT = 50_000;

export async function seedApp(s: Services, slug: string, opts: SeedOptions): Promise<Record<string, number>> {
  await mustHave(driverOf(s), opts.actor, "admin", "seed apps", { action: "app.seed", after: { app: slug } });
  // The one count rule for every door (GraphQL, MCP, CLI), checked before anything is read.
  wholeNumber("count", opts.count, LIMITS.seedCount);
  for (const [type, n] of Object.entries(opts.counts ?? {})) wholeNumber(`counts.${type}`, n, LIMITS.seedCount);
  const rt = await s.apps.runtime(slug);
  const rng = seededRng(opts.seed ?? Date.now());
  const batchSize = opts.batchSize ?? 20_000;
  const order = dependencyOrder(rt.model);
  for (const type of Object.keys(opts.counts ?? {}))
    if (!rt.model.entities.has(type))
      throw validationError([{ field: `counts.${type}`, rule: "unknown", message: `app ${slug} has no entity type "${type}"` }], "request");
  const db = driverOf(s);
  const have: Record<string, number> = {};
  for (const type of order) have[type] = await typeRowCount(db, rt.id, type);
  // The same request as an interrupted seed of this app finishes that seed: each type is
  // filled up to the count the first run aimed at. Any other request starts a new seed.
  const request = JSON.stringify({ count: opts.count, counts: Object.fromEntries(Object.entries(opts.counts ?? {}).sort()) });
  const earlier = await unfinishedRun(db, rt.id);
  // Own properties only: an entity type may be named "constructor".
  const asked = (type: string) => (opts.counts && Object.hasOwn(opts.counts, type) ? opts.counts[type]! : opts.count);
  const resumed = (type: string) => (earlier && Object.hasOwn(earlier.targets, type) ? earlier.targets[type] : undefined);
  const targets = Object.fromEntries(order.map((t) => [t, earlier?.request === request ? (resumed(t) ?? have[t]! + asked(t)) : have[t]! + asked(t)]));
  const totals = Object.fromEntries(order.map((t) => [t, Math.max(0, targets[t]! - have[t]!)]));
  const gens = new Map(
    order.map((t) => [
      t,
      rt.model.entities
        .get(t)!
        .def.fields.filter((f) => f.type !== "reference")
        .map((f) => fieldGenerator(f, t)),
    ]),
  );
  checkFeasible(rt.model, order, have, totals, gens);
  opts.onPlan?.(totals);
  await startRun(db, rt.id, { request, targets });

  const pools = new Map<string, string[]>(); // ids available as reference targets, per type
  // Existing records can be referred to too (seeding an app that already has data).
  for (const type of order)
    pools.set(
      type,
      (await someIds(db, rt.id, type, 100_000)).map((r) => r.id),
    );
  const result: Record<string, number> = {};
  for (const type of order) {
    const ent = rt.model.entities.get(type)!;
    const total = totals[type]!;
    const pool = pools.get(type)!;
    const fields = gens.get(type)!;
    // A unique reference (the inverse side of a 1:1) takes each target once: walk a shuffled copy.
    const uniqueRefs = new Map(ent.references.filter((f) => f.unique).map((f) => [f.name, shuffled(pools.get(f.entity!)!, rng)]));
    let seq = have[type]!; // record numbers: distinct for every row made, retries included
    const makeRow = (): Record<string, unknown> => {
      const n = ++seq;
      const data: Record<string, unknown> = {};
      for (const f of ent.references) {
        const targets = pools.get(f.entity!)!;
        const walk = uniqueRefs.get(f.name);
        if (walk) {
          if (walk.length && (f.required || rng() < 0.85)) data[f.name] = walk.pop();
        } else if (targets.length && (f.required || rng() < 0.85)) data[f.name] = targets[Math.floor(rng() * targets.length)];
      }
      for (const g of fields) {
        const f = g.field;
        if (!f.required && !f.unique && rng() < 0.1) continue; // some optional fields stay empty, as in real data
        const v = g.next(rng, n);
        if (v !== undefined) data[f.name] = v;
        else if (f.required)
          throw new TorqueError(
            "bad_request",
            `cannot generate a value for ${type}.${f.name} that satisfies its rules (${rulesOf(f)}); give it a default or loosen them`,
          );
      }
      return data;
    };
    // A large load is faster with the non-unique indexes built once at the end (a sort)
    // than kept up row by row. Unique indexes stay, so uniqueness is enforced throughout.
    // The drop is recorded durably (entity_indexes.pending): if this process dies, the
    // next open of the database rebuilds them. The full-text index likewise: its table
    // is marked pending with each batch and filled once at the end, in rowid order
    // (200k orders: ~28 s of row-by-row entries became a ~6 s fill).
    const defer = total >= DEFER_INDEXES_AT;
    if (defer) await db.transaction((tx) => dropIndexesFor(tx, rt.id, type, { keepUnique: true }));
    try {
      for (let done = 0; done < total; ) {
        const n = Math.min(batchSize, total - done);
        const made = await insertBatch(s, slug, type, Array.from({ length: n }, makeRow), makeRow, fields, opts.actor, done, defer);
        if (pool.length < 100_000) pool.push(...made.slice(0, 100_000 - pool.length));
        done += n;
        opts.onProgress?.(type, done, total);
      }
    } finally {
      if (defer) {
        await db.transaction((tx) => rebuildPendingIndexes(tx, rt.id));
        await refillFts(db, rt.id, type, batchSize);
      }
    }
    // A type this seed took past the growth line gets its indexes now, built over all its rows.
    await growIfDue(db, rt, type, total);
    result[type] = total;
  }
  await endRun(db, rt.id);
  await db.settle();
  return result;
}

/**
 * Insert one batch. A generated value can still clash with data that was there before the
 * seed (a unique value someone entered): such rows are made again, with the clashing value
 * struck off, until the batch is whole. Anything else a row is refused for is a bug here.
 */
async function insertBatch(
  s: Services,
  slug: string,
  type: string,
  rows: Record<string, unknown>[],
  makeRow: () => Record<string, unknown>,
  gens: FieldGenerator[],
  actor: Actor,
  offset: number,
  deferFts: boolean,
): Promise<string[]> {
  const ids: string[] = [];
  for (let round = 0; rows.length; round++) {
    // References come from ids that exist (or were just inserted), so the batch check is skipped.
    const r = await s.entities.insertMany(slug, type, rows, {
      actor,
      audit: "summary",
      checkReferences: false,
      onInvalid: "skip",
      rowOffset: offset,
      deferFts,
      deferGrowth: true,
    });
    ids.push(...r.ids);
    if (!r.skipped.length) break;
    const other = r.skipped.filter((i) => i.rule !== "unique" || i.field === undefined);
    if (other.length || round >= 20) throw validationError(r.skipped.slice(0, 20), `generated ${type} rows`);
    const again = new Set<number>();
    for (const i of r.skipped) {
      const row = rows[i.row! - offset]!;
      gens.find((g) => g.field.name === i.field)?.taken(row[i.field!]);
      again.add(i.row! - offset);
    }
    rows = [...again].map(() => makeRow());
  }
  return ids;
}

/** Refuse, before anything is written, a seed that could only fail part-way. */
function checkFeasible(
  m: CompiledModel,
  order: string[],
  have: Record<string, number>,
  totals: Record<string, number>,
  gens: Map<string, FieldGenerator[]>,
): void {
  for (const type of order) {
    const total = totals[type]!;
    if (!total) continue;
    for (const f of m.entities.get(type)!.references) {
      const available = have[f.entity!]! + (order.indexOf(f.entity!) < order.indexOf(type) ? totals[f.entity!]! : 0);
      if (f.required && f.entity !== type && !available)
        throw new TorqueError(
          "bad_request",
          `cannot seed ${type}: its required reference ${f.name} needs ${f.entity} records, and none exist or are being seeded`,
        );
      if (f.required && f.unique && f.entity !== type && available < have[type]! + total)
        throw new TorqueError(
          "bad_request",
          `cannot seed ${total} ${type}: ${f.name} is a required unique reference, and there will be only ${available} ${f.entity} records to point at`,
        );
    }
    for (const g of gens.get(type)!)
      if (g.field.required && have[type]! + total > g.capacity)
        throw new TorqueError(
          "bad_request",
          `cannot seed ${total} ${type}: ${g.field.name} is required and unique, and its rules allow only ${g.capacity} distinct values`,
        );
  }
}

function rulesOf(f: Field): string {
  const rules = [
    f.unique && "unique",
    f.pattern !== undefined && `pattern ${f.pattern}`,
    f.minLength !== undefined && `minLength ${f.minLength}`,
    f.maxLength !== undefined && `maxLength ${f.maxLength}`,
    f.min !== undefined && `min ${f.min}`,
    f.max !== undefined && `max ${f.max}`,
  ];
  return rules.filter(Boolean).join(", ") || `type ${f.type}`;
}

/** A shuffled copy (Fisher–Yates), to take from with pop(). */
function shuffled<T>(xs: T[], rng: () => number): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// `torque app seed`: fills every entity type of an app with plausible records and valid
// references, in dependency order, through the bulk path of the entity engine (so every
// record is validated), in batches that keep the write-ahead log small.
import { TorqueError } from "../../lib/errors";
import type { CompiledModel } from "../../model/compile";
import type { Services } from "../index";
import type { Actor } from "../actor";
import { valueMaker, seededRng } from "./values";
import { dropIndexesFor, syncIndexes } from "../../store/entities/indexes";
import { scope } from "../../store/entities/columns";

export interface SeedOptions {
  /** Records per entity type; `counts` overrides it per type. */
  count: number;
  counts?: Record<string, number>;
  seed?: number;
  batchSize?: number;
  actor: Actor;
  onProgress?: (entity: string, done: number, total: number) => void;
}

/** Entity types ordered so that referenced types come before those referring to them (cycles broken arbitrarily). */
export function dependencyOrder(m: CompiledModel): string[] {
  const out: string[] = [], state = new Map<string, "visiting" | "done">();
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

/** From this many records of one type on, indexes are rebuilt after the load instead of during it. */
const DEFER_INDEXES_AT = 50_000;

export async function seedApp(s: Services, slug: string, opts: SeedOptions): Promise<Record<string, number>> {
  const rt = await s.apps.runtime(slug);
  const rng = seededRng(opts.seed ?? Date.now());
  const batchSize = opts.batchSize ?? 20_000;
  const pools = new Map<string, string[]>(); // ids available as reference targets, per type
  const result: Record<string, number> = {};
  const order = dependencyOrder(rt.model);
  // Existing records can be referred to too (seeding an app that already has data).
  for (const type of order)
    pools.set(type, (await s.db.all<{ id: string }>(`SELECT id FROM entities WHERE ${scope(rt.id, type)} LIMIT 100000`)).map((r) => r.id));
  for (const type of order) {
    const ent = rt.model.entities.get(type)!;
    const total = opts.counts?.[type] ?? opts.count;
    const pool = pools.get(type)!;
    const base = pool.length;
    for (const f of ent.references) {
      const willExist = pools.get(f.entity!)!.length > 0 || (order.indexOf(f.entity!) < order.indexOf(type) && (opts.counts?.[f.entity!] ?? opts.count) > 0);
      if (f.required && total > 0 && f.entity !== type && !willExist)
        throw new TorqueError("bad_request", `cannot seed ${type}: its required reference ${f.name} needs ${f.entity} records, and none exist or are being seeded`);
    }
    const makers = new Map(ent.def.fields.map((f) => [f.name, valueMaker(f, type)]));
    // A large load is faster with the non-unique indexes built once at the end (a sort)
    // than kept up row by row. Unique indexes stay, so uniqueness is enforced throughout.
    const deferIndexes = total >= DEFER_INDEXES_AT;
    if (deferIndexes) await s.db.transaction((tx) => dropIndexesFor(tx, rt.id, type, { keepUnique: true }));
    try {
      await seedType();
    } finally {
      if (deferIndexes) await s.db.transaction((tx) => syncIndexes(tx, rt.id, rt.model, s.db.dialect));
    }
    result[type] = total;
    async function seedType() {
      for (let done = 0; done < total; ) {
        const n = Math.min(batchSize, total - done);
        const rows: Record<string, unknown>[] = [];
        for (let i = 0; i < n; i++) {
          const k = base + done + i + 1;
          const data: Record<string, unknown> = {};
          for (const f of ent.def.fields) {
            if (f.type === "reference") {
              const targets = pools.get(f.entity!)!;
              if (targets.length && (f.required || rng() < 0.85)) data[f.name] = targets[Math.floor(rng() * targets.length)];
              continue;
            }
            if (!f.required && !f.unique && rng() < 0.1) continue; // some optional fields stay empty, as in real data
            const v = makers.get(f.name)!(rng, k);
            if (v !== undefined) data[f.name] = v;
            else if (f.required) throw new TorqueError("bad_request", `cannot generate a value for ${type}.${f.name} that satisfies its rules; give it a default`);
          }
          rows.push(data);
        }
        // References come from ids that exist (or were just inserted), so the batch check is skipped.
        const r = await s.entities.insertMany(slug, type, rows, { actor: opts.actor, audit: "summary", checkReferences: false, rowOffset: done });
        if (pool.length < 100_000) pool.push(...r.ids.slice(0, 100_000 - pool.length));
        done += n;
        opts.onProgress?.(type, done, total);
      }
    }
  }
  await s.db.settle();
  return result;
}

// Single creates that arrive together are written together: one transaction, one
// question per reference field and per unique field for the whole batch, one INSERT of
// its rows on PostgreSQL and one audit statement. A create on PostgreSQL otherwise costs
// seven round trips to the database, one after another, and a server's writes wait for
// each other (the write lock), so 50 clients got ~400 creates/s; batched they share them.
//
// Each create still gets exactly what it would get alone: its own id, time and actor;
// the same validation errors with the same words (a row the batch questions flag is
// checked alone, after the rows before it are written, as if it came after them); and
// when the batch's transaction fails as a whole, every create in it is retried alone,
// so one bad row never fails the others.

import { type Issue, TorqueError, validationError } from "../../lib/errors";
import { own } from "../../lib/json";
import type { CompiledEntity } from "../../model/compile";
import type { Driver, Queryable } from "../../store/driver";
import { ftsAfterInsert } from "../../store/entities/fts";
import { anyHolds, checkStorable, existingIds, insertLoadedRow, insertLoadedRows, type LoadedRow, unstorable } from "../../store/entities/rows";
import type { Actor } from "../actor";
import type { AppRuntime } from "../apps";
import { writeAuditsOf } from "../audit";
import type { Data } from "./data";
import { checkStoredRules, stored, uniqueClash } from "./integrity";

export interface NewRecord {
  rt: AppRuntime;
  ent: CompiledEntity;
  id: string;
  data: Data;
  now: string;
  actor: Actor;
}

/** A create in a batch, with its data as JSON text, made once. */
interface Queued extends NewRecord {
  json: string;
}

interface Pending extends Queued {
  resolve(): void;
  reject(e: unknown): void;
}

/** Creates per transaction at most: the batch's statements stay small, and nobody waits long behind one. */
const MAX_BATCH = 256;

export class CreateBatcher {
  private queue: Pending[] = [];
  private running = false;

  constructor(private readonly db: Driver) {}

  /** Resolves once the record is committed; rejects with the error a lone create would get. */
  write(rec: NewRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...rec, json: JSON.stringify(rec.data), resolve, reject });
      // Start on the next turn, so requests already received join; while a batch is
      // being written, the next one gathers.
      if (!this.running && this.queue.length === 1) setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) await this.flush(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.running = false;
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    let failures: Map<Queued, unknown>;
    try {
      failures = await this.db.transaction((tx) => writeCreates(tx, batch));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // The batch failed as a whole (an error no row check foresaw, a lost connection):
      // nothing of it was written; each create is tried alone and answers for itself.
      for (const one of batch) await this.flush([one]);
      return;
    }
    for (const p of batch) {
      if (failures.has(p)) p.reject(failures.get(p));
      else p.resolve();
    }
  }
}

/**
 * Write a batch inside tx. Returns the creates that were refused, with their errors (the
 * others are written); throws only for a failure of the whole batch.
 */
async function writeCreates(tx: Queryable, batch: readonly Queued[]): Promise<Map<Queued, unknown>> {
  const failures = new Map<Queued, unknown>();
  const audits: Parameters<typeof writeAuditsOf>[1][number][] = [];
  // Types in the order they first appear: a later type's checks see what earlier ones wrote.
  const byType = new Map<string, Queued[]>();
  for (const r of batch) {
    const key = `${r.rt.id}\u0000${r.ent.name}`;
    byType.get(key)?.push(r) ?? byType.set(key, [r]);
  }
  for (const group of byType.values()) {
    const flagged = await questioned(tx, group);
    let ready: Queued[] = [];
    const insertReady = async () => {
      const done = new Set(await insertRows(tx, ready));
      for (const r of ready)
        if (done.has(r)) {
          audits.push({ actor: r.actor, at: r.now, entry: { action: "entity.create", appId: r.rt.id, entityType: r.ent.name, entityId: r.id, after: r.data } });
          await ftsAfterInsert(tx, r.rt.id, r.ent.name, r.id, r.json);
        } else failures.set(r, await clash(tx, r));
      ready = [];
    };
    for (const r of group) {
      if (flagged.has(r)) {
        // Checked alone, with every row before it written: the errors a lone create gets.
        await insertReady();
        try {
          checkStorable(tx.dialect, r.json);
          await checkStoredRules(tx, tx.dialect, r.rt.id, r.ent, r.id, r.data);
        } catch (e) {
          // This row's fault only; anything else (a lost connection) fails the batch, which
          // must not go on writing as if its transaction were still open.
          if (!(e instanceof TorqueError) || (e.code !== "validation" && e.code !== "bad_request")) throw e;
          failures.set(r, e);
          continue;
        }
      }
      ready.push(r);
    }
    await insertReady();
  }
  await writeAuditsOf(tx, audits);
  return failures;
}

/**
 * The rows of one type that need a check of their own: a reference that does not
 * resolve, a unique value already stored (asked once per field for the batch) or held by
 * an earlier row of the batch, or data the database cannot store. Most batches have none.
 */
async function questioned(tx: Queryable, group: readonly Queued[]): Promise<Set<Queued>> {
  const { rt, ent } = group[0]!;
  const flagged = new Set<Queued>();
  for (const f of ent.references) {
    const ids = [...new Set(group.map((r) => own(r.data, f.name)).filter((v): v is string => typeof v === "string"))];
    if (!ids.length) continue;
    const found = await existingIds(tx, rt.id, f.entity!, ids);
    for (const r of group) {
      const v = own(r.data, f.name);
      if (typeof v === "string" && !found.has(v)) flagged.add(r);
    }
  }
  for (const f of ent.unique) {
    const holders = group.filter((r) => own(r.data, f.name) !== undefined && own(r.data, f.name) !== null);
    if (!holders.length) continue;
    const values = holders.map((r) => stored(own(r.data, f.name)));
    if (await anyHolds(tx, tx.dialect, rt.id, ent.name, f, values)) for (const r of holders) flagged.add(r);
    const seen = new Set<string>();
    holders.forEach((r, i) => {
      const key = `${typeof values[i]}:${String(values[i])}`;
      if (seen.has(key)) flagged.add(r);
      seen.add(key);
    });
  }
  for (const r of group) if (unstorable(tx.dialect, r.json).length) flagged.add(r);
  return flagged;
}

const loaded = (r: Queued): LoadedRow => ({
  id: r.id,
  appId: r.rt.id,
  type: r.ent.name,
  data: r.json,
  version: 1,
  createdAt: r.now,
  updatedAt: r.now,
});

/**
 * The rows that went in. A row a unique index refused (a composite unique index: single
 * fields were checked) is left out: PostgreSQL in one statement that skips it, SQLite a
 * statement per row (microseconds there), which undoes only the failed one.
 */
async function insertRows(tx: Queryable, rows: readonly Queued[]): Promise<Queued[]> {
  if (!rows.length) return [];
  if (tx.dialect.name === "postgres") {
    const done = await insertLoadedRows(tx, rows.map(loaded));
    return rows.filter((r) => done.has(r.id));
  }
  const done: Queued[] = [];
  for (const r of rows) {
    try {
      await insertLoadedRow(tx, loaded(r));
      done.push(r);
    } catch (e) {
      if (!/UNIQUE constraint failed/.test((e as Error).message)) throw e;
    }
  }
  return done;
}

/** The error for a row a unique index refused, in the words a lone create gets. */
async function clash(tx: Queryable, r: Queued): Promise<Error> {
  const { row: _row, ...issue }: Issue = await uniqueClash(tx, r.rt.id, r.rt.model, r.ent, r.id, r.data, 0);
  return validationError([issue]);
}

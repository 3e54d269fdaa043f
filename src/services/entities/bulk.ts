// Many records in one transaction: all valid or nothing written (or, for sample data,
// invalid rows skipped and reported). Used by seeding, sample-data loading, app import
// and bulk import. Uniqueness is enforced by the unique expression indexes and reported
// per row; references are checked in batches.
import { forbidden, type Issue, TorqueError, validationError } from "../../lib/errors";
import type { CompiledEntity, CompiledModel } from "../../model/compile";
import type { Dialect } from "../../store/dialect";
import type { Queryable } from "../../store/driver";
import { type FtsTarget, ftsDefer, ftsIndexRows, ftsTarget } from "../../store/entities/fts";
import { NONE_GROWN } from "../../store/entities/growth";
import { desiredIndexes } from "../../store/entities/indexes";
import { getRows, insertLoadedRow, insertLoadedRows, unstorable } from "../../store/entities/rows";
import { type AuditEntry, writeAudit, writeAudits } from "../audit";
import { type EntityContext, entityOf, logAfterError } from "./context";
import { type Data, normaliseData, visibleData } from "./data";
import { growIfDue } from "./growth";
import { deny, rightsFor } from "./guard";
import { uniqueClash } from "./integrity";
import type { WriteOptions } from "./types";

export interface BulkOptions extends WriteOptions {
  /** Ids to use (same order as the rows), e.g. to keep ids from an export. Generated when absent. */
  ids?: string[];
  /** Stored metadata to keep (from an export). */
  meta?: { version?: number; createdAt?: string; updatedAt?: string }[];
  /** "each": one audit entry per record; "summary": one for the whole batch (seeding). */
  audit?: "each" | "summary";
  /** Check that references exist (off only when the caller generated them from existing ids). */
  checkReferences?: boolean;
  /** "fail" (default): any bad row aborts everything; "skip": bad rows are left out and reported. */
  onInvalid?: "fail" | "skip";
  /** Added to row numbers in reported issues (when a caller splits input into batches). */
  rowOffset?: number;
  /**
   * The caller loads more batches of this type and gives it its indexes when done
   * (growIfDue): built once over all the rows, not kept up row by row from the batch
   * that crossed the line (a seed).
   */
  deferGrowth?: boolean;
  /**
   * Leave the type's full-text index to a fill after the load (a seed of many batches):
   * its table is marked pending in this transaction and no entries are written. The
   * caller must call `refillFts` when the load ends (the next open fills it otherwise).
   */
  deferFts?: boolean;
  /**
   * Run inside the caller's transaction (several types restored all-or-nothing). Hooks
   * and change events are then the caller's business: restores do not trigger flows.
   */
  tx?: Queryable;
}

export interface BulkResult {
  inserted: number;
  ids: string[];
  skipped: Issue[];
}

export async function insertMany(ctx: EntityContext, app: string, entity: string, rows: unknown[], opts: BulkOptions): Promise<BulkResult> {
  const rt = await ctx.apps.runtime(app);
  const ent = entityOf(rt, entity);
  // A bulk load takes create rights, and a row filter or hidden fields (checked per record
  // by single creates) are not applied to loads: an actor bound by them creates one by one.
  const rights = await rightsFor(ctx, opts.actor, rt, ent, "create");
  if (opts.actor.grant && (rights.filter !== undefined || rights.hidden.size))
    await deny(
      ctx,
      opts.actor,
      rt,
      ent,
      "create",
      forbidden(
        `${opts.actor.grant.user} (${opts.actor.grant.role}) creates ${ent.name} records within a row filter or without some fields, so one at a time, not in bulk`,
      ),
    );
  const now = new Date().toISOString();
  const offset = opts.rowOffset ?? 0;
  const issues: Issue[] = [];
  const good: { i: number; id: string; data: Data }[] = [];
  rows.forEach((input, i) => {
    const r = normaliseData(ent, input, undefined, !!opts.lenient, now);
    if (r.issues.length) issues.push(...r.issues.map((x) => ({ ...x, row: i + offset })));
    else good.push({ i, id: opts.ids?.[i] ?? Bun.randomUUIDv7(), data: r.data });
  });
  if (opts.checkReferences !== false) issues.push(...(await missingReferences(opts.tx ?? ctx.db, rt.id, ent, good, offset)));
  const bad = new Set(issues.map((x) => x.row! - offset));
  if (issues.length && opts.onInvalid !== "skip") throw validationError(issues, `${entity} rows`);
  const keep = good.filter((g) => !bad.has(g.i));
  // Before-hooks see each record like a single create would.
  // Asked once per batch: a seed of a million rows should not pay per row for hooks that ignore them.
  const rewritten: { i: number; id: string; data: Data }[] = [];
  const probe = (event: "beforeCreate" | "afterCreate") => ({ app: rt.slug, entity: ent.name, event, data: {}, actor: opts.actor });
  if (!opts.tx && ctx.hooks.wants("beforeCreate", probe("beforeCreate")))
    for (const g of keep) {
      const shown = visibleData(ent, g.data);
      const ev = { app: rt.slug, entity: ent.name, event: "beforeCreate" as const, data: shown, actor: opts.actor };
      await ctx.hooks.run("beforeCreate", ev);
      if (ev.data === shown) continue; // unchanged: already valid
      const r = normaliseData(ent, ev.data, undefined, false, now, false);
      if (r.issues.length)
        throw validationError(
          r.issues.map((x) => ({ ...x, row: g.i + offset })),
          "data from a before-hook",
        );
      g.data = r.data;
      rewritten.push(g);
    }
  // What a hook rewrote is checked like the input was: references must exist.
  if (rewritten.length) {
    const dangling = await missingReferences(opts.tx ?? ctx.db, rt.id, ent, rewritten, offset);
    if (dangling.length) throw validationError(dangling, "data from a before-hook");
  }
  // The rows left out, by row (not by id: a load may hold one id twice, and the first may be in).
  const skipped = new Set<object>();
  const write = async (tx: Queryable) => {
    // The type's full-text index: written after the rows, in one pass (see ftsIndexRows),
    // or left to a fill after a large load.
    let fts: FtsTarget | undefined;
    if (opts.deferFts) await ftsDefer(tx, rt.id, ent.name);
    else fts = await ftsTarget(tx, rt.id, ent.name);
    const loaded = (g: { i: number; id: string; data: Data }) => {
      const m = opts.meta?.[g.i];
      return {
        id: g.id,
        appId: rt.id,
        type: ent.name,
        data: JSON.stringify(g.data),
        version: m?.version ?? 1,
        createdAt: m?.createdAt ?? now,
        updatedAt: m?.updatedAt ?? now,
      };
    };
    /** A row that does not fit: the whole load fails, or (skip) the row is left out and reported. */
    const refuse = (g: object, found: Issue[]) => {
      if (opts.onInvalid !== "skip") throw validationError(found, `${ent.name} rows`);
      issues.push(...found);
      skipped.add(g);
    };
    // One entry per record, written together after the rows.
    const entries: AuditEntry[] = [];
    const audited = (g: { id: string; data: Data }) => {
      if (opts.audit !== "summary") entries.push({ action: "entity.create", appId: rt.id, entityType: ent.name, entityId: g.id, after: g.data });
    };
    if (tx.dialect.name === "postgres") {
      // A statement per 5,000 rows (a round trip each is the cost here); rows left out
      // by a unique index are then told apart, one by one.
      const fit: [(typeof keep)[number], ReturnType<typeof loaded>][] = [];
      const ids = new Set<string>();
      for (const g of keep) {
        const r = loaded(g);
        const nul = unstorable(tx.dialect, r.data);
        if (nul.length)
          refuse(
            g,
            nul.map((x) => ({ row: g.i + offset, ...x })),
          );
        // One id twice in the load: the later row is the clash (ON CONFLICT would hide it behind the first's id).
        else if (ids.has(g.id)) refuse(g, [{ row: g.i + offset, field: "id", rule: "unique", message: `an entity with id ${g.id} already exists` }]);
        else {
          ids.add(g.id);
          fit.push([g, r]);
        }
      }
      const done = await insertLoadedRows(
        tx,
        fit.map(([, r]) => r),
      );
      for (const [g] of fit)
        if (!done.has(g.id)) refuse(g, [await uniqueClash(tx, rt.id, rt.model, ent, g.id, g.data, g.i + offset)]);
        else audited(g);
    } else
      for (const g of keep) {
        const r = loaded(g);
        try {
          await insertLoadedRow(tx, r);
        } catch (e) {
          const err = constraintError(e as Error, ctx.db.dialect, rt.id, rt.model, ent, g.i + offset, g.id);
          // In skip mode a clash leaves this row out; SQLite undid only the failed INSERT.
          if (!(err instanceof TorqueError) || err.code !== "validation") throw err;
          refuse(g, err.data as Issue[]);
          continue;
        }
        audited(g);
      }
    await writeAudits(tx, opts.actor, entries, now);
    const inserted = keep.filter((g) => !skipped.has(g));
    if (fts)
      await ftsIndexRows(
        tx,
        fts,
        inserted.map((g) => g.id),
      );
    if (opts.audit === "summary" && inserted.length)
      await writeAudit(
        tx,
        opts.actor,
        {
          action: "entity.bulkCreate",
          appId: rt.id,
          entityType: ent.name,
          after: { count: inserted.length, first: inserted[0]!.id, last: inserted.at(-1)!.id },
        },
        now,
      );
  };
  const result = () => {
    const inserted = keep.filter((g) => !skipped.has(g));
    return { inserted, out: { inserted: inserted.length, ids: inserted.map((g) => g.id), skipped: opts.onInvalid === "skip" ? issues : [] } };
  };
  if (opts.tx) {
    await write(opts.tx);
    return result().out;
  }
  await ctx.db.transaction(write);
  const { inserted, out } = result();
  if (!opts.deferGrowth) await growIfDue(ctx.db, rt, ent.name, inserted.length);
  const afterHooks = ctx.hooks.wants("afterCreate", probe("afterCreate"));
  // Change events per record for ordinary batches; a bulk load of more is one big change
  // that subscribers learn about by reloading, not record by record.
  if (afterHooks || inserted.length <= 10_000)
    for (const g of inserted) {
      const data = visibleData(ent, g.data);
      await ctx.events.notify("entityChanged", { app: rt.slug, entity: ent.name, id: g.id, op: "create", version: 1, data }, logAfterError);
      if (afterHooks)
        await ctx.hooks.notify("afterCreate", { app: rt.slug, entity: ent.name, event: "afterCreate", id: g.id, data, actor: opts.actor }, logAfterError);
    }
  return out;
}

async function missingReferences(q: Queryable, appId: number, ent: CompiledEntity, rows: { i: number; data: Data }[], offset: number): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const f of ent.references) {
    const ids = [...new Set(rows.map((r) => r.data[f.name]).filter((v): v is string => typeof v === "string"))];
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) for (const r of await getRows(q, appId, f.entity!, ids.slice(i, i + 500))) found.add(r.id);
    for (const r of rows) {
      const v = r.data[f.name];
      if (typeof v === "string" && !found.has(v))
        issues.push({ row: r.i + offset, field: f.name, rule: "reference", message: `${f.name} refers to ${f.entity} "${v}", which does not exist` });
    }
  }
  return issues;
}

/** Turn a UNIQUE index violation into a validation issue naming the field and row. */
export function constraintError(e: Error, d: Dialect, appId: number, model: CompiledModel, ent: CompiledEntity, row: number | undefined, id: string): Error {
  const m = /UNIQUE constraint failed: (?:index '([^']+)'|entities\.id)/.exec(e.message);
  if (!m) return e;
  if (!m[1]) return validationError([{ row, field: "id", rule: "unique", message: `an entity with id ${id} already exists` }], `${ent.name} rows`);
  const def = desiredIndexes(appId, model, d, NONE_GROWN).find((d) => d.name === m[1]);
  const fields = def?.fields.join(", ") ?? "a unique field";
  return validationError(
    [{ row, field: def?.fields[0], rule: "unique", message: `${fields} must be unique: another ${ent.name} already has this value` }],
    `${ent.name} rows`,
  );
}

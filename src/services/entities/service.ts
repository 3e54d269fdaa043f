// The entity engine: create, read, update, delete and query the records of an app,
// validated against its model on every write, with lifecycle hooks, referential
// integrity and an audit entry in the same transaction as each change. Every transport
// (CLI, JSON-RPC, GraphQL, MCP, workflows) comes through here.

import type { Issue } from "../../lib/errors";
import { conflict, forbidden, notFound, TorqueError, validationError } from "../../lib/errors";
import { Hooks } from "../../lib/hooks";
import { isPlainObject, jsonEqual } from "../../lib/json";
import type { CompiledEntity } from "../../model/compile";
import { parseFilter } from "../../model/filter/parse";
import type { Dialect } from "../../store/dialect";
import type { Driver } from "../../store/driver";
import type { AggregateRequest } from "../../store/entities/aggregate";
import { countEntities } from "../../store/entities/count";
import { grownTypes } from "../../store/entities/growth";
import { walkIndexes } from "../../store/entities/indexes";
import { type PageRow, runPlan } from "../../store/entities/planner";
import { buildPageQuery, cursorValues, encodeCursor, type PageQuery, readOffsetPage, readPlainPage } from "../../store/entities/query";
import { deleteRow, type EntityRow, getRow, getRowCached, updateRow } from "../../store/entities/rows";
import type { Actor } from "../actor";
import type { AppRuntime, AppService } from "../apps";
import { writeAudit } from "../audit";
import type { EventBus } from "../events";
import { type AggregateResult, aggregateEntities } from "./aggregate";
import { type BulkOptions, type BulkResult, constraintError, insertMany } from "./bulk";
import { checkFields, checkId, type EntityContext, entityOf, logAfterError, toRecord } from "./context";
import { CreateBatcher } from "./create-batch";
import { type Data, normaliseData, visibleData } from "./data";
import { growIfDue } from "./growth";
import { deny, filterNames, guardRelated, inRows, refuseHidden, rightsFor, stripRecord, withinRows } from "./guard";
import { attachIncludes } from "./include";
import { applyDeleteRules, checkStoredRules } from "./integrity";
import type { EntityEvent, EntityHookMap, EntityRecord, Page, QueryOptions, WriteOptions } from "./types";

export class EntityService {
  readonly hooks = new Hooks<EntityHookMap>();
  /** Shared with the link and bulk parts of the entity engine. */
  readonly ctx: EntityContext;

  private readonly creates: CreateBatcher;

  constructor(db: Driver, apps: AppService, events: EventBus) {
    this.ctx = { db, apps, events, hooks: this.hooks };
    this.creates = new CreateBatcher(db);
  }

  async create(app: string, entity: string, input: unknown, opts: WriteOptions): Promise<EntityRecord> {
    const { apps } = this.ctx;
    const rt = await apps.runtime(app);
    const ent = entityOf(rt, entity);
    const rights = await rightsFor(this.ctx, opts.actor, rt, ent, "create");
    if (isPlainObject(input)) await refuseHidden(this.ctx, opts.actor, rt, ent, "create", rights, Object.keys(input), "data");
    const now = new Date().toISOString();
    let data = valid(normaliseData(ent, input, undefined, !!opts.lenient, now));
    data = await this.before("beforeCreate", rt.slug, ent, data, opts.actor, undefined, undefined, now);
    if (!inRows(rights, "", data, now, now)) await deny(this.ctx, opts.actor, rt, ent, "create", outsideRows(opts.actor, ent, "create"));
    const id = Bun.randomUUIDv7();
    // Written together with the creates that arrive beside it (create-batch.ts).
    await this.creates.write({ rt, ent, id, data, now, actor: opts.actor });
    await growIfDue(this.ctx.db, rt, ent.name, 1);
    const rec: EntityRecord = { id, entity: ent.name, data: visibleData(ent, data), version: 1, createdAt: now, updatedAt: now };
    await this.after("afterCreate", rt.slug, ent, rec, opts.actor);
    return stripRecord(rights, rec);
  }

  /** One record; with an actor, only within its read rights (a record outside its row filter is not found). */
  async get(app: string, entity: string, id: string, opts: { fields?: unknown; include?: unknown } = {}, actor?: Actor): Promise<EntityRecord> {
    const { db, apps } = this.ctx;
    const rt = await apps.runtime(app);
    const ent = entityOf(rt, entity);
    const rights = await rightsFor(this.ctx, actor, rt, ent, "read", typeof id === "string" ? id : undefined);
    const row = await getRowCached(db, rt.id, ent.name, checkId(id));
    if (!row) throw notFound(ent.name, id);
    const fields = checkFields(ent, opts.fields);
    await refuseHidden(this.ctx, actor, rt, ent, "read", rights, [...(fields ?? []), ...names(opts.include)], "a projection or include");
    const shared = sharedRecord(ent, row);
    if (!inRows(rights, shared.id, shared.data, shared.createdAt, shared.updatedAt)) throw notFound(ent.name, id);
    if (!fields && opts.include === undefined) return stripRecord(rights, shared);
    // Includes read the reference fields, so they are attached before the projection.
    const rec = toRecord(ent, row);
    await attachIncludes(db, db.dialect, rt.id, rt.model, ent, [rec], opts.include);
    await guardRelated(this.ctx, actor, rt, [rec]);
    if (fields) rec.data = visibleData(ent, rec.data, fields);
    return stripRecord(rights, rec);
  }

  /**
   * Partial update: fields in `patch` change, null clears a field, the rest stays. With
   * `expectedVersion` the write applies only to that version (else a conflict naming it).
   * Without it, updates apply in the order they commit: one that finds the record moved
   * since it was read is rebased onto the newer record (the fields it changes win, the
   * others keep the newer values), so a burst of plain updates all succeed.
   */
  async update(app: string, entity: string, id: string, patch: unknown, opts: WriteOptions): Promise<EntityRecord> {
    const { db, apps } = this.ctx;
    const rt = await apps.runtime(app);
    const ent = entityOf(rt, entity);
    const rights = await rightsFor(this.ctx, opts.actor, rt, ent, "update", typeof id === "string" ? id : undefined);
    if (isPlainObject(patch)) await refuseHidden(this.ctx, opts.actor, rt, ent, "update", rights, Object.keys(patch), "data");
    const row = await getRowCached(db, rt.id, ent.name, checkId(id));
    if (!row) throw notFound(ent.name, id);
    checkVersion(ent, id, row.version, opts.expectedVersion);
    const stored = JSON.parse(row.data) as Data;
    if (!inRows(rights, id, stored, row.created_at, row.updated_at))
      await deny(this.ctx, opts.actor, rt, ent, "update", outsideRows(opts.actor, ent, "update"), id);
    const now = new Date().toISOString();
    let data = valid(normaliseData(ent, patch, stored, !!opts.lenient, now));
    data = await this.before("beforeUpdate", rt.slug, ent, data, opts.actor, id, visibleData(ent, stored), now, stored);
    if (!inRows(rights, id, data, row.created_at, now)) await deny(this.ctx, opts.actor, rt, ent, "update", outsideRows(opts.actor, ent, "update"), id);
    const done = await db.transaction(async (tx) => {
      const current = await getRow(tx, rt.id, ent.name, id);
      if (!current) throw notFound(ent.name, id);
      let before = stored,
        after = data;
      if (current.version !== row.version) {
        // Someone else wrote between our read and this transaction: never overwrite blindly.
        checkVersion(ent, id, current.version, opts.expectedVersion);
        before = JSON.parse(current.data) as Data;
        after = rebase(stored, data, before);
        // The newer record must be the actor's to change, and stay so (a refusal in this rare race is not audited).
        if (!inRows(rights, id, before) || !inRows(rights, id, after)) throw outsideRows(opts.actor, ent, "update");
      }
      await checkStoredRules(tx, db.dialect, rt.id, ent, id, after, before);
      await uniqueGuard(() => updateRow(tx, rt.id, ent.name, id, JSON.stringify(after), current.version, now, current.data), db.dialect, rt, ent, id);
      await writeAudit(tx, opts.actor, { action: "entity.update", appId: rt.id, entityType: ent.name, entityId: id, before, after }, now);
      return { version: current.version + 1, before, after };
    });
    const rec: EntityRecord = { id, entity: ent.name, data: visibleData(ent, done.after), version: done.version, createdAt: row.created_at, updatedAt: now };
    await this.after("afterUpdate", rt.slug, ent, rec, opts.actor, visibleData(ent, done.before));
    return stripRecord(rights, rec);
  }

  /** Delete, applying each relationship's onDelete rule. Returns what else was deleted or changed. */
  async delete(
    app: string,
    entity: string,
    id: string,
    opts: WriteOptions,
  ): Promise<{ id: string; deleted: true; cascaded: { entity: string; id: string; op: "delete" | "update" }[] }> {
    const { db, apps, events } = this.ctx;
    const rt = await apps.runtime(app);
    const ent = entityOf(rt, entity);
    const rights = await rightsFor(this.ctx, opts.actor, rt, ent, "delete", typeof id === "string" ? id : undefined);
    const row = await getRow(db, rt.id, ent.name, checkId(id));
    if (!row) throw notFound(ent.name, id);
    checkVersion(ent, id, row.version, opts.expectedVersion);
    const stored = JSON.parse(row.data) as Data;
    if (!inRows(rights, id, stored, row.created_at, row.updated_at))
      await deny(this.ctx, opts.actor, rt, ent, "delete", outsideRows(opts.actor, ent, "delete"), id);
    const now = new Date().toISOString();
    await this.before("beforeDelete", rt.slug, ent, visibleData(ent, stored), opts.actor, id, undefined, now);
    const effects = await db.transaction(async (tx) => {
      const current = await getRow(tx, rt.id, ent.name, id);
      if (!current) throw notFound(ent.name, id);
      // Moved since it was read: with expectedVersion that is a conflict; a plain delete
      // applies to the newer record (like a plain update, in commit order).
      if (current.version !== row.version) {
        checkVersion(ent, id, current.version, opts.expectedVersion);
        if (!inRows(rights, id, JSON.parse(current.data) as Data)) throw outsideRows(opts.actor, ent, "delete");
      }
      const fx = await applyDeleteRules(tx, db.dialect, rt.id, rt.model, ent, id, now);
      await deleteRow(tx, rt.id, ent.name, id);
      for (const e of fx)
        await writeAudit(
          tx,
          opts.actor,
          { action: `entity.${e.op}`, appId: rt.id, entityType: e.type, entityId: e.row.id, before: e.before, after: e.after },
          now,
        );
      await writeAudit(
        tx,
        opts.actor,
        { action: "entity.delete", appId: rt.id, entityType: ent.name, entityId: id, before: JSON.parse(current.data) as Data },
        now,
      );
      return fx;
    });
    for (const e of effects) {
      const child = rt.model.entities.get(e.type)!;
      const shown = (d: Data | undefined) => (d ? visibleData(child, d) : undefined);
      await events.notify(
        "entityChanged",
        {
          app: rt.slug,
          entity: e.type,
          id: e.row.id,
          op: e.op,
          version: e.version,
          data: shown(e.after ?? e.before),
          previous: e.after ? shown(e.before) : undefined,
        },
        logAfterError,
      );
    }
    const rec = toRecord(ent, row, undefined, stored);
    await this.after("afterDelete", rt.slug, ent, rec, opts.actor);
    return { id, deleted: true, cascaded: effects.map((e) => ({ entity: e.type, id: e.row.id, op: e.op })) };
  }

  /** Many records at once (seed, import): see bulk.ts. */
  insertMany(app: string, entity: string, rows: unknown[], opts: BulkOptions): Promise<BulkResult> {
    return insertMany(this.ctx, app, entity, rows, opts);
  }

  /** A page of records; with an actor, within its list rights (its row filter ANDed in, hidden fields out of reach). */
  async query(app: string, entity: string, asked: QueryOptions = {}, actor?: Actor): Promise<Page> {
    const { db, apps } = this.ctx;
    const rt = await apps.runtime(app);
    const ent = entityOf(rt, entity);
    const rights = await rightsFor(this.ctx, actor, rt, ent, "list");
    const fields = checkFields(ent, asked.fields);
    if (rights.hidden.size)
      await refuseHidden(
        this.ctx,
        actor,
        rt,
        ent,
        "list",
        rights,
        [...filterNames(ent, asked.filter), ...sortNames(asked.sort), ...(fields ?? []), ...names(asked.include)],
        "a filter, sort, projection or include",
      );
    const opts = rights.filter === undefined ? asked : { ...asked, filter: withinRows(rights, asked.filter) };
    const q = buildPageQuery(rt.id, ent, db.dialect, opts);
    const { rows, more, resume } = await plannedPage(db, rt, ent, q, opts);
    const data = rows.map((r) => toRecord(ent, { ...r, type: ent.name }, opts.include === undefined ? fields : undefined));
    const last = rows.at(-1);
    // A page the planner ended early (its budget of examined rows spent) resumes after the last row it examined.
    const nextCursor = resume
      ? encodeCursor(q.keys, resume)
      : more && last
        ? encodeCursor(
            q.keys,
            q.keys.map((_, i) => (last[`k${i}`] ?? null) as unknown),
          )
        : null;
    const pagination: Page["pagination"] = { nextCursor, limit: q.limit };
    if (opts.total)
      Object.assign(
        pagination,
        await pageTotal(
          db,
          rt.id,
          ent,
          opts.filter,
          walkIndexes(rt.id, rt.model, db.dialect, ent.name, grownTypes(db, rt.id)),
          !opts.cursor && !q.offset,
          rows.length,
          more,
        ),
      );
    if (opts.include !== undefined) {
      // Includes read the reference fields, so they are attached before the projection.
      await attachIncludes(db, db.dialect, rt.id, rt.model, ent, data, opts.include);
      await guardRelated(this.ctx, actor, rt, data);
      if (fields) for (const r of data) r.data = visibleData(ent, r.data, fields);
    }
    return { data: rights.hidden.size ? data.map((r) => stripRecord(rights, r)) : data, pagination };
  }

  /** Count, sum, avg, min, max with an optional filter and group (see aggregate.ts). */
  async aggregate(app: string, entity: string, opts: AggregateRequest, actor?: Actor): Promise<AggregateResult> {
    if (!actor?.grant) return aggregateEntities(this.ctx, app, entity, opts);
    const rt = await this.ctx.apps.runtime(app);
    const ent = entityOf(rt, entity);
    const rights = await rightsFor(this.ctx, actor, rt, ent, "list");
    const req = (isPlainObject(opts) ? opts : {}) as AggregateRequest & { groupBy?: unknown; aggregates?: { field?: unknown }[] };
    const used = [
      ...filterNames(ent, req.filter),
      ...(Array.isArray(req.aggregates) ? req.aggregates.map((a) => (isPlainObject(a) ? a.field : undefined)) : []),
      isPlainObject(req.groupBy) ? req.groupBy.field : req.groupBy,
    ].filter((n): n is string => typeof n === "string");
    await refuseHidden(this.ctx, actor, rt, ent, "list", rights, used, "a filter, aggregate or group");
    return aggregateEntities(this.ctx, app, entity, rights.filter === undefined ? req : { ...req, filter: withinRows(rights, req.filter) });
  }

  /** Run before-hooks; a handler may replace the data (re-validated here) or throw to veto. */
  private async before(
    name: EntityEvent["event"],
    app: string,
    ent: CompiledEntity,
    data: Data,
    actor: Actor,
    id: string | undefined,
    previous: Data | undefined,
    now: string,
    stored?: Data,
  ): Promise<Data> {
    if (!this.hooks.wants(name, { app, entity: ent.name, event: name, data, actor })) return data;
    const event: EntityEvent = { app, entity: ent.name, event: name, id, data: visibleData(ent, data), previous, actor };
    const seen = event.data;
    await this.hooks.run(name, event);
    if (name === "beforeDelete" || (event.data === seen && jsonEqual(event.data, visibleData(ent, data)))) return data;
    const hidden = hiddenValues(ent, stored ?? data);
    return { ...hidden, ...valid(normaliseData(ent, event.data, undefined, false, now, false), "data from a before-hook") };
  }

  private async after(name: EntityEvent["event"], app: string, ent: CompiledEntity, rec: EntityRecord, actor: Actor, previous?: Data) {
    const op = name === "afterCreate" ? "create" : name === "afterUpdate" ? "update" : "delete";
    await this.ctx.events.notify(
      "entityChanged",
      { app, entity: ent.name, id: rec.id, op, version: rec.version, data: rec.data, previous, createdAt: rec.createdAt, updatedAt: rec.updatedAt },
      logAfterError,
    );
    const event: EntityEvent = { app, entity: ent.name, event: name, id: rec.id, data: rec.data, previous, actor };
    if (this.hooks.wants(name, event)) await this.hooks.notify(name, event, logAfterError);
  }
}

/**
 * `total` and `totalExact` of a page (store/entities/count.ts). A first page that holds
 * every match is its own exact total; an estimate is never below what the page shows.
 */
async function pageTotal(
  db: Driver,
  appId: number,
  ent: CompiledEntity,
  filter: unknown,
  indexes: ReadonlyMap<string, string>,
  first: boolean,
  shown: number,
  more: boolean,
) {
  if (first && !more) return { total: shown, totalExact: true };
  const t = await countEntities(db, db.dialect, appId, ent, filter, indexes);
  return { total: t.exact || !first ? t.total : Math.max(t.total, shown + (more ? 1 : 0)), totalExact: t.exact };
}

/**
 * The record of a cached row, built once per row and model version. Callers get the
 * same frozen object, so a hot read allocates nothing; anything that adds to a record
 * (include) builds its own.
 */
function sharedRecord(ent: CompiledEntity, row: EntityRow & { memo?: { ent: CompiledEntity; rec: EntityRecord } }): EntityRecord {
  if (row.memo?.ent === ent) return row.memo.rec;
  const rec = deepFreeze(toRecord(ent, row));
  row.memo = { ent, rec };
  return rec;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** A unique index the field checks did not cover (a composite one) still answers as a validation error. */
async function uniqueGuard<T>(write: () => Promise<T>, d: Dialect, rt: AppRuntime, ent: CompiledEntity, id: string): Promise<T> {
  try {
    return await write();
  } catch (e) {
    const err = constraintError(e as Error, d, rt.id, rt.model, ent, undefined, id);
    throw err === e
      ? e
      : new TorqueError(
          "validation",
          err.message.replace(/^invalid [^:]*: /, "invalid data: "),
          ((err as TorqueError).data as Issue[]).map(({ row: _row, ...i }) => i),
        );
  }
}

/**
 * One page through the planner (store/entities/planner.ts). While a bulk load has an
 * index dropped (rebuilt when it ends), the plain query answers instead; so does a page
 * with an offset (the planner pages by keyset only).
 */
async function plannedPage(
  db: Driver,
  rt: AppRuntime,
  ent: CompiledEntity,
  q: PageQuery,
  opts: QueryOptions,
): Promise<{ rows: PageRow[]; more: boolean; resume?: unknown[] }> {
  if (q.offset > 0) return readOffsetPage(db, q);
  // The hand planner is SQLite's (it walks SQLite's indexes); PostgreSQL plans the plain query itself.
  if (db.dialect.name === "sqlite")
    try {
      return await runPlan(db, {
        appId: rt.id,
        ent,
        d: db.dialect,
        keys: q.keys,
        filter: parseFilter(ent, opts.filter),
        after: cursorValues(q.keys, opts.cursor),
        limit: q.limit,
        indexes: walkIndexes(rt.id, rt.model, db.dialect, ent.name, grownTypes(db, rt.id)),
      });
    } catch (e) {
      if (!/no such index/.test((e as Error).message)) throw e;
    }
  return readPlainPage(db, q, walkIndexes(rt.id, rt.model, db.dialect, ent.name, grownTypes(db, rt.id)).has(q.keys[0]!.col.name));
}

/** The refusal of a write outside the actor's row filter. */
const outsideRows = (actor: Actor, ent: CompiledEntity, op: string) =>
  forbidden(`${actor.grant?.user} (${actor.grant?.role}) may ${op} only ${ent.name} records within its permission's row filter`);

const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const sortNames = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((k) => (isPlainObject(k) ? k.field : undefined)).filter((x): x is string => typeof x === "string") : [];

function valid(r: { data: Data; issues: import("../../lib/errors").Issue[] }, what = "data"): Data {
  if (r.issues.length) throw validationError(r.issues, what);
  return r.data;
}

function checkVersion(ent: CompiledEntity, id: string, current: number, expected: number | undefined) {
  if (expected !== undefined && (typeof expected !== "number" || !Number.isInteger(expected)))
    throw validationError([{ field: "expectedVersion", rule: "type", message: "expectedVersion must be a whole number" }], "request");
  if (expected === undefined || expected === current) return;
  throw conflict(`${ent.name} ${id} is at version ${current}, not ${expected}: it was changed meanwhile; reload and retry`, {
    rule: "version",
    currentVersion: current,
    expectedVersion: expected,
  });
}

/**
 * Apply what an update changed (from `read` to `wrote`, hook rewrites included) onto the
 * newer `current` data: changed fields take the update's values, the rest stay current.
 * Every value involved was valid, and required fields are present in both, so the result is too.
 */
function rebase(read: Data, wrote: Data, current: Data): Data {
  const out: Data = { ...current };
  for (const k of new Set([...Object.keys(read), ...Object.keys(wrote)])) {
    const before = Object.hasOwn(read, k) ? read[k] : undefined,
      after = Object.hasOwn(wrote, k) ? wrote[k] : undefined; // a field may be named "constructor"
    if (jsonEqual(before, after)) continue;
    if (after === undefined) delete out[k];
    else out[k] = after;
  }
  return out;
}

/** Stored values of fields no longer in the model: kept on every write until purged. */
function hiddenValues(ent: CompiledEntity, stored: Data): Data {
  const out: Data = {};
  for (const [k, v] of Object.entries(stored)) if (!ent.fields.has(k)) out[k] = v;
  return out;
}

// Permissions applied by the entity engine: each operation asks access/policy.ts for the
// actor's rights, audits a refusal, and keeps to what the rights allow: the row filter
// (ANDed into queries, tested on single records) and hidden fields (never returned,
// filtered, sorted, grouped, searched or written).

import { forbidden, TorqueError } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import type { CompiledEntity } from "../../model/compile";
import { SEARCH_KEY, searchedFields } from "../../model/filter/grammar";
import { matches } from "../../model/filter/match";
import { type EntityOp, type EntityRights, entityRights } from "../access/policy";
import type { Actor } from "../actor";
import type { AppRuntime } from "../apps";
import { auditDenial } from "../audit";
import type { EntityContext } from "./context";
import type { Data } from "./data";
import type { EntityRecord } from "./types";

/** The actor's rights for `op`, or the refusal, audited. */
export async function rightsFor(
  ctx: EntityContext,
  actor: Actor | undefined,
  rt: AppRuntime,
  ent: CompiledEntity,
  op: EntityOp,
  id?: string,
): Promise<EntityRights> {
  if (!actor?.grant) return entityRights({ kind: "system" }, rt.slug, ent, op);
  try {
    return entityRights(actor, rt.slug, ent, op);
  } catch (e) {
    return deny(ctx, actor, rt, ent, op, e, id);
  }
}

/** Audit a refusal of `op` and throw it. */
export function deny(ctx: EntityContext, actor: Actor, rt: AppRuntime, ent: CompiledEntity, op: EntityOp, e: unknown, id?: string): Promise<never> {
  if (!(e instanceof TorqueError) || e.code !== "forbidden") throw e;
  return auditDenial(ctx.db, actor, { action: `entity.${op}`, appId: rt.id, entityType: ent.name, entityId: id ?? null }, e);
}

/** Refuse (audited) when a request names a hidden field: in data, a filter, a sort, a projection, an include or a group. */
export async function refuseHidden(
  ctx: EntityContext,
  actor: Actor | undefined,
  rt: AppRuntime,
  ent: CompiledEntity,
  op: EntityOp,
  rights: EntityRights,
  names: Iterable<string>,
  where: string,
): Promise<void> {
  if (!rights.hidden.size || !actor) return;
  for (const n of names)
    if (rights.hidden.has(n))
      await deny(
        ctx,
        actor,
        rt,
        ent,
        op,
        forbidden(`${ent.name}.${n} is hidden from ${actor.grant?.user} (${actor.grant?.role}); it cannot be used in ${where}`),
      );
}

/** Field names a filter reads (every level); `$search` reads every text-like field. */
export function filterNames(ent: CompiledEntity, filter: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 64 || !isPlainObject(filter)) return out;
  for (const [k, v] of Object.entries(filter)) {
    if (k === "and" || k === "or") for (const x of Array.isArray(v) ? v : []) filterNames(ent, x, out, depth + 1);
    else if (k === "not") filterNames(ent, v, out, depth + 1);
    else if (k === SEARCH_KEY) for (const f of searchedFields(ent)) out.add(f.name);
    else out.add(k);
  }
  return out;
}

/** A query's filter within the rights' row filter. */
export function withinRows(rights: EntityRights, filter: unknown): unknown {
  if (rights.filter === undefined) return filter;
  return filter === undefined || filter === null ? rights.filter : { and: [rights.filter, filter] };
}

/** Whether a record (stored data) lies within the rights' row filter. */
export function inRows(rights: EntityRights, id: string, data: Data, createdAt?: string, updatedAt?: string): boolean {
  return !rights.node || matches(rights.node, { id, data, createdAt, updatedAt });
}

/** A record without its hidden fields (a copy; the original may be a shared frozen one). */
export function stripRecord(rights: EntityRights, rec: EntityRecord): EntityRecord {
  if (!rights.hidden.size) return rec;
  const data: Data = {};
  for (const [k, v] of Object.entries(rec.data)) if (!rights.hidden.has(k)) data[k] = v;
  return { ...rec, data };
}

/**
 * Related records attached by `include`, each kept to the actor's list rights on its own
 * type: outside the row filter it is left out (null for a single reference), hidden
 * fields are dropped, and a type the actor may not list at all is refused.
 */
export async function guardRelated(ctx: EntityContext, actor: Actor | undefined, rt: AppRuntime, records: EntityRecord[]): Promise<void> {
  if (!actor?.grant) return;
  const rightsOf = new Map<string, EntityRights>();
  const keep = async (r: EntityRecord): Promise<EntityRecord | null> => {
    let rights = rightsOf.get(r.entity);
    if (!rights) rightsOf.set(r.entity, (rights = await rightsFor(ctx, actor, rt, rt.model.entities.get(r.entity)!, "list")));
    return inRows(rights, r.id, r.data, r.createdAt, r.updatedAt) ? stripRecord(rights, r) : null;
  };
  for (const rec of records) {
    if (!rec.related) continue;
    for (const [name, v] of Object.entries(rec.related)) {
      if (v === null) continue;
      if (Array.isArray(v)) {
        const kept: EntityRecord[] = [];
        for (const r of v) {
          const k = await keep(r);
          if (k) kept.push(k);
        }
        rec.related[name] = kept;
      } else rec.related[name] = await keep(v);
    }
  }
}

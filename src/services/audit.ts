// The audit log: every change, by whom, when, with the value before and after. Written in
// the same transaction as the change it describes, so neither exists without the other.
import { type AuditRow, auditRows, insertAudit, insertAudits } from "../store/audit";
import type { Queryable } from "../store/driver";
import type { Actor } from "./actor";

export interface AuditEntry {
  action: string; // entity.create, entity.update, entity.delete, model.save, app.create, …
  appId?: number | null;
  modelId?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: string;
  actor: Actor;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

const row = (actor: Actor, e: AuditEntry, at: string): Omit<AuditRow, "id"> => ({
  at,
  actor_kind: actor.kind,
  actor_id: actor.id ?? null,
  action: e.action,
  app_id: e.appId ?? null,
  model_id: e.modelId ?? null,
  entity_type: e.entityType ?? null,
  entity_id: e.entityId ?? null,
  before: json(e.before),
  after: json(e.after),
});

export async function writeAudit(tx: Queryable, actor: Actor, e: AuditEntry, at = new Date().toISOString()): Promise<void> {
  await insertAudit(tx, row(actor, e, at));
}

/** Entries of one actor at one time (a bulk load), written together. */
export async function writeAudits(tx: Queryable, actor: Actor, entries: readonly AuditEntry[], at = new Date().toISOString()): Promise<void> {
  await insertAudits(
    tx,
    entries.map((e) => row(actor, e, at)),
  );
}

/** Entries of several actors and times (a batch of single creates), written together. */
export async function writeAuditsOf(tx: Queryable, entries: readonly { actor: Actor; entry: AuditEntry; at: string }[]): Promise<void> {
  if (entries.length)
    await insertAudits(
      tx,
      entries.map((e) => row(e.actor, e.entry, e.at)),
    );
}

/** Most recent entries first; filtered by entity id or app. */
export async function readAudit(db: Queryable, opts: { entityId?: string; appId?: number; limit?: number } = {}): Promise<AuditRecord[]> {
  const rows = await auditRows(db, { entityId: opts.entityId, appId: opts.appId, limit: Math.min(opts.limit ?? 100, 1000) });
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: { kind: r.actor_kind as Actor["kind"], ...(r.actor_id && { id: r.actor_id }) },
    action: r.action,
    appId: r.app_id,
    modelId: r.model_id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before === null ? undefined : JSON.parse(r.before),
    after: r.after === null ? undefined : JSON.parse(r.after),
  }));
}

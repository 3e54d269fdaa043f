// The audit log: every change, by whom, when, with the value before and after. Written in
// the same transaction as the change it describes, so neither exists without the other.
import type { Driver, Param, Queryable } from "../store/driver";
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

export async function writeAudit(tx: Queryable, actor: Actor, e: AuditEntry, at = new Date().toISOString()): Promise<void> {
  const params: Param[] = [
    at,
    actor.kind,
    actor.id ?? null,
    e.action,
    e.appId ?? null,
    e.modelId ?? null,
    e.entityType ?? null,
    e.entityId ?? null,
    json(e.before),
    json(e.after),
  ];
  await tx.run(
    "INSERT INTO audit_log (at, actor_kind, actor_id, action, app_id, model_id, entity_type, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    params,
  );
}

interface AuditRow {
  id: number;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  app_id: number | null;
  model_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  before: string | null;
  after: string | null;
}

/** Most recent entries first; filtered by entity id or app. */
export async function readAudit(db: Driver, opts: { entityId?: string; appId?: number; limit?: number } = {}): Promise<AuditRecord[]> {
  const where: string[] = [],
    params: Param[] = [];
  if (opts.entityId) {
    where.push("entity_id = ?");
    params.push(opts.entityId);
  }
  if (opts.appId !== undefined) {
    where.push("app_id = ?");
    params.push(opts.appId);
  }
  params.push(Math.min(opts.limit ?? 100, 1000));
  const rows = await db.all<AuditRow>(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`, params);
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

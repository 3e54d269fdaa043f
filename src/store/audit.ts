// SQL for the audit log (table audit_log): rows are only ever added, in the writer's
// transaction, and read newest first.

import type { Param, Queryable } from "./driver";

export interface AuditRow {
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

export async function insertAudit(q: Queryable, row: Omit<AuditRow, "id">): Promise<void> {
  const params: Param[] = [row.at, row.actor_kind, row.actor_id, row.action, row.app_id, row.model_id, row.entity_type, row.entity_id, row.before, row.after];
  await q.run(
    "INSERT INTO audit_log (at, actor_kind, actor_id, action, app_id, model_id, entity_type, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    params,
  );
}

/** Newest first, of one entity and/or one app when given. */
export async function auditRows(q: Queryable, opts: { entityId?: string; appId?: number; limit: number }): Promise<AuditRow[]> {
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
  params.push(opts.limit);
  return q.all<AuditRow>(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`, params);
}

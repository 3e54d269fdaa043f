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

const values = (row: Omit<AuditRow, "id">): Param[] => [
  row.at,
  row.actor_kind,
  row.actor_id,
  row.action,
  row.app_id,
  row.model_id,
  row.entity_type,
  row.entity_id,
  row.before,
  row.after,
];
const INSERT = "INSERT INTO audit_log (at, actor_kind, actor_id, action, app_id, model_id, entity_type, entity_id, before, after) VALUES ";
const PLACES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

export async function insertAudit(q: Queryable, row: Omit<AuditRow, "id">): Promise<void> {
  await q.run(INSERT + PLACES, values(row));
}

/** Rows per INSERT of insertAudits: 10 parameters each, far below PostgreSQL's 65,535 (and SQLite's 32,766). */
const CHUNK = 500;

/**
 * Many entries in order, a few statements for all (a bulk load's entries: a round trip
 * each is PostgreSQL's cost, where each chunk goes as one JSON parameter the server unpacks).
 */
export async function insertAudits(q: Queryable, rows: readonly Omit<AuditRow, "id">[]): Promise<void> {
  const pg = q.dialect.name === "postgres";
  const size = pg ? 5000 : CHUNK;
  for (let at = 0; at < rows.length; at += size) {
    const chunk = rows.slice(at, at + size);
    if (pg)
      await q.run(
        `INSERT INTO audit_log (at, actor_kind, actor_id, action, app_id, model_id, entity_type, entity_id, before, after)
         SELECT r.at, r.actor_kind, r.actor_id, r.action, r.app_id, r.model_id, r.entity_type, r.entity_id, r.before, r.after
         FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (at text, actor_kind text, actor_id text, action text, app_id integer, model_id text, entity_type text, entity_id text, before text, after text)) WITH ORDINALITY AS r(at, actor_kind, actor_id, action, app_id, model_id, entity_type, entity_id, before, after, n)
         ORDER BY n`,
        [JSON.stringify(chunk)],
      );
    else await q.run(INSERT + chunk.map(() => PLACES).join(", "), chunk.flatMap(values));
  }
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

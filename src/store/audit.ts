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
  door: string | null;
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
  row.door,
];
const INSERT = "INSERT INTO audit_log (at, actor_kind, actor_id, action, app_id, model_id, entity_type, entity_id, before, after, door) VALUES ";
const PLACES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

export async function insertAudit(q: Queryable, row: Omit<AuditRow, "id">): Promise<void> {
  await q.run(INSERT + PLACES, values(row));
}

/** Rows per INSERT of insertAudits: 11 parameters each, far below PostgreSQL's 65,535 (and SQLite's 32,766). */
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
        `INSERT INTO audit_log (at, actor_kind, actor_id, action, app_id, model_id, entity_type, entity_id, before, after, door)
         SELECT r.at, r.actor_kind, r.actor_id, r.action, r.app_id, r.model_id, r.entity_type, r.entity_id, r.before, r.after, r.door
         FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (at text, actor_kind text, actor_id text, action text, app_id integer, model_id text, entity_type text, entity_id text, before text, after text, door text)) WITH ORDINALITY AS r(at, actor_kind, actor_id, action, app_id, model_id, entity_type, entity_id, before, after, door, n)
         ORDER BY n`,
        [JSON.stringify(chunk)],
      );
    else await q.run(INSERT + chunk.map(() => PLACES).join(", "), chunk.flatMap(values));
  }
}

export interface AuditQuery {
  entityId?: string;
  appId?: number;
  entityType?: string;
  actorKind?: string;
  actorId?: string;
  /** An action, or a prefix of actions ending in "." or "*" ("denied.*", "entity."). */
  action?: string;
  door?: string;
  since?: string;
  until?: string;
  /** Entries with an id below this one (the next page). */
  before?: number;
  limit: number;
}

/** Newest first, narrowed by whichever of the query's conditions are given. */
export async function auditRows(q: Queryable, opts: AuditQuery): Promise<AuditRow[]> {
  const where: string[] = [],
    params: Param[] = [];
  const cond = (sql: string, v: Param | undefined) => {
    if (v === undefined) return;
    where.push(sql);
    params.push(v);
  };
  cond("entity_id = ?", opts.entityId);
  cond("app_id = ?", opts.appId);
  cond("entity_type = ?", opts.entityType);
  cond("actor_kind = ?", opts.actorKind);
  cond("actor_id = ?", opts.actorId);
  cond("door = ?", opts.door);
  cond("at >= ?", opts.since);
  cond("at < ?", opts.until);
  cond("id < ?", opts.before);
  if (opts.action !== undefined) {
    const prefix = opts.action.endsWith("*") ? opts.action.slice(0, -1) : opts.action.endsWith(".") ? opts.action : undefined;
    if (prefix === undefined) cond("action = ?", opts.action);
    else {
      where.push("substr(action, 1, ?) = ?");
      params.push(prefix.length, prefix);
    }
  }
  params.push(opts.limit);
  return q.all<AuditRow>(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`, params);
}

/** Delete entries older than `before` (retention); returns how many went. */
export async function pruneAudit(q: Queryable, before: string): Promise<number> {
  return (await q.run("DELETE FROM audit_log WHERE at < ?", [before])).changes;
}

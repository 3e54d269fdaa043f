// The audit log: every change, by whom, when, with the value before and after. Written in
// the same transaction as the change it describes, so neither exists without the other.
import { type AuditQuery, type AuditRow, auditRows, insertAudit, insertAudits, pruneAudit } from "../store/audit";
import type { Driver, Queryable } from "../store/driver";
import { readSetting, writeSetting } from "../store/users";
import type { Actor, Door } from "./actor";

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
  door?: Door;
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
  door: actor.door ?? null,
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

/** Most recent entries first, narrowed by the query (see store/audit.ts); at most 1,000. */
export async function readAudit(db: Queryable, opts: Partial<AuditQuery> = {}): Promise<AuditRecord[]> {
  const rows = await auditRows(db, { ...opts, limit: Math.min(opts.limit ?? 100, 1000) });
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: { kind: r.actor_kind as Actor["kind"], ...(r.actor_id && { id: r.actor_id }) },
    ...(r.door && { door: r.door as Door }),
    action: r.action,
    appId: r.app_id,
    modelId: r.model_id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before === null ? undefined : JSON.parse(r.before),
    after: r.after === null ? undefined : JSON.parse(r.after),
  }));
}

/**
 * A refused attempt, written on its own (nothing else is written): `denied.<action>`
 * with the reason. Then the refusal is thrown on to the caller.
 */
export async function auditDenial(db: Driver, actor: Actor, e: AuditEntry, error: Error): Promise<never> {
  await db.transaction((tx) => writeAudit(tx, actor, { ...e, action: `denied.${e.action}`, after: { reason: error.message } }));
  throw error;
}

const RETENTION_KEY = "audit.retentionDays";

/** Days audit entries are kept (undefined: for ever). */
export async function auditRetention(db: Queryable): Promise<number | undefined> {
  const v = await readSetting(db, RETENTION_KEY);
  return v === undefined ? undefined : Number(v);
}

export async function setAuditRetention(db: Driver, days: number | null): Promise<void> {
  await db.transaction((tx) => writeSetting(tx, RETENTION_KEY, days === null ? null : String(days)));
}

/** Delete entries older than the retention (none when unset); returns how many went. */
export async function applyAuditRetention(db: Driver, now = Date.now()): Promise<number> {
  const days = await auditRetention(db);
  if (days === undefined) return 0;
  const before = new Date(now - days * 86_400_000).toISOString();
  return db.transaction((tx) => pruneAudit(tx, before));
}

// The audit log as the doors see it (GraphQL, the command line, MCP): read by admins,
// narrowed by app, entity, actor, action, door and time, with its retention setting.
import { badRequest } from "../lib/errors";
import type { Driver } from "../store/driver";
import { mustHave } from "./access/deny";
import type { Actor } from "./actor";
import { type AuditRecord, applyAuditRetention, auditRetention, readAudit, setAuditRetention, writeAudit } from "./audit";
import { LIMITS, wholeNumber } from "./limits";

export interface AuditFilter {
  app?: string;
  entityType?: string;
  entityId?: string;
  /** "user", "token:<id>…", "agent:claude": a kind, or a kind and an id. */
  actor?: string;
  action?: string;
  door?: string;
  since?: string;
  until?: string;
  before?: number;
  limit?: number;
}

/** The audit log as the doors see it: read by admins, with its retention. */
export class AuditLog {
  constructor(
    private readonly db: Driver,
    private readonly appId: (slug: string) => Promise<number>,
  ) {}

  async query(f: AuditFilter, actor: Actor): Promise<AuditRecord[]> {
    await mustHave(this.db, actor, "admin", "read the audit log", { action: "audit.read" });
    const [kind, ...id] = (f.actor ?? "").split(":");
    for (const [name, v] of [
      ["since", f.since],
      ["until", f.until],
    ] as const)
      if (v !== undefined && Number.isNaN(Date.parse(v))) throw badRequest(`${name} must be a date or time (ISO 8601), not "${v}"`);
    return readAudit(this.db, {
      ...(f.app !== undefined && { appId: await this.appId(f.app) }),
      entityType: f.entityType,
      entityId: f.entityId,
      actorKind: kind || undefined,
      actorId: id.length ? id.join(":") : undefined,
      action: f.action,
      door: f.door,
      since: f.since && new Date(f.since).toISOString(),
      until: f.until && new Date(f.until).toISOString(),
      before: f.before,
      limit: wholeNumber("limit", f.limit, LIMITS.auditEntries),
    });
  }

  async retention(actor: Actor): Promise<number | undefined> {
    await mustHave(this.db, actor, "admin", "read the audit settings", { action: "audit.read" });
    return auditRetention(this.db);
  }

  /** Keep entries this many days (null: for ever); entries older go now and then daily. */
  async setRetention(days: number | null, actor: Actor): Promise<number> {
    await mustHave(this.db, actor, "admin", "change the audit retention", { action: "audit.retention" });
    if (days !== null) wholeNumber("days", days, LIMITS.auditRetentionDays);
    const before = await auditRetention(this.db);
    await setAuditRetention(this.db, days);
    await this.db.transaction((tx) => writeAudit(tx, actor, { action: "audit.retention", before: { days: before ?? null }, after: { days } }));
    return applyAuditRetention(this.db);
  }

  /** Apply the retention now; returns how many entries went. */
  prune(): Promise<number> {
    return applyAuditRetention(this.db);
  }
}

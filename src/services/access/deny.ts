// Refusals recorded: a rights check whose refusal goes to the audit log (denied.<action>,
// with the reason) before it reaches the caller. Trusted actors are never refused.

import { TorqueError } from "../../lib/errors";
import type { Role } from "../../model/schema";
import type { Driver } from "../../store/driver";
import type { Actor } from "../actor";
import { type AuditEntry, auditDenial } from "../audit";
import { requireApp, requireRole } from "./policy";

/** Run a check; a forbidden refusal is audited as `denied.<entry.action>` and thrown on. */
export async function audited(db: Driver, actor: Actor, entry: AuditEntry, check: () => void): Promise<void> {
  if (!actor.grant) return;
  try {
    check();
  } catch (e) {
    if (e instanceof TorqueError && e.code === "forbidden") await auditDenial(db, actor, entry, e);
    throw e;
  }
}

/** requireRole, audited. */
export const mustHave = (db: Driver, actor: Actor, min: Role, what: string, entry: AuditEntry): Promise<void> =>
  audited(db, actor, entry, () => requireRole(actor, min, what));

/** requireApp, audited. */
export const mustReach = (db: Driver, actor: Actor, app: string, entry: AuditEntry): Promise<void> => audited(db, actor, entry, () => requireApp(actor, app));

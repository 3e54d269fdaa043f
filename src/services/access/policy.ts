// The one decision point for authorization. Every door reaches data through the services,
// and the services ask here: may this actor do this operation on this app's entity type,
// and if so within which rows (a row filter) and without which fields (hidden)? Pure: the
// caller audits a refusal (access/deny.ts).
//
// Roles are ranked viewer < editor < admin. Without `permissions` in the model an editor
// may do everything with records and a viewer may list and read. A permission names the
// lowest role it grants (higher roles get it too), optionally with a row filter; admin
// always may. Hidden fields are per role and not inherited.

import { forbidden } from "../../lib/errors";
import type { CompiledEntity } from "../../model/compile";
import type { FilterNode } from "../../model/filter/ast";
import { userFilter, withUser } from "../../model/filter/user";
import type { Role } from "../../model/schema";
import type { Actor, Grant } from "../actor";

export type EntityOp = "list" | "read" | "create" | "update" | "delete";

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
const DEFAULT_OPS: Record<Role, ReadonlySet<EntityOp>> = {
  admin: new Set(["list", "read", "create", "update", "delete"]),
  editor: new Set(["list", "read", "create", "update", "delete"]),
  viewer: new Set(["list", "read"]),
};

/** What an allowed operation is bound by: records must match `filter` (when set), and `hidden` fields are out of reach. */
export interface EntityRights {
  /** The row filter as the filter language has it ("$user" replaced), to AND into a query. */
  filter?: unknown;
  /** The same, parsed: to test one record in memory. */
  node?: FilterNode;
  hidden: ReadonlySet<string>;
}

const UNBOUND: EntityRights = Object.freeze({ hidden: new Set<string>() });

export const atLeast = (role: Role, min: Role): boolean => RANK[role] >= RANK[min];

/** Refuse unless the actor has at least `min` (trusted actors always have). */
export function requireRole(actor: Actor, min: Role, what: string): void {
  const g = actor.grant;
  if (g && !atLeast(g.role, min)) throw forbidden(`${who(g)} may not ${what}; it takes the ${min} role`);
}

/** Refuse when the actor's token is limited to other apps. */
export function requireApp(actor: Actor, app: string): void {
  const apps = actor.grant?.apps;
  if (apps && !apps.includes(app)) throw forbidden(`this token is limited to the app${apps.length > 1 ? "s" : ""} ${apps.join(", ")}; it may not reach ${app}`);
}

/** Whether the actor may see an app at all (lists of apps leave the others out). */
export const seesApp = (actor: Actor, app: string): boolean => !actor.grant?.apps || actor.grant.apps.includes(app);

/** Fields hidden from the actor's role (none for trusted actors and admins). */
export function hiddenFields(actor: Actor | undefined, ent: CompiledEntity): ReadonlySet<string> {
  const role = actor?.grant?.role;
  return new Set(role && role !== "admin" ? (ent.def.permissions?.hidden?.[role] ?? []) : []);
}

const cache = new WeakMap<CompiledEntity, Map<string, EntityRights | string>>();

/**
 * The rights of an actor for one operation on an entity type of an app, or a refusal
 * (TorqueError forbidden). Cached per compiled entity (a model change compiles anew), role,
 * user and operation.
 */
export function entityRights(actor: Actor, app: string, ent: CompiledEntity, op: EntityOp): EntityRights {
  const g = actor.grant;
  if (!g) return UNBOUND;
  requireApp(actor, app);
  let byKey = cache.get(ent);
  if (!byKey) cache.set(ent, (byKey = new Map()));
  const key = `${op}\u0000${g.role}\u0000${g.user}`;
  let r = byKey.get(key);
  if (r === undefined) {
    r = decide(g, ent, op);
    byKey.set(key, r);
  }
  if (typeof r === "string") throw forbidden(r);
  return r;
}

function decide(g: Grant, ent: CompiledEntity, op: EntityOp): EntityRights | string {
  const perms = ent.def.permissions;
  if (g.role === "admin") return UNBOUND;
  const hidden = new Set(perms?.hidden?.[g.role] ?? []);
  const rules = perms?.[op] ?? (op === "list" ? perms?.read : undefined);
  const refusal = `${who(g)} may not ${VERB[op]} ${ent.name} records`;
  if (!rules) return DEFAULT_OPS[g.role].has(op) ? { hidden } : refusal;
  const mine = rules.filter((rule) => atLeast(g.role, typeof rule === "string" ? rule : rule.role));
  if (!mine.length) return refusal;
  if (mine.some((rule) => typeof rule === "string")) return { hidden };
  const filters = mine.map((rule) => withUser((rule as { filter: unknown }).filter, g.user));
  const filter = filters.length === 1 ? filters[0] : { or: filters };
  const { node } = userFilter(ent, filter, g.user);
  // The model validator checked the filter; one that no longer parses (a field removed since) grants nothing.
  if (!node) return `${refusal}: the permission's row filter no longer fits the model`;
  return { filter, node, hidden };
}

const VERB: Record<EntityOp, string> = { list: "list", read: "read", create: "create", update: "update", delete: "delete" };

const who = (g: Grant): string => `${g.user} (${g.role})`;

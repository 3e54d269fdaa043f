// Who is acting: recorded in the audit log, and checked by permissions (services/access).
import type { Role } from "../model/schema";

export type { Role };
export type ActorKind = "cli" | "user" | "token" | "agent" | "workflow" | "system";

/** The door a request came through, recorded with each audit entry. */
export type Door = "cli" | "rpc" | "ws" | "graphql" | "mcp" | "webhook" | "schedule" | "workflow" | "http";

/**
 * The rights a signed-in user or a token brings: its role, the user whose rights they are
 * (`$user` in row filters) and, for a token, the apps it is limited to. An actor without a
 * grant is trusted with everything: the process itself, the command line (which opens the
 * database file directly), and the local user of a server on the loopback before any user
 * exists (SPEC §10). Doors that authenticate always attach one.
 */
export interface Grant {
  role: Role;
  user: string;
  apps?: readonly string[];
}

export interface Actor {
  kind: ActorKind;
  id?: string;
  door?: Door;
  grant?: Grant;
  /** For workflows: how many flows deep this write is (a flow's writes can trigger flows). */
  depth?: number;
}
export const systemActor: Actor = { kind: "system" };
export const cliActor: Actor = { kind: "cli", id: process.env.USER ?? undefined, door: "cli" };
export const actorLabel = (a: Actor): string => (a.id ? `${a.kind}:${a.id}` : a.kind);

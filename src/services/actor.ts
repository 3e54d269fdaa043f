// Who is acting: recorded in the audit log and, once users exist, checked by permissions.
export type ActorKind = "cli" | "user" | "token" | "agent" | "workflow" | "system";
export interface Actor {
  kind: ActorKind;
  id?: string;
  /** For workflows: how many flows deep this write is (a flow's writes can trigger flows). */
  depth?: number;
}
export const systemActor: Actor = { kind: "system" };
export const cliActor: Actor = { kind: "cli", id: process.env.USER ?? undefined };
export const actorLabel = (a: Actor): string => (a.id ? `${a.kind}:${a.id}` : a.kind);

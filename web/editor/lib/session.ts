// The editor's view of who is signed in (web/auth/session.ts), as a React hook, and
// what the session may do: only an admin (or the local user of a server without users)
// changes models; everyone signed in may look at them.
import { useSyncExternalStore } from "react";
import { currentSession, onSessionChange, type Role, type Session } from "../../auth/session";
import type { MessageKey } from "./i18n";

export function useSession(): Session {
  return useSyncExternalStore(onSessionChange, currentSession);
}

/** Whether the session may change models and create apps (the server refuses anyone else with FORBIDDEN). */
export const canDesign = (s: Session): boolean => s.status === "open" || (s.status === "signedIn" && s.user.role === "admin");

export const ROLE_LABEL: Record<Role, MessageKey> = { admin: "roleAdmin", editor: "roleEditor", viewer: "roleViewer" };

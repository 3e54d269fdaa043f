// The runtime's view of who is signed in (web/auth/session.ts) as a Solid signal.
import { createSignal } from "solid-js";
import { currentSession, onSessionChange, type Session } from "../../auth/session";

const [session, setSession] = createSignal<Session>(currentSession());
onSessionChange(() => setSession(currentSession()));

export { session };

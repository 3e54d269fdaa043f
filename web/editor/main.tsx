/** @jsxImportSource react */
// The Model Editor's entry: Mantine's styles, the session asked for (web/auth/session.ts),
// the model asked for at once when the address names one (lib/opening.ts), then the app.
import "@mantine/core/styles.css";
import { createRoot } from "react-dom/client";
import { checkSession } from "../auth/session";
import { openEarly } from "./lib/opening";
import { App } from "./shell/App";

void checkSession();
openEarly();
createRoot(document.getElementById("root")!).render(<App />);

/** @jsxImportSource react */
// The Model Editor's entry: Mantine's styles, then the app.
import "@mantine/core/styles.css";
import { createRoot } from "react-dom/client";
import { App } from "./shell/App";

createRoot(document.getElementById("root")!).render(<App />);

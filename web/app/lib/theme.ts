// Light and dark themes: the user's choice (kept in localStorage) or the system's.
import { createSignal } from "solid-js";

export type Theme = "light" | "dark";

const stored = typeof localStorage === "undefined" ? null : localStorage.getItem("torque.theme");
const system = (): Theme => (typeof matchMedia !== "undefined" && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
const [theme, setThemeSignal] = createSignal<Theme>(stored === "dark" || stored === "light" ? stored : system());

export { theme };

export function applyTheme(t: Theme = theme()): void {
  document.documentElement.dataset.theme = t;
}

export function setTheme(t: Theme): void {
  localStorage.setItem("torque.theme", t);
  setThemeSignal(t);
  applyTheme(t);
}

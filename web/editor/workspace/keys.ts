// The workspace's keyboard shortcuts. Undo and redo belong to the model everywhere except
// in a text field, where the browser's own undo of typing keeps working.
import { useEffect } from "react";

export interface ShortcutHandlers {
  undo(): void;
  redo(): void;
  palette(): void;
  shortcuts(): void;
}

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement &&
  (t.isContentEditable || t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && !["checkbox", "radio", "button"].includes((t as HTMLInputElement).type)));

export function useShortcuts(h: ShortcutHandlers): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "k") {
        e.preventDefault();
        h.palette();
      } else if (mod && !e.altKey && (key === "z" || key === "y") && !typing(e.target)) {
        e.preventDefault();
        if (key === "y" || e.shiftKey) h.redo();
        else h.undo();
      } else if (e.key === "?" && !mod && !typing(e.target)) {
        e.preventDefault();
        h.shortcuts();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [h]);
}

/** The shortcut list (shown by "?" and in the palette): keys and a message key. */
export const SHORTCUTS = [
  { keys: ["Mod", "K"], what: "commandPalette" },
  { keys: ["Mod", "Z"], what: "undo" },
  { keys: ["Mod", "Shift", "Z"], what: "redo" },
  { keys: ["Mod", "Y"], what: "redo" },
  { keys: ["?"], what: "shortcuts" },
] as const;

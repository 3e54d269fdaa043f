// The diagram's keys, listed in the shortcut list (palette/) and handled in ErdEditor.
// Keys are written as in workspace/keys.ts: "Mod" is Ctrl, or ⌘ on a Mac.
export const ERD_SHORTCUTS = [
  { keys: ["Tab"], what: "erdKeyFocus" },
  { keys: ["Enter"], what: "erdKeySelect" },
  { keys: ["↑", "↓", "←", "→"], what: "erdKeyMove" },
  { keys: ["Shift", "Click"], what: "erdKeyMultiSelect" },
  { keys: ["Shift", "Drag"], what: "erdKeyBoxSelect" },
  { keys: ["C"], what: "erdKeyConnect" },
  { keys: ["E"], what: "erdKeyEdit" },
  { keys: ["N"], what: "erdKeyAdd" },
  { keys: ["Delete"], what: "erdKeyDelete" },
  { keys: ["L"], what: "erdKeyLayout" },
] as const;

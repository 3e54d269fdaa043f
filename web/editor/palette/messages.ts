// The palette strings of the editor's catalogue (joined in lib/messages.ts): the command
// palette and the keyboard shortcut list.
import { addMessages } from "../lib/messages";

export const paletteEn = {
  paletteSearch: "Search commands, entity types and fields",
  palettePlaceholder: "Type a command or a name…",
  paletteResults: "Commands",
  paletteGroupGeneral: "Commands",
  paletteGroupGoTo: "Go to",
  paletteGroupEntities: "Entity types",
  paletteGroupFields: "Fields",
  paletteGoTo: "Go to {tab}",
  paletteOpenEntity: "Open entity type {name}",
  paletteShowInDiagram: "Show {name} in the diagram",
  paletteOpenField: "Open field {entity}.{field}",
  paletteFieldsOne: "{n} field",
  paletteFieldsOther: "{n} fields",
  paletteAddEntity: "Add entity type…",
  paletteAddEntityHint: "Opens the Entities tab, which has the Add entity type button",
  paletteAppsFailed: "Could not load the apps: {message}",
  paletteNothingFound: "No command matches “{query}”.",
  paletteCountOne: "{n} match",
  paletteCountOther: "{n} matches",
  paletteMore: "Showing {shown} of {total} matches; type more to narrow the list.",
  paletteHint: "↑ ↓ choose · Enter runs · Esc closes",
  paletteShortcutsGeneral: "General",
  paletteShortcutsDiagram: "Diagram",
  paletteKeysColumn: "Keys",
  paletteActionColumn: "Action",
  paletteKeyCtrl: "Ctrl",
  paletteKeyCmd: "Command",
  paletteKeyShift: "Shift",
  paletteKeyEnter: "Enter",
  paletteKeyDelete: "Delete",
  paletteKeyTab: "Tab",
  paletteKeyClick: "click",
  paletteKeyDrag: "drag",
} as const;

// German is loaded only when it is the language chosen (messages.de.ts).
addMessages(paletteEn, () => import("./messages.de"));

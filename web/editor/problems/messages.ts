// The problems strings of the editor's catalogue (joined in lib/messages.ts).
import { addMessages } from "../lib/messages";

export const problemsEn = {
  problemsHeading: "Problems ({n})",
  problemsNone: "The model has no problems.",
  problemsSaved: "Version {n} is saved.",
  problemsSaving: "Unsaved changes are being saved on top of version {n}.",
  problemsOffline: "Unsaved changes are kept in this browser until the server can be reached; version {n} is saved.",
  problemsConflict: "The model was changed elsewhere while changes were unsaved: choose what to keep. Version {n} is saved.",
  problemsIntro:
    "The server refused to save the unsaved changes because of these problems. The changes stay unsaved (and kept in this browser) until the problems are fixed or the changes undone; version {n} is what is saved.",
  problemsUnsaved: "Unsaved changes: {labels}",
  problemsList: "Problems with {place}",
  problemsStale: "This place is no longer in the model: it changed after the problem was found.",
  problemsNoView: "There is no view to open for this place in the editor yet.",
  problemsOpensEntity: "Opens entity type {name}, which it names.",
  problemsNumber: "no. {n}",
  problemsPartModel: "model",
  problemsPartEntity: "entity type {name}",
  problemsPartField: "field {name}",
  problemsPartIndex: "index {name}",
  problemsPartRelationship: "relationship {name}",
  problemsPartPage: "page {name}",
  problemsPartComponent: "component {name}",
  problemsPartNavigation: "navigation entry {name}",
  problemsPartFlow: "flow {name}",
  problemsPartNode: "node {name}",
  problemsPartEdge: "edge {name}",
  problemsPartLayout: "diagram layout",
  problemsPartSettings: "settings",
} as const;

// German is loaded only when it is the language chosen (messages.de.ts).
addMessages(problemsEn, () => import("./messages.de"));

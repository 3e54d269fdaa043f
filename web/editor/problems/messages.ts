// The problems strings of the editor's catalogue (joined in lib/messages.ts).
import { addMessages, type Translation } from "../lib/messages";

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

export const problemsDe: Translation<typeof problemsEn> = {
  problemsHeading: "Probleme ({n})",
  problemsNone: "Das Modell hat keine Probleme.",
  problemsSaved: "Version {n} ist gespeichert.",
  problemsSaving: "Ungespeicherte Änderungen werden auf Version {n} gespeichert.",
  problemsOffline: "Ungespeicherte Änderungen bleiben in diesem Browser, bis der Server erreichbar ist; Version {n} ist gespeichert.",
  problemsConflict: "Das Modell wurde anderswo geändert, während Änderungen ungespeichert waren: wählen Sie, was bleibt. Version {n} ist gespeichert.",
  problemsIntro:
    "Der Server hat die ungespeicherten Änderungen wegen dieser Probleme nicht gespeichert. Die Änderungen bleiben ungespeichert (und in diesem Browser erhalten), bis die Probleme behoben oder die Änderungen rückgängig gemacht sind; gespeichert ist Version {n}.",
  problemsUnsaved: "Ungespeicherte Änderungen: {labels}",
  problemsList: "Probleme bei {place}",
  problemsStale: "Diese Stelle gibt es im Modell nicht mehr: es wurde geändert, nachdem das Problem gefunden wurde.",
  problemsNoView: "Für diese Stelle gibt es im Editor noch keine Ansicht zum Öffnen.",
  problemsOpensEntity: "Öffnet den genannten Entitätstyp {name}.",
  problemsNumber: "Nr. {n}",
  problemsPartModel: "Modell",
  problemsPartEntity: "Entitätstyp {name}",
  problemsPartField: "Feld {name}",
  problemsPartIndex: "Index {name}",
  problemsPartRelationship: "Beziehung {name}",
  problemsPartPage: "Seite {name}",
  problemsPartComponent: "Komponente {name}",
  problemsPartNavigation: "Navigationseintrag {name}",
  problemsPartFlow: "Ablauf {name}",
  problemsPartNode: "Knoten {name}",
  problemsPartEdge: "Kante {name}",
  problemsPartLayout: "Diagrammlayout",
  problemsPartSettings: "Einstellungen",
};

addMessages(problemsEn, problemsDe);

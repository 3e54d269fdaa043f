// The German strings of problems/messages.ts, loaded when German is the language chosen.
import type { Translation } from "../lib/messages";
import type { problemsEn } from "./messages";

const problemsDe: Translation<typeof problemsEn> = {
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

export default problemsDe;

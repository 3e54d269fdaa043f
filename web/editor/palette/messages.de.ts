// The German strings of palette/messages.ts, loaded when German is the language chosen.
import type { Translation } from "../lib/messages";
import type { paletteEn } from "./messages";

const paletteDe: Translation<typeof paletteEn> = {
  paletteSearch: "Befehle, Entitätstypen und Felder durchsuchen",
  palettePlaceholder: "Befehl oder Namen eingeben…",
  paletteResults: "Befehle",
  paletteGroupGeneral: "Befehle",
  paletteGroupGoTo: "Wechseln zu",
  paletteGroupEntities: "Entitätstypen",
  paletteGroupFields: "Felder",
  paletteGoTo: "Zu {tab} wechseln",
  paletteOpenEntity: "Entitätstyp {name} öffnen",
  paletteShowInDiagram: "{name} im Diagramm zeigen",
  paletteOpenField: "Feld {entity}.{field} öffnen",
  paletteFieldsOne: "{n} Feld",
  paletteFieldsOther: "{n} Felder",
  paletteAddEntity: "Entitätstyp hinzufügen…",
  paletteAddEntityHint: "Öffnet den Tab Entitätstypen mit der Schaltfläche zum Hinzufügen",
  paletteAppsFailed: "Die Apps konnten nicht geladen werden: {message}",
  paletteNothingFound: "Kein Befehl passt zu „{query}“.",
  paletteCountOne: "{n} Treffer",
  paletteCountOther: "{n} Treffer",
  paletteMore: "{shown} von {total} Treffern; tippen Sie weiter, um die Liste einzugrenzen.",
  paletteHint: "↑ ↓ wählen · Eingabe führt aus · Esc schließt",
  paletteShortcutsGeneral: "Allgemein",
  paletteShortcutsDiagram: "Diagramm",
  paletteKeysColumn: "Tasten",
  paletteActionColumn: "Aktion",
  paletteKeyCtrl: "Strg",
  paletteKeyCmd: "Befehlstaste",
  paletteKeyShift: "Umschalt",
  paletteKeyEnter: "Eingabe",
  paletteKeyDelete: "Entf",
  paletteKeyTab: "Tab",
  paletteKeyClick: "Klick",
  paletteKeyDrag: "Ziehen",
};

export default paletteDe;

// Strings of the Kpi component.
import { defineMessages } from "../../lib/i18n";

export const t = defineMessages({
  en: {
    unknownEntity: 'Unknown entity type "{entity}"',
    unknownField: 'Unknown field "{field}" of {entity}',
    badAggregate: 'Unknown aggregate "{aggregate}" (use count, sum, avg, min or max)',
    needsField: "The {aggregate} of what? Name a field.",
    notNumeric: 'The {aggregate} needs a number field; "{field}" is {type}',
    badCurrency: 'Unknown currency "{currency}"',
    noValue: "No value",
    failed: "The figure could not be loaded",
    loading: "Loading {label}…",
    open: "Open {page}",
  },
  de: {
    unknownEntity: "Unbekannter Entitätstyp „{entity}“",
    unknownField: "Unbekanntes Feld „{field}“ von {entity}",
    badAggregate: "Unbekannte Aggregation „{aggregate}“ (count, sum, avg, min oder max)",
    needsField: "{aggregate} wovon? Geben Sie ein Feld an.",
    notNumeric: "{aggregate} braucht ein Zahlenfeld; „{field}“ ist {type}",
    badCurrency: "Unbekannte Währung „{currency}“",
    noValue: "Kein Wert",
    failed: "Die Kennzahl konnte nicht geladen werden",
    loading: "{label} wird geladen…",
    open: "{page} öffnen",
  },
});

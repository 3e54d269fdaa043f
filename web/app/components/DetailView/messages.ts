// Strings of the DetailView component.
import { defineMessages, fmt, language } from "../../lib/i18n";
import { inSentence } from "../Form/messages";

export { inSentence };

export const t = defineMessages({
  en: {
    selectOne: "Select a {entity} to see it here",
    deletedNote: "This {entity} was deleted.",
    loadFailed: "The {entity} could not be loaded",
    unknownEntity: 'This view names the entity type "{entity}", which the model does not have.',
    noEntity: "This view names no entity type.",
    edit: "Edit",
    delete: "Delete",
    deleteTitle: "Delete this {entity}?",
    deleteWhat: "“{name}” will be deleted. This cannot be undone.",
    alsoDeletes: "It also deletes its {items}.",
    keepsWithout: "Its {items} stay, without it.",
    restricted: "It cannot be deleted while {items} refer to it.",
    unlinks: "Its links to {items} are removed; they stay.",
    deleted: "{entity} deleted",
    deleteFailed: "Could not delete: {message}",
    yes: "Yes",
    no: "No",
    empty: "empty",
    updated: "Updated {when}",
    noRelated: "No {items} yet",
    moreRelated: "Showing {shown} of {total}",
    relatedFailed: "These could not be loaded: {message}",
    retry: "Try again",
  },
  de: {
    selectOne: "Wählen Sie einen Eintrag ({entity}), um ihn hier zu sehen",
    deletedNote: "{entity} wurde gelöscht.",
    loadFailed: "{entity} konnte nicht geladen werden",
    unknownEntity: "Diese Ansicht nennt den Entitätstyp „{entity}“, den das Modell nicht hat.",
    noEntity: "Diese Ansicht nennt keinen Entitätstyp.",
    edit: "Bearbeiten",
    delete: "Löschen",
    deleteTitle: "{entity} löschen?",
    deleteWhat: "„{name}“ wird gelöscht. Das lässt sich nicht rückgängig machen.",
    alsoDeletes: "Dabei werden auch {items} gelöscht.",
    keepsWithout: "{items} bleiben erhalten, ohne Bezug darauf.",
    restricted: "Es kann nicht gelöscht werden, solange {items} darauf verweisen.",
    unlinks: "Die Verknüpfungen zu {items} werden entfernt; diese bleiben erhalten.",
    deleted: "{entity} gelöscht",
    deleteFailed: "Löschen nicht möglich: {message}",
    yes: "Ja",
    no: "Nein",
    empty: "leer",
    updated: "Geändert am {when}",
    noRelated: "Noch keine Einträge ({items})",
    moreRelated: "{shown} von {total} angezeigt",
    relatedFailed: "Diese konnten nicht geladen werden: {message}",
    retry: "Erneut versuchen",
  },
});

/** English plural of a label ("task" → "tasks", "company" → "companies"). */
function pluralEn(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** A count of records of a type: "12 tasks", "1 task"; German cannot inflect a model's label, so it names it. */
export function countOf(n: number, label: string): string {
  if (language() === "en") return `${fmt.number(n)} ${n === 1 ? inSentence(label) : pluralEn(inSentence(label))}`;
  return `${fmt.number(n)} ${n === 1 ? "Eintrag" : "Einträge"} (${label})`;
}

/** Records of a type without a number, for "No tasks yet". */
export function pluralOf(label: string): string {
  return language() === "en" ? pluralEn(inSentence(label)) : label;
}

// Every string the editor shows. `de` is typed by `en`'s keys, so a missing or extra
// translation fails the type check. `{name}` placeholders are filled by `t`; a count
// has a `One` and an `Other` form, picked by `tn`. Each part of the editor keeps its own
// strings beside its code (workspace, erd, entity, pages, flows, problems, history, palette, signin, and common
// for what the diagram and the entity editor share) and adds them with `addMessages` when
// its chunk loads, so Home carries only its own strings; a part's German (messages.de.ts
// beside it) is a chunk of its own, loaded only when German is the language shown. The
// type of every key is joined here (type-only imports: no part's strings are bundled
// with this file).
import type { commonEn } from "../common/messages";
import type { entityEn } from "../entity/messages";
import type { erdEn } from "../erd/messages";
import type { flowsEn } from "../flows/messages";
import type { historyEn } from "../history/messages";
import type { pagesEn } from "../pages/messages";
import type { paletteEn } from "../palette/messages";
import type { problemsEn } from "../problems/messages";
import type { signInEn } from "../signin/messages";
import type { workspaceEn } from "../workspace/messages";

const coreEn = {
  product: "Torque Model Editor",
  navHome: "Models",
  navMain: "Main",
  colorSchemeDark: "Switch to dark theme",
  colorSchemeLight: "Switch to light theme",
  language: "Language",
  skipToContent: "Skip to content",
  close: "Close",
  cancel: "Cancel",
  loading: "Loading…",
  retry: "Try again",
  loadFailed: "Could not load the models: {message}",
  notFound: "There is nothing at this address.",
  backHome: "Back to the models",

  homeTitle: "Models",
  homeIntro: "A model describes entity types, pages and workflows; an app runs a model with its own records.",
  createModel: "Create model",
  importModel: "Import model",
  emptyTitle: "No models yet",
  emptyText: "Create a model, blank or from a template, or import a model file to get started.",
  modelVersion: "Version {n}",
  entityTypesOne: "{n} entity type",
  entityTypesOther: "{n} entity types",
  recordsOne: "{n} record",
  recordsOther: "{n} records",
  appsOf: "Apps of {name}",
  noApps: "No app runs this model yet.",
  actionsFor: "Actions for {name}",
  exportModel: "Export",
  createApp: "Create app",
  deleteModel: "Delete",
  exported: "{name} was exported as {file}.",

  createTitle: "Create a model",
  modelName: "Name",
  modelNameRequired: "Give the model a name.",
  startFrom: "Start from",
  blank: "Blank",
  blankDescription: "No entity types; add them in the editor.",
  create: "Create",
  created: "Model {name} was created.",

  importTitle: "Import a model file",
  importFile: "Model file (JSON)",
  importDrop: "Drop a model file here or choose one. Canonical models and the original Torque's format are accepted.",
  importChoose: "Choose file",
  importChosen: "Chosen: {file}",
  importNoFile: "Choose a model file first.",
  importNotJson: "{file} is not JSON: {message}",
  importNameOptional: "Name (leave empty to keep the file's)",
  importCreateApp: "Create an app and load the file's sample records",
  appSlug: "App address (slug)",
  appSlugHint: "Lowercase letters, digits and hyphens, starting with a letter. Empty: made from the model name.",
  slugInvalid: "Use lowercase letters, digits and hyphens, starting with a letter.",
  import: "Import",
  importDone: "Imported {name}",
  importFormat: "Format: {format}",
  formatLegacy: "original Torque (converted)",
  formatCanonical: "canonical",
  importAppCreated: "App {slug} was created.",
  importLoaded: "Records loaded",
  importNothingLoaded: "No records were loaded.",
  importReport: "Conversion report",
  importReportEmpty: "Everything in the file was represented.",
  severityDropped: "not represented",
  severityChanged: "converted",
  severityWarning: "warning",
  done: "Done",

  createAppTitle: "Create an app from {name}",
  appCreated: "App {slug} was created.",

  deleteTitle: "Delete {name}?",
  deleteNoApps: "The model and its versions will be deleted. No app runs it.",
  deleteWithApps: "The model, its versions and these apps with all their records will be deleted:",
  deleteTypeName: "Type {name} to confirm",
  deleteConfirm: "Delete model",
  deleted: "Model {name} was deleted.",

  modelTitle: "Model {name}",
  modelEntityTypes: "Entity types",
  modelNoEntityTypes: "This model has no entity types yet.",
  modelApps: "Apps",
  modelMissing: "There is no model {id}.",

  sessionUnreachable: "The server could not be reached: {message}",
  signedInAs: "Signed in as {name} ({role})",
  signOut: "Sign out",
  roleAdmin: "admin",
  roleEditor: "editor",
  roleViewer: "viewer",
  readOnlyTitle: "Read-only",
  readOnly: "You are signed in as {name} ({role}). You can look at every model, but changing models and creating apps takes the admin role.",
  readOnlyEdit: "Changing models takes the admin role; you are signed in as {name} ({role}).",
} as const;

type AllEn = typeof coreEn &
  typeof commonEn &
  typeof workspaceEn &
  typeof erdEn &
  typeof entityEn &
  typeof problemsEn &
  typeof signInEn &
  typeof historyEn &
  typeof paletteEn &
  typeof pagesEn &
  typeof flowsEn;

export type Messages = { [K in keyof AllEn]: string };
/** A part's German strings: exactly the keys of its English ones. */
export type Translation<T> = { [K in keyof T]: string };

const coreDe: Translation<typeof coreEn> = {
  product: "Torque Modell-Editor",
  navHome: "Modelle",
  navMain: "Hauptnavigation",
  colorSchemeDark: "Zum dunklen Design wechseln",
  colorSchemeLight: "Zum hellen Design wechseln",
  language: "Sprache",
  skipToContent: "Zum Inhalt springen",
  close: "Schließen",
  cancel: "Abbrechen",
  loading: "Wird geladen…",
  retry: "Erneut versuchen",
  loadFailed: "Die Modelle konnten nicht geladen werden: {message}",
  notFound: "Unter dieser Adresse gibt es nichts.",
  backHome: "Zurück zu den Modellen",

  homeTitle: "Modelle",
  homeIntro: "Ein Modell beschreibt Entitätstypen, Seiten und Abläufe; eine App führt ein Modell mit eigenen Datensätzen aus.",
  createModel: "Modell anlegen",
  importModel: "Modell importieren",
  emptyTitle: "Noch keine Modelle",
  emptyText: "Legen Sie ein Modell an, leer oder aus einer Vorlage, oder importieren Sie eine Modelldatei.",
  modelVersion: "Version {n}",
  entityTypesOne: "{n} Entitätstyp",
  entityTypesOther: "{n} Entitätstypen",
  recordsOne: "{n} Datensatz",
  recordsOther: "{n} Datensätze",
  appsOf: "Apps von {name}",
  noApps: "Noch keine App führt dieses Modell aus.",
  actionsFor: "Aktionen für {name}",
  exportModel: "Exportieren",
  createApp: "App anlegen",
  deleteModel: "Löschen",
  exported: "{name} wurde als {file} exportiert.",

  createTitle: "Modell anlegen",
  modelName: "Name",
  modelNameRequired: "Geben Sie dem Modell einen Namen.",
  startFrom: "Ausgangspunkt",
  blank: "Leer",
  blankDescription: "Keine Entitätstypen; sie werden im Editor hinzugefügt.",
  create: "Anlegen",
  created: "Modell {name} wurde angelegt.",

  importTitle: "Modelldatei importieren",
  importFile: "Modelldatei (JSON)",
  importDrop: "Ziehen Sie eine Modelldatei hierher oder wählen Sie eine. Kanonische Modelle und das Format des ursprünglichen Torque werden angenommen.",
  importChoose: "Datei wählen",
  importChosen: "Gewählt: {file}",
  importNoFile: "Wählen Sie zuerst eine Modelldatei.",
  importNotJson: "{file} ist kein JSON: {message}",
  importNameOptional: "Name (leer lassen, um den der Datei zu behalten)",
  importCreateApp: "Eine App anlegen und die Beispieldatensätze der Datei laden",
  appSlug: "App-Adresse (Slug)",
  appSlugHint: "Kleinbuchstaben, Ziffern und Bindestriche, beginnend mit einem Buchstaben. Leer: aus dem Modellnamen gebildet.",
  slugInvalid: "Verwenden Sie Kleinbuchstaben, Ziffern und Bindestriche, beginnend mit einem Buchstaben.",
  import: "Importieren",
  importDone: "{name} importiert",
  importFormat: "Format: {format}",
  formatLegacy: "ursprüngliches Torque (konvertiert)",
  formatCanonical: "kanonisch",
  importAppCreated: "App {slug} wurde angelegt.",
  importLoaded: "Geladene Datensätze",
  importNothingLoaded: "Es wurden keine Datensätze geladen.",
  importReport: "Konvertierungsbericht",
  importReportEmpty: "Alles in der Datei wurde übernommen.",
  severityDropped: "nicht übernommen",
  severityChanged: "konvertiert",
  severityWarning: "Warnung",
  done: "Fertig",

  createAppTitle: "App aus {name} anlegen",
  appCreated: "App {slug} wurde angelegt.",

  deleteTitle: "{name} löschen?",
  deleteNoApps: "Das Modell und seine Versionen werden gelöscht. Keine App führt es aus.",
  deleteWithApps: "Das Modell, seine Versionen und diese Apps mit allen Datensätzen werden gelöscht:",
  deleteTypeName: "Geben Sie zur Bestätigung {name} ein",
  deleteConfirm: "Modell löschen",
  deleted: "Modell {name} wurde gelöscht.",

  modelTitle: "Modell {name}",
  modelEntityTypes: "Entitätstypen",
  modelNoEntityTypes: "Dieses Modell hat noch keine Entitätstypen.",
  modelApps: "Apps",
  modelMissing: "Es gibt kein Modell {id}.",

  sessionUnreachable: "Der Server ist nicht erreichbar: {message}",
  signedInAs: "Angemeldet als {name} ({role})",
  signOut: "Abmelden",
  roleAdmin: "Administrator",
  roleEditor: "Bearbeiter",
  roleViewer: "Betrachter",
  readOnlyTitle: "Nur lesen",
  readOnly: "Sie sind als {name} ({role}) angemeldet. Sie können alle Modelle ansehen; Modelle ändern und Apps anlegen erfordert die Rolle Administrator.",
  readOnlyEdit: "Modelle ändern erfordert die Rolle Administrator; Sie sind als {name} ({role}) angemeldet.",
};

/** The strings known so far, per language: Home's, then each part's as its chunk loads. */
export const catalogues: { en: Partial<Messages>; de: Partial<Messages> } = { en: { ...coreEn }, de: { ...coreDe } };

type Language = keyof typeof catalogues;
type Loader = () => Promise<{ default: Record<string, string> }>;

/** Parts' German not loaded yet, and the loads under way. */
const germanToLoad: Loader[] = [];
let germanLoading: Promise<void> | null = null;
/** The language on screen (set by the I18nProvider): a part added meanwhile loads its strings for it. */
let shown: Language = "en";
const listeners = new Set<() => void>();

/** Add a part's strings (called once, at the top of the part's messages module); its German comes from `de` when needed. */
export function addMessages<T extends Record<string, string>>(en: T, de: () => Promise<{ default: Translation<T> }>): void {
  Object.assign(catalogues.en, en);
  germanToLoad.push(de);
  if (shown === "de") void messagesFor("de");
}

/** Resolves once every part added so far has its strings in `language` (a failed load leaves English in its place). */
export function messagesFor(language: Language): Promise<void> {
  if (language === "en" || !germanToLoad.length) return germanLoading ?? Promise.resolve();
  const loads = germanToLoad.splice(0).map((load) =>
    load().then(
      (m) => void Object.assign(catalogues.de, m.default),
      () => undefined,
    ),
  );
  const previous = germanLoading;
  const all = Promise.all([previous, ...loads]).then(() => {
    if (germanLoading === all) germanLoading = null;
    for (const l of listeners) l();
  });
  germanLoading = all;
  return all;
}

/** Tell the catalogue which language is on screen; `changed` is called when strings for it arrive. */
export function showLanguage(language: Language): void {
  shown = language;
  void messagesFor(language);
}

export function onMessagesLoaded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

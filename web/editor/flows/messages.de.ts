// The German strings of flows/messages.ts, loaded when German is the language chosen.
import type { Translation } from "../lib/messages";
import type { flowsEn } from "./messages";

const flowsDe: Translation<typeof flowsEn> = {
  flowsListTitle: "Workflows",
  flowsAdd: "Workflow hinzufügen",
  flowsCountOne: "{n} Workflow",
  flowsCountOther: "{n} Workflows",
  flowsNone: "Dieses Modell hat noch keine Workflows.",
  flowsPickTitle: "Workflow wählen",
  flowsPick: "Wählen Sie einen Workflow in der Liste, um seine Schritte zu sehen und ihn zu bearbeiten, oder fügen Sie einen hinzu.",
  flowsUnknownTitle: "Es gibt keinen Workflow {name}",
  flowsUnknown: "{name} gibt es in diesem Modell nicht: Er wurde vielleicht umbenannt oder entfernt. Wählen Sie einen in der Liste.",
  flowsHeading: "Workflow {name}",
  flowsName: "Name",
  flowsRemove: "Workflow entfernen",
  flowsRemoveTitle: "Workflow {name} entfernen?",
  flowsRemoveConfirm: "Workflow entfernen",
  flowsRenameTitle: "Workflow {from} in {to} umbenennen?",
  flowsRenameConfirm: "Umbenennen",
  flowsUsersNone: "Kein Knopf führt diesen Workflow aus.",
  flowsUsersRenamed: "Diese Knöpfe folgen dem neuen Namen:",
  flowsUsersRemoved: "Diese Knöpfe verlieren ihre Aktion:",
  flowsUser: "{type} {id} auf Seite {page}",
  flowsTrigger: "Gestartet: {trigger}",
  flowsTriggerManual: "von Hand (ein Knopf, die API oder ein Agent)",
  flowsTriggerEntity: "wenn ein Datensatz von {entity} geschrieben wird ({event})",
  flowsTriggerWebhook: "durch einen Aufruf seines Webhooks",
  flowsTriggerSchedule: "nach dem Zeitplan {cron}",
  flowsTriggerOther: "durch {type}",
  flowsDiagram: "Schritte des Workflows {name}",
  flowsNode: "{id} ({type})",
  flowsJson: "Definition (JSON)",
  flowsJsonHint:
    "Der ganze Workflow: Auslöser, Ein- und Ausgabeschemas, Schritte (Knoten) und die Kanten dazwischen. Gespeichert, wenn Sie das Feld verlassen; der Server prüft ihn.",
  flowsJsonInvalid: "Kein gültiges JSON: {message}",
  flowsJsonNotObject: "Ein Workflow ist ein JSON-Objekt.",
  flowsProblems: "Probleme in diesem Workflow",
  flowsAddTitle: "Workflow hinzufügen",
  flowsAddName: "Name",
  flowsAddSubmit: "Hinzufügen",
};

export default flowsDe;

// The workflows view's strings of the editor's catalogue (joined in lib/messages.ts).
import { addMessages } from "../lib/messages";

export const flowsEn = {
  flowsListTitle: "Workflows",
  flowsAdd: "Add workflow",
  flowsCountOne: "{n} workflow",
  flowsCountOther: "{n} workflows",
  flowsNone: "This model has no workflows yet.",
  flowsPickTitle: "Pick a workflow",
  flowsPick: "Pick a workflow in the list to see its steps and edit it, or add one.",
  flowsUnknownTitle: "There is no workflow {name}",
  flowsUnknown: "{name} does not exist in this model: it may have been renamed or removed. Pick one in the list.",
  flowsHeading: "Workflow {name}",
  flowsName: "Name",
  flowsRemove: "Remove workflow",
  flowsRemoveTitle: "Remove workflow {name}?",
  flowsRemoveConfirm: "Remove workflow",
  flowsRenameTitle: "Rename workflow {from} to {to}?",
  flowsRenameConfirm: "Rename",
  flowsUsersNone: "No button runs this workflow.",
  flowsUsersRenamed: "These buttons follow the new name:",
  flowsUsersRemoved: "These buttons lose their action:",
  flowsUser: "{type} {id} on page {page}",
  flowsTrigger: "Started: {trigger}",
  flowsTriggerManual: "by hand (a button, the API or an agent)",
  flowsTriggerEntity: "when a {entity} record is written ({event})",
  flowsTriggerWebhook: "by a call to its webhook",
  flowsTriggerSchedule: "on the schedule {cron}",
  flowsTriggerOther: "by {type}",
  flowsDiagram: "Steps of workflow {name}",
  flowsNode: "{id} ({type})",
  flowsJson: "Definition (JSON)",
  flowsJsonHint:
    "The whole workflow: its trigger, input and output schemas, steps (nodes) and the edges between them. Saved when you leave the field; the server checks it.",
  flowsJsonInvalid: "Not valid JSON: {message}",
  flowsJsonNotObject: "A workflow is a JSON object.",
  flowsProblems: "Problems in this workflow",
  flowsAddTitle: "Add a workflow",
  flowsAddName: "Name",
  flowsAddSubmit: "Add",
} as const;

// German is loaded only when it is the language chosen (messages.de.ts).
addMessages(flowsEn, () => import("./messages.de"));

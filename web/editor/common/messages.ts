// The strings of what the diagram and the entity editor share (common/), joined in
// lib/messages.ts: the name checks (names.ts), the add-entity-type dialog and the states
// of a record count (DataImpactStatus.tsx).
import { addMessages } from "../lib/messages";

export const commonEn = {
  // A typed name in a sentence, for the parts that quote names in their messages (the diagram).
  commonQuoted: "“{name}”",
  commonNameHint: "Lowercase letters, digits and _, starting with a letter; at most 63 characters.",
  commonNameRequired: "Enter a name.",
  commonNameInvalid: "{name} is not a valid name and cannot be used: lowercase letters, digits and _ only, starting with a letter.",
  commonNameTooLong: "A name has at most 63 characters.",
  commonNameTaken: "{name} is taken already.",
  commonNameReserved: "{name} is reserved: every record has an id already.",

  commonAddEntityTitle: "Add an entity type",
  commonAddEntityName: "Name",
  commonAddEntitySubmit: "Add",

  commonCounting: "Counting records…",
  commonCountFailed: "The records could not be counted: {message}",
  commonNoApps: "No app runs this model, so no records are affected.",
} as const;

// German is loaded only when it is the language chosen (messages.de.ts).
addMessages(commonEn, () => import("./messages.de"));

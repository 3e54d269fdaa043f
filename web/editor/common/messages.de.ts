// The German strings of common/messages.ts, loaded when German is the language chosen.
import type { Translation } from "../lib/messages";
import type { commonEn } from "./messages";

const commonDe: Translation<typeof commonEn> = {
  commonQuoted: "„{name}“",
  commonNameHint: "Kleinbuchstaben, Ziffern und _, beginnend mit einem Buchstaben; höchstens 63 Zeichen.",
  commonNameRequired: "Geben Sie einen Namen ein.",
  commonNameInvalid: "{name} ist kein gültiger Name und kann nicht verwendet werden: nur Kleinbuchstaben, Ziffern und _, beginnend mit einem Buchstaben.",
  commonNameTooLong: "Ein Name hat höchstens 63 Zeichen.",
  commonNameTaken: "{name} ist schon vergeben.",
  commonNameReserved: "{name} ist reserviert: Jeder Datensatz hat bereits eine id.",

  commonAddEntityTitle: "Entitätstyp hinzufügen",
  commonAddEntityName: "Name",
  commonAddEntitySubmit: "Hinzufügen",

  commonCounting: "Datensätze werden gezählt…",
  commonCountFailed: "Die Datensätze konnten nicht gezählt werden: {message}",
  commonNoApps: "Keine App führt dieses Modell aus, also sind keine Datensätze betroffen.",
};

export default commonDe;

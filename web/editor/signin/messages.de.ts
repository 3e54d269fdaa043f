// The German strings of signin/messages.ts, loaded when German is the language chosen.
import type { Translation } from "../lib/messages";
import type { signInEn } from "./messages";

const signInDe: Translation<typeof signInEn> = {
  signInTitle: "Anmelden",
  signInIntro: "beim Torque Modell-Editor",
  signInName: "Name",
  signInPassword: "Passwort",
  signInSubmit: "Anmelden",
  signInMissing: "Geben Sie Ihren Namen und Ihr Passwort ein.",
  signInWrong: "Name oder Passwort stimmen nicht. Prüfen Sie beides und versuchen Sie es erneut.",
  signInLimited: "Zu viele Anmeldeversuche. Versuchen Sie es in {seconds} Sekunden erneut.",
  signInLimitedSoon: "Zu viele Anmeldeversuche. Versuchen Sie es gleich noch einmal.",
  signInRefused: "Der Server hat die Anmeldung abgelehnt: {message}",
  signInNetwork: "Der Server ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.",
  signInExpired: "Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an, um dort weiterzumachen, wo Sie waren.",
};

export default signInDe;

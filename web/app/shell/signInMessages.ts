// Strings of the sign-in page (a chunk of its own: a signed-in user never loads them).
import { defineMessages } from "../lib/i18n";

export const t = defineMessages({
  en: {
    signInTitle: "Sign in",
    signInIntro: "to the app {app}",
    signInName: "Name",
    signInPassword: "Password",
    signInSubmit: "Sign in",
    signingIn: "Signing in…",
    signInMissing: "Enter your name and your password.",
    signInWrong: "The name or the password is not right. Check both and try again.",
    signInLimited: "Too many sign-in attempts. Try again in {seconds} seconds.",
    signInLimitedSoon: "Too many sign-in attempts. Try again in a moment.",
    signInRefused: "The server refused the sign-in: {message}",
    signInExpired: "Your session has ended. Sign in again to go on where you were.",
    networkError: "The server could not be reached. Check the connection and try again.",
  },
  de: {
    signInTitle: "Anmelden",
    signInIntro: "bei der App {app}",
    signInName: "Name",
    signInPassword: "Passwort",
    signInSubmit: "Anmelden",
    signingIn: "Anmeldung läuft…",
    signInMissing: "Geben Sie Ihren Namen und Ihr Passwort ein.",
    signInWrong: "Name oder Passwort stimmen nicht. Prüfen Sie beides und versuchen Sie es erneut.",
    signInLimited: "Zu viele Anmeldeversuche. Versuchen Sie es in {seconds} Sekunden erneut.",
    signInLimitedSoon: "Zu viele Anmeldeversuche. Versuchen Sie es gleich noch einmal.",
    signInRefused: "Der Server hat die Anmeldung abgelehnt: {message}",
    signInExpired: "Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an, um dort weiterzumachen, wo Sie waren.",
    networkError: "Der Server ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.",
  },
});

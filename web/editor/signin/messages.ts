// The sign-in page's strings (joined in lib/messages.ts): a part of its own, so a signed-in
// editor never loads them.
import { addMessages } from "../lib/messages";

export const signInEn = {
  signInTitle: "Sign in",
  signInIntro: "to the Torque Model Editor",
  signInName: "Name",
  signInPassword: "Password",
  signInSubmit: "Sign in",
  signInMissing: "Enter your name and your password.",
  signInWrong: "The name or the password is not right. Check both and try again.",
  signInLimited: "Too many sign-in attempts. Try again in {seconds} seconds.",
  signInLimitedSoon: "Too many sign-in attempts. Try again in a moment.",
  signInRefused: "The server refused the sign-in: {message}",
  signInNetwork: "The server could not be reached. Check the connection and try again.",
  signInExpired: "Your session has ended. Sign in again to go on where you were.",
} as const;

// German is loaded only when it is the language chosen (messages.de.ts).
addMessages(signInEn, () => import("./messages.de"));

// Strings of the Text component.
import { defineMessages } from "../../lib/i18n";

export const t = defineMessages({
  en: {
    yes: "Yes",
    no: "No",
    loading: "…",
    empty: "—",
  },
  de: {
    yes: "Ja",
    no: "Nein",
    loading: "…",
    empty: "—",
  },
});

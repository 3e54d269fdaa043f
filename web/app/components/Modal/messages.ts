// Strings of the Modal component.
import { defineMessages } from "../../lib/i18n";

export const t = defineMessages({
  en: {
    untitled: "Dialog",
    noChildren: "This dialog has no components yet",
  },
  de: {
    untitled: "Dialog",
    noChildren: "Dieser Dialog enthält noch keine Komponenten",
  },
});

// Strings of the Container component.
import { defineMessages } from "../../lib/i18n";

export const t = defineMessages({
  en: {
    noChildren: "This container has no components yet",
  },
  de: {
    noChildren: "Dieser Container enthält noch keine Komponenten",
  },
});

import { defineMessages } from "../lib/i18n";

export const t = defineMessages({
  en: { title: "Component gallery", noStory: 'No story "{story}"' },
  de: { title: "Komponentengalerie", noStory: "Keine Ansicht „{story}“" },
});

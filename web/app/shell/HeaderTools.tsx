// The header's language choice and theme toggle, shared by the app and its sign-in page.
import { For } from "solid-js";
import { LANGUAGES, type Language, language, setLanguage } from "../lib/i18n";
import { setTheme, theme } from "../lib/theme";
import { t } from "../ui/messages";

export function LanguageSelect() {
  return (
    <>
      <label class="visually-hidden" for="lang-select">
        {t("language")}
      </label>
      <select id="lang-select" value={language()} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
        <For each={[...LANGUAGES]}>{(l) => <option value={l}>{l.toUpperCase()}</option>}</For>
      </select>
    </>
  );
}

export function ThemeToggle() {
  return (
    <button type="button" class="icon-button" aria-pressed={theme() === "dark"} onClick={() => setTheme(theme() === "dark" ? "light" : "dark")}>
      <span aria-hidden="true">{theme() === "dark" ? "☀" : "☾"}</span>
      <span class="visually-hidden">{t("themeDark")}</span>
    </button>
  );
}

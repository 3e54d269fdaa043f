/** @jsxImportSource react */
// The bar on every page: product name, navigation, theme and language.
import { ActionIcon, Anchor, Group, NativeSelect, Text, useComputedColorScheme, useMantineColorScheme } from "@mantine/core";
import { LANGUAGES, type Language, useI18n } from "../lib/i18n";
import { homeHref, Link, type Route } from "../lib/route";

const LANGUAGE_NAMES: Record<Language, string> = { en: "English", de: "Deutsch" };

function ColorSchemeToggle() {
  const { t } = useI18n();
  const { setColorScheme } = useMantineColorScheme();
  // "auto" follows the system until the user picks; the pick is remembered by Mantine's localStorage manager.
  const current = useComputedColorScheme("light", { getInitialValueInEffect: false });
  const next = current === "dark" ? "light" : "dark";
  return (
    <ActionIcon variant="default" size="lg" aria-label={t(next === "dark" ? "colorSchemeDark" : "colorSchemeLight")} onClick={() => setColorScheme(next)}>
      <span aria-hidden="true">{current === "dark" ? "☀" : "☾"}</span>
    </ActionIcon>
  );
}

function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <NativeSelect
      aria-label={t("language")}
      value={language}
      onChange={(e) => setLanguage(e.currentTarget.value as Language)}
      data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
    />
  );
}

export function Header({ route }: { route: Route }) {
  const { t } = useI18n();
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="lg" wrap="nowrap">
        <Text fw={700} size="lg">
          {t("product")}
        </Text>
        <nav aria-label={t("navMain")}>
          <Anchor component={Link} href={homeHref()} aria-current={route.name === "home" ? "page" : undefined}>
            {t("navHome")}
          </Anchor>
        </nav>
      </Group>
      <Group gap="sm" wrap="nowrap">
        <LanguageSwitch />
        <ColorSchemeToggle />
      </Group>
    </Group>
  );
}

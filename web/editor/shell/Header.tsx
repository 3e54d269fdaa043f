/** @jsxImportSource react */
// The bar on every page: product name, navigation, theme and language, and who is signed
// in with the way out.
import { ActionIcon, Anchor, Badge, Button, Group, NativeSelect, Text, useComputedColorScheme, useMantineColorScheme, VisuallyHidden } from "@mantine/core";
import { type Session, signOut } from "../../auth/session";
import { LANGUAGES, type Language, useI18n } from "../lib/i18n";
import { homeHref, Link, type Route } from "../lib/route";
import { ROLE_LABEL } from "../lib/session";

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

/** The signed-in user's name and role, and Sign out (the sign-in page follows). */
function Account({ name, role }: { name: string; role: keyof typeof ROLE_LABEL }) {
  const { t } = useI18n();
  return (
    <Group gap="xs" wrap="nowrap" data-testid="account">
      <Text size="sm" fw={600} title={t("signedInAs", { name, role: t(ROLE_LABEL[role]) })}>
        <VisuallyHidden>{t("signedInAs", { name, role: t(ROLE_LABEL[role]) })}</VisuallyHidden>
        <span aria-hidden="true">{name}</span>
      </Text>
      <Badge variant="outline" color="gray" aria-hidden="true" style={{ textTransform: "none" }}>
        {t(ROLE_LABEL[role])}
      </Badge>
      <Button variant="default" size="xs" onClick={() => void signOut()}>
        {t("signOut")}
      </Button>
    </Group>
  );
}

export function Header({ route, session }: { route: Route; session: Session }) {
  const { t } = useI18n();
  const inside = session.status === "open" || session.status === "signedIn";
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="lg" wrap="nowrap">
        <Text fw={700} size="lg">
          {t("product")}
        </Text>
        {inside ? (
          <nav aria-label={t("navMain")}>
            <Anchor component={Link} href={homeHref()} aria-current={route.name === "home" ? "page" : undefined}>
              {t("navHome")}
            </Anchor>
          </nav>
        ) : null}
      </Group>
      <Group gap="sm" wrap="nowrap">
        {session.status === "signedIn" ? <Account name={session.user.name} role={session.user.role} /> : null}
        <LanguageSwitch />
        <ColorSchemeToggle />
      </Group>
    </Group>
  );
}

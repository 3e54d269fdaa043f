/** @jsxImportSource react */
import { Anchor, Stack, Text, Title } from "@mantine/core";
import { useI18n } from "../lib/i18n";
import { homeHref, Link } from "../lib/route";

export function NotFound() {
  const { t } = useI18n();
  return (
    <Stack>
      <Title order={1}>{t("notFound")}</Title>
      <Text>
        <Anchor component={Link} href={homeHref()}>
          {t("backHome")}
        </Anchor>
      </Text>
    </Stack>
  );
}

/** @jsxImportSource react */
// A spinner that says what it is: a status with its name (a bare span may not carry
// aria-label), so screen readers hear "Loading…" and axe has nothing to object to.
import { Loader, type MantineSize } from "@mantine/core";
import { useI18n } from "../lib/i18n";

export function Loading({ size }: { size?: MantineSize }) {
  const { t } = useI18n();
  return <Loader role="status" aria-label={t("loading")} size={size} />;
}

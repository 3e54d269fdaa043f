/** @jsxImportSource react */
// The record counts of a confirmation (dataImpact.ts) until there are some to show: while
// they are counted, when counting failed, and when no app runs the model. The diagram shows
// the counts as a table, the entity editor as sentences: `children` renders them.
import { Group, Loader, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { useI18n } from "../lib/i18n";
import type { AppImpact, DataImpact } from "./dataImpact";

export function DataImpactStatus({ data, children }: { data: DataImpact; children(byType: Record<string, AppImpact[]>): ReactNode }) {
  const { t } = useI18n();
  if (data.status === "loading")
    return (
      <Group gap="xs">
        <Loader size="xs" aria-hidden="true" />
        <Text size="sm">{t("commonCounting")}</Text>
      </Group>
    );
  if (data.status === "error")
    return (
      <Text size="sm" role="alert" c="var(--mantine-color-error)">
        {t("commonCountFailed", { message: data.message })}
      </Text>
    );
  // Every type is in the same apps: none for one means none at all.
  if (Object.values(data.byType).every((apps) => !apps.length)) return <Text size="sm">{t("commonNoApps")}</Text>;
  return children(data.byType);
}

/** @jsxImportSource react */
// The versions, newest first: when, by whom, the note (the editor's saves carry the labels
// of their actions), and per version a way to see its changes and to roll back to it. Every
// edit is a version, so a long history is shown a page at a time.
import { Badge, Button, Group, Table, Text, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { useI18n } from "../lib/i18n";
import type { VersionInfo } from "./api";

const PAGE = 30;

export function VersionTable(props: {
  versions: VersionInfo[];
  compared: { from: number; to: number } | null;
  /** Why rolling back is not possible now (the id of the text that says so), or null. */
  blockedBy: string | null;
  formatDate(iso: string): string;
  onCompare(version: number): void;
  onRollback(version: number): void;
}) {
  const { t } = useI18n();
  const { versions, compared } = props;
  const [shown, setShown] = useState(PAGE);
  const rows = versions.slice(0, shown);
  return (
    <>
      <Table.ScrollContainer minWidth={480}>
        <Table verticalSpacing="xs" data-testid="versions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("historyColVersion")}</Table.Th>
              <Table.Th>{t("historyColChange")}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t("historyColActions")}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((v, i) => {
              const inComparison = compared && (v.version === compared.from || v.version === compared.to);
              const previous = versions[i + 1];
              return (
                <Table.Tr key={v.version} data-version={v.version} className={inComparison ? "history-compared" : undefined}>
                  {/* As wide as its content (the "current" badge is never cut); the note takes the rest. */}
                  <Table.Td style={{ width: "1%", whiteSpace: "nowrap" }}>
                    <Group gap={6} wrap="nowrap">
                      <Text span fw={600}>
                        {v.version}
                      </Text>
                      {i === 0 ? (
                        <Badge variant="light" size="sm" style={{ textTransform: "none" }}>
                          {t("historyCurrent")}
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    <Text size="sm">
                      {v.note ?? (
                        <Text span c="dimmed" inherit>
                          {t("historyNoNote")}
                        </Text>
                      )}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t("historySavedBy", { date: props.formatDate(v.createdAt), actor: v.actor })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap" justify="flex-end">
                      {previous ? (
                        <Button
                          size="compact-sm"
                          variant="default"
                          aria-label={t("historyShowChangesOf", { n: v.version })}
                          onClick={() => props.onCompare(v.version)}
                        >
                          {t("historyShowChanges")}
                        </Button>
                      ) : null}
                      {i > 0 ? (
                        <Button
                          size="compact-sm"
                          variant="default"
                          aria-label={t("historyRollbackTo", { n: v.version })}
                          disabled={props.blockedBy !== null}
                          aria-describedby={props.blockedBy ?? undefined}
                          onClick={() => props.onRollback(v.version)}
                        >
                          {t("historyRollback")}
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {versions.length > shown ? (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {t("historyShownOf", { shown: rows.length, total: versions.length })}
          </Text>
          <Button variant="default" size="compact-sm" onClick={() => setShown((n) => n + PAGE)}>
            {t("historyShowMore")}
          </Button>
        </Group>
      ) : null}
    </>
  );
}

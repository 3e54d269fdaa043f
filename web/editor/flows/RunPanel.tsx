/** @jsxImportSource react */
// Run and debug: a test input (remembered per flow in this browser), the app to run in,
// a Run button, the outcome of the run shown on the diagram, and the run history (opening
// a past run shows it on the diagram the same way). A flow runs as saved: with unsaved
// changes the button waits for them.
import { Badge, Button, Group, Select, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import type { RunRecord } from "../../../src/xflow/types";
import { useI18n } from "../lib/i18n";
import { LazyCode } from "./code/LazyCode";
import type { ShownRun } from "./useFlowRuns";

const inputKey = (model: string, flow: string) => `torque.flowInput.${model}.${flow}`;

export function rememberedInput(model: string, flow: string, fallback: string): string {
  try {
    return localStorage.getItem(inputKey(model, flow)) ?? fallback;
  } catch {
    return fallback;
  }
}

export interface RunPanelProps {
  model: string;
  flow: string;
  apps: string[];
  app: string | null;
  onApp(slug: string): void;
  input: string;
  onInput(text: string): void;
  saved: boolean;
  shown: ShownRun | null;
  history: RunRecord[];
  error: string | null;
  onRun(input: unknown): void;
  onOpen(r: RunRecord): void;
}

export function RunPanel({ model, flow, apps, app, onApp, input, onInput, saved, shown, history, error, onRun, onOpen }: RunPanelProps) {
  const { t, language } = useI18n();
  const [bad, setBad] = useState<string | null>(null);
  const parsed = (() => {
    try {
      return { ok: true as const, value: input.trim() ? JSON.parse(input) : {} };
    } catch (e) {
      return { ok: false as const, message: (e as Error).message };
    }
  })();
  const running = shown?.status === "running";
  return (
    <Stack gap="sm" data-testid="run-panel" component="section" aria-labelledby="run-panel-title">
      <Title order={3} size="h5" id="run-panel-title">
        {t("flowsRunTitle")}
      </Title>
      {apps.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("flowsRunNoApp")}
        </Text>
      ) : (
        <>
          {apps.length > 1 && (
            <Select
              label={t("flowsRunApp")}
              data={apps}
              value={app}
              allowDeselect={false}
              onChange={(v) => v && onApp(v)}
              comboboxProps={{ withinPortal: true }}
            />
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500} component="div">
              {t("flowsRunInput")}
            </Text>
            <Text size="xs" c="dimmed">
              {t("flowsRunInputHint")}
            </Text>
            <LazyCode
              value={input}
              label={t("flowsRunInput")}
              language="json"
              minLines={4}
              problem={bad}
              testId="run-input"
              onCommit={(text) => {
                try {
                  if (text.trim()) JSON.parse(text);
                  setBad(null);
                } catch (e) {
                  setBad(t("flowsJsonInvalid", { message: (e as Error).message }));
                }
                onInput(text);
                try {
                  localStorage.setItem(inputKey(model, flow), text);
                } catch {
                  // private mode: the input is kept only while the page is open
                }
              }}
            />
          </Stack>
          <Group gap="sm">
            <Button onClick={() => parsed.ok && onRun(parsed.value)} disabled={!parsed.ok || !saved || !app} loading={running} data-testid="run-flow">
              {t("flowsRun")}
            </Button>
            {!saved && (
              <Text size="sm" c="dimmed">
                {t("flowsRunUnsaved")}
              </Text>
            )}
            {!parsed.ok && (
              <Text size="sm" c="var(--mantine-color-error)">
                {t("flowsJsonInvalid", { message: parsed.message })}
              </Text>
            )}
          </Group>
          {error && (
            <Text size="sm" c="var(--mantine-color-error)" role="alert" data-testid="run-error">
              {error}
            </Text>
          )}
          {shown && (
            <Stack gap={4} data-testid="run-outcome" aria-live="polite">
              <Group gap="xs">
                <Badge variant="default">
                  {shown.status === "running" ? t("flowsRunRunning") : shown.status === "failed" ? t("flowsRunFailed") : t("flowsRunSucceeded")}
                </Badge>
                {shown.durationMs !== undefined && <Text size="sm">{t("flowsRunMs", { ms: shown.durationMs.toFixed(1) })}</Text>}
                {shown.trigger === "rerun" && shown.nodes[0] && <Text size="sm">{t("flowsRunFromNode", { id: shown.nodes[0].id })}</Text>}
              </Group>
              {shown.error && (
                <Text size="sm" c="var(--mantine-color-error)">
                  {shown.error.node ? t("flowsRunErrorAt", { node: shown.error.node, message: shown.error.message }) : shown.error.message}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {t("flowsRunPickNode")}
              </Text>
            </Stack>
          )}
          <Title order={4} size="h6">
            {t("flowsHistory")}
          </Title>
          {history.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("flowsHistoryNone")}
            </Text>
          ) : (
            <Table data-testid="run-history" fz="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("flowsHistoryStarted")}</Table.Th>
                  <Table.Th>{t("flowsHistoryTrigger")}</Table.Th>
                  <Table.Th>{t("flowsHistoryStatus")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("flowsHistoryOpen")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {history.map((r) => (
                  <Table.Tr key={r.id} data-run={r.id} aria-current={shown?.id === r.id ? "true" : undefined}>
                    <Table.Td>{new Date(r.startedAt).toLocaleString(language, { dateStyle: "short", timeStyle: "medium" })}</Table.Td>
                    <Table.Td>{r.trigger}</Table.Td>
                    <Table.Td>{r.status === "failed" ? t("flowsRunFailed") : t("flowsRunSucceeded")}</Table.Td>
                    <Table.Td>
                      <Button size="compact-xs" variant="subtle" onClick={() => onOpen(r)} aria-label={t("flowsHistoryOpenRun", { when: r.startedAt })}>
                        {t("flowsHistoryOpen")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
    </Stack>
  );
}

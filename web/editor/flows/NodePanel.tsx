/** @jsxImportSource react */
// The selected step: what its type does, its id, its settings (generated from its type's
// description), a retry policy, where it leads (each way with its `when` for a condition,
// a way to connect it from the keyboard), the server's problems with it, and how it did in
// the run shown (status, timing, input, output, logs, error) with a re-run from here.
import { Badge, Button, Code, Group, NumberInput, Select, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { Model, XFlow } from "../../../src/model/schema";
import { nodeKind } from "../../../src/xflow/nodes/registry";
import type { NodeRun } from "../../../src/xflow/types";
import { CommitText } from "../common/CommitInput";
import { useI18n } from "../lib/i18n";
import { useRun } from "../state/context";
import { connect, connectProblem, removeEdges, removeNodes, renameNode, setEdgeWhen, setNode } from "../state/flowActions";
import { SettingField } from "./SettingField";

export interface NodePanelProps {
  doc: Model;
  flow: XFlow;
  id: string;
  /** The server's problems with this node, by setting ("" for the node as a whole). */
  problems: { setting: string; message: string }[];
  /** The node's record in the run shown, if it ran. */
  ran?: NodeRun;
  running?: boolean;
  inputKeys: string[];
  onRerun?(node: string, input: unknown): void;
  onRemoved(): void;
  onRenamed(to: string): void;
}

export function NodePanel({ doc, flow, id, problems, ran, running, inputKeys, onRerun, onRemoved, onRenamed }: NodePanelProps) {
  const { t } = useI18n();
  const run = useRun();
  const node = flow.nodes.find((n) => n.id === id) as (XFlow["nodes"][number] & Record<string, unknown>) | undefined;
  const [target, setTarget] = useState<string | null>(null);
  if (!node) return null;
  const kind = nodeKind(node.type);
  const applies = (when?: { key: string; is: readonly string[] }) => !when || when.is.includes(String(node[when.key]));
  const problemOf = (key: string) => problems.find((p) => p.setting === key)?.message;
  const outgoing = flow.edges.map((e, i) => ({ e, i })).filter(({ e }) => e.from === id);
  const targets = flow.nodes.filter((n) => n.id !== id && connectProblem(flow, id, n.id) === null).map((n) => n.id);
  const retry = node.retry as { attempts?: number } | undefined;
  const pinnable = ran && ran.input !== undefined && !(typeof ran.input === "object" && ran.input && "$truncated" in ran.input);

  return (
    <Stack gap="sm" data-testid="node-panel" data-node={id}>
      <Group justify="space-between" wrap="nowrap">
        <Title order={3} size="h5" id="node-panel-title" tabIndex={-1}>
          {t("flowsNodeTitle", { id, type: node.type })}
        </Title>
        {node.type !== "start" && (
          <Button
            size="xs"
            color="red"
            variant="light"
            onClick={() => {
              if (run(removeNodes(flow, [id]))) onRemoved();
            }}
          >
            {t("flowsNodeRemove")}
          </Button>
        )}
      </Group>
      <Text size="sm">{kind?.summary ?? t("flowsNodeUnknownType", { type: node.type })}</Text>
      {problems
        .filter((p) => !kind?.settings.some((s) => s.key === p.setting))
        .map((p) => (
          <Text key={p.message} size="sm" c="var(--mantine-color-error)" role="alert">
            {p.message}
          </Text>
        ))}
      <CommitText
        label={t("flowsNodeId")}
        description={t("flowsNodeIdHint")}
        value={id}
        maxLength={100}
        spellCheck={false}
        check={(v) => (!v.trim() ? t("flowsSettingRequired") : v !== id && flow.nodes.some((n) => n.id === v) ? t("flowsNodeIdTaken", { id: v }) : null)}
        onCommit={(to) => {
          if (to !== id && run(renameNode(flow, id, to))) onRenamed(to);
        }}
      />
      {kind?.settings
        .filter((s) => applies(s.when))
        .map((s) => (
          <SettingField
            key={`${id}:${s.key}`}
            setting={s}
            node={node}
            doc={doc}
            flow={flow}
            inputKeys={inputKeys}
            problem={problemOf(s.key)}
            onSet={(v) => run(setNode(flow, id, { [s.key]: v }))}
          />
        ))}
      {node.type !== "start" && node.type !== "end" && (
        <NumberInput
          label={t("flowsNodeRetry")}
          description={t("flowsNodeRetryHint")}
          min={1}
          max={10}
          value={retry?.attempts ?? 1}
          error={problemOf("retry")}
          onChange={(v) => {
            const n = typeof v === "number" ? Math.min(10, Math.max(1, Math.round(v))) : 1;
            if (n !== (retry?.attempts ?? 1)) run(setNode(flow, id, { retry: n > 1 ? { ...retry, attempts: n } : undefined }));
          }}
        />
      )}

      {node.type !== "end" && node.type !== "error" && (
        <Stack gap={6}>
          <Text size="sm" fw={600}>
            {t("flowsNodeLeadsTo")}
          </Text>
          {outgoing.length === 0 && (
            <Text size="sm" c="dimmed">
              {t("flowsNodeLeadsNowhere")}
            </Text>
          )}
          {outgoing.map(({ e, i }) => (
            <Group key={`${e.to}:${i}`} gap="xs" wrap="nowrap" data-edge={`${e.from}>${e.to}`}>
              <Text size="sm" style={{ flex: 1 }}>
                → {e.to}
              </Text>
              {node.type === "condition" && (
                <Select
                  aria-label={t("flowsEdgeWhen", { from: e.from, to: e.to })}
                  size="xs"
                  w={110}
                  data={[
                    { value: "true", label: t("flowsWhenTrue") },
                    { value: "false", label: t("flowsWhenFalse") },
                  ]}
                  value={e.when ?? null}
                  allowDeselect={false}
                  onChange={(v) => v && run(setEdgeWhen(flow, i, v))}
                />
              )}
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={() => run(removeEdges(flow, [e]))}
                aria-label={t("flowsEdgeRemove", { from: e.from, to: e.to })}
              >
                {t("flowsEdgeRemoveShort")}
              </Button>
            </Group>
          ))}
          {targets.length > 0 && (
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <Select
                label={t("flowsConnectTo")}
                size="xs"
                data={targets}
                value={target}
                onChange={setTarget}
                searchable={targets.length > 8}
                style={{ flex: 1 }}
                comboboxProps={{ withinPortal: true }}
              />
              <Button
                size="xs"
                disabled={!target}
                onClick={() => {
                  if (target && run(connect(flow, id, target))) setTarget(null);
                }}
              >
                {t("flowsConnect")}
              </Button>
            </Group>
          )}
        </Stack>
      )}

      {(ran || running) && (
        <Stack gap={6} data-testid="node-run">
          <Group gap="xs">
            <Text size="sm" fw={600}>
              {t("flowsNodeRun")}
            </Text>
            {running && !ran ? (
              <Badge variant="default">{t("flowsRunRunning")}</Badge>
            ) : ran ? (
              <Badge variant="default">
                {ran.status === "failed" ? t("flowsRunFailed") : t("flowsRunSucceeded")} · {t("flowsRunMs", { ms: ran.ms.toFixed(1) })}
              </Badge>
            ) : null}
          </Group>
          {ran?.error && (
            <Text size="sm" c="var(--mantine-color-error)" data-testid="node-run-error">
              {ran.error}
            </Text>
          )}
          {ran && <Value label={t("flowsNodeInput")} value={ran.input} testId="node-run-input" />}
          {ran && ran.status === "succeeded" && <Value label={t("flowsNodeOutput")} value={ran.output} testId="node-run-output" />}
          {ran && ran.logs.length > 0 && (
            <Stack gap={2}>
              <Text size="xs" fw={600}>
                {t("flowsNodeLogs")}
              </Text>
              <Code block data-testid="node-run-logs">
                {ran.logs.join("\n")}
              </Code>
            </Stack>
          )}
          {onRerun && ran && node.type !== "start" && (
            <Button
              size="xs"
              variant="light"
              disabled={!pinnable}
              title={pinnable ? undefined : t("flowsRerunTooLarge")}
              onClick={() => onRerun(id, ran.input)}
            >
              {t("flowsRerunFrom", { id })}
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  );
}

function Value({ label, value, testId }: { label: string; value: unknown; testId: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" fw={600}>
        {label}
      </Text>
      <Code block data-testid={testId} style={{ maxHeight: 200, overflow: "auto" }}>
        {value === undefined ? "—" : JSON.stringify(value, null, 2)}
      </Code>
    </Stack>
  );
}

/** @jsxImportSource react */
// One workflow: its name (a rename carries to the buttons that run it, after a
// confirmation naming them), how it is started, its steps as a diagram with the server's
// problems marked on their nodes, and its whole definition as JSON, checked as typed and
// saved as one action when the field is left; the diagram follows at once.
import { Button, Group, List, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import type { XFlow } from "../../../src/model/schema";
import { CommitText, CommitTextarea } from "../common/CommitInput";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import { parsePointer } from "../problems/locate";
import { useEditor, useRun, useStore } from "../state/context";
import { flowUsers, removeFlow, renameFlow, replaceFlow } from "../state/flowActions";
import { FlowCanvas } from "./FlowCanvas";

type Ask = { mode: "rename"; to: string } | { mode: "remove" };

export function FlowEditor({ flow, index, onRenamed, onRemoved }: { flow: XFlow; index: number; onRenamed(to: string): void; onRemoved(): void }) {
  const { t } = useI18n();
  const run = useRun();
  const store = useStore();
  const check = useNameCheck();
  const problems = useEditor((s) => s.problems);
  const [ask, setAsk] = useState<Ask | null>(null);
  const [revision, setRevision] = useState(0);
  // The document only while the dialog is open (a selector must return the store's own objects).
  const askDoc = useEditor((s) => (ask ? s.doc : null));
  const users = askDoc ? flowUsers(askDoc, flow.name) : null;

  // The server's problems in this flow, and the nodes they name (paths /xflows/<i>/nodes/<j>/…).
  const { mine, nodes } = useMemo(() => {
    const mine = problems.filter((p) => {
      const segs = parsePointer(p.path ?? "");
      return segs?.[0] === "xflows" && segs[1] === String(index);
    });
    const nodes = new Set<string>();
    for (const p of mine) {
      const segs = parsePointer(p.path ?? "")!;
      const n = segs[2] === "nodes" ? flow.nodes[Number(segs[3])] : undefined;
      if (n) nodes.add(n.id);
    }
    return { mine, nodes };
  }, [problems, index, flow]);

  const trigger = flow.trigger;
  const how =
    !trigger || trigger.type === "manual"
      ? t("flowsTriggerManual")
      : trigger.type === "entity"
        ? t("flowsTriggerEntity", { entity: String(trigger.entity ?? "?"), event: String(trigger.event ?? "?") })
        : trigger.type === "webhook"
          ? t("flowsTriggerWebhook")
          : trigger.type === "schedule"
            ? t("flowsTriggerSchedule", { cron: String(trigger.cron ?? "?") })
            : t("flowsTriggerOther", { type: trigger.type });
  const { name: _name, ...definition } = flow;

  const rename = (to: string) => {
    if (run(renameFlow(store.getState().doc, flow.name, to))) onRenamed(to);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="flow-editor-title" data-editor="flow">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Title order={2} size="h3" id="flow-editor-title" tabIndex={-1}>
            {t("flowsHeading", { name: flow.name })}
          </Title>
          <Button color="red" variant="light" onClick={() => setAsk({ mode: "remove" })}>
            {t("flowsRemove")}
          </Button>
        </Group>
        <CommitText
          label={t("flowsName")}
          description={t("commonNameHint")}
          inputWrapperOrder={["label", "input", "description", "error"]}
          value={flow.name}
          check={(v) =>
            check(
              v,
              (store.getState().doc.xflows ?? []).filter((x) => x.name !== flow.name).map((x) => x.name),
            )
          }
          onCommit={(to) => {
            if (flowUsers(store.getState().doc, flow.name).length) setAsk({ mode: "rename", to });
            else rename(to);
          }}
          revision={revision}
          maxLength={80}
          spellCheck={false}
        />
        <Text size="sm">{t("flowsTrigger", { trigger: how })}</Text>
        {mine.length ? (
          <Stack gap={2} role="alert" data-testid="flow-problems">
            <Text size="sm" fw={600}>
              {t("flowsProblems")}
            </Text>
            {mine.map((p) => (
              <Text key={`${p.path}:${p.message}`} size="sm" c="var(--mantine-color-error)">
                {p.message}
              </Text>
            ))}
          </Stack>
        ) : null}
        <FlowCanvas flow={flow} problemNodes={nodes} />
        <CommitTextarea
          label={t("flowsJson")}
          description={t("flowsJsonHint")}
          value={JSON.stringify(definition, null, 2)}
          autosize
          minRows={6}
          maxRows={30}
          maxLength={300_000}
          spellCheck={false}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          check={(text) => {
            try {
              const v = JSON.parse(text);
              return v && typeof v === "object" && !Array.isArray(v) ? null : t("flowsJsonNotObject");
            } catch (e) {
              return t("flowsJsonInvalid", { message: (e as Error).message });
            }
          }}
          onCommit={(text) => {
            run(replaceFlow(flow, JSON.parse(text) as Record<string, unknown>));
          }}
        />
      </Stack>
      <Modal
        opened={ask !== null}
        onClose={() => {
          if (ask?.mode === "rename") setRevision((r) => r + 1);
          setAsk(null);
        }}
        title={ask?.mode === "rename" ? t("flowsRenameTitle", { from: flow.name, to: ask.to }) : t("flowsRemoveTitle", { name: flow.name })}
        closeButtonProps={{ "aria-label": t("close") }}
      >
        <Stack>
          {users?.length ? (
            <Stack gap={4}>
              <Text size="sm">{t(ask?.mode === "rename" ? "flowsUsersRenamed" : "flowsUsersRemoved")}</Text>
              <List size="sm" data-testid="impact-list">
                {users.map((u) => (
                  <List.Item key={`${u.page}#${u.id}`}>{t("flowsUser", { type: u.type, id: u.id, page: u.page })}</List.Item>
                ))}
              </List>
            </Stack>
          ) : (
            <Text size="sm">{t("flowsUsersNone")}</Text>
          )}
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                if (ask?.mode === "rename") setRevision((r) => r + 1);
                setAsk(null);
              }}
            >
              {t("cancel")}
            </Button>
            <Button
              color={ask?.mode === "remove" ? "red" : undefined}
              data-autofocus
              onClick={() => {
                const a = ask;
                setAsk(null);
                if (a?.mode === "rename") rename(a.to);
                else if (a?.mode === "remove" && run(removeFlow(store.getState().doc, flow.name))) onRemoved();
              }}
            >
              {t(ask?.mode === "rename" ? "flowsRenameConfirm" : "flowsRemoveConfirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

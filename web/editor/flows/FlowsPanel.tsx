/** @jsxImportSource react */
// The workflows tab: the model's flows on the left (/editor/models/<id>/flows/<flow>),
// the selected one on the right (its steps as a diagram, its definition as JSON). Every
// change is an action through the store: undoable, saved as a version, checked by the
// server, live in other windows.
// This chunk's strings, and the name checks it shares with the other views.
import "../common/messages";
import "./messages";
import "../common/links.css";
import { Button, Grid, Stack, Text, Title } from "@mantine/core";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { NameModal } from "../common/NameModal";
import { NoticeCard } from "../common/NoticeCard";
import { useI18n } from "../lib/i18n";
import { Link, navigate } from "../lib/route";
import { useEditor, useRun, useStore } from "../state/context";
import { addFlow } from "../state/flowActions";
import { tabHref } from "../workspace/tabs";
import { FlowEditor } from "./FlowEditor";

export default function FlowsPanel({ flow }: { flow: string | undefined }) {
  const { t, tn } = useI18n();
  const id = useEditor((s) => s.id);
  const flows = useEditor((s) => s.doc.xflows) ?? [];
  const index = flow === undefined ? -1 : flows.findIndex((f) => f.name === flow);
  const current = index >= 0 ? flows[index] : undefined;
  const [adding, setAdding] = useState(false);
  const focusNext = useRef<"flow" | "list" | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the place changes
  useEffect(() => {
    const want = focusNext.current;
    focusNext.current = null;
    if (want === "flow") document.getElementById("flow-editor-title")?.focus();
    else if (want === "list") document.getElementById("flow-list-title")?.focus();
  }, [flow]);
  const open = (name: string) => {
    focusNext.current = "flow";
    navigate(tabHref(id, "flows", name));
  };

  let content: ReactNode;
  if (flow === undefined) content = <NoticeCard title={t("flowsPickTitle")}>{t("flowsPick")}</NoticeCard>;
  else if (!current)
    content = (
      <NoticeCard title={t("flowsUnknownTitle", { name: flow })} alert>
        {t("flowsUnknown", { name: flow })}
      </NoticeCard>
    );
  else
    content = (
      <FlowEditor
        key={current.name}
        flow={current}
        index={index}
        onRenamed={(to) => navigate(tabHref(id, "flows", to))}
        onRemoved={() => {
          focusNext.current = "list";
          navigate(tabHref(id, "flows"));
        }}
      />
    );

  return (
    <Grid gap="lg" data-panel="flows">
      <Grid.Col span={{ base: 12, md: 3 }}>
        <Stack gap="xs" component="nav" aria-labelledby="flow-list-title">
          <Title order={2} size="h4" id="flow-list-title" tabIndex={-1}>
            {t("flowsListTitle")}
          </Title>
          <Button variant="light" onClick={() => setAdding(true)} fullWidth>
            {t("flowsAdd")}
          </Button>
          <Text size="xs" c="dimmed">
            {flows.length ? tn("flowsCount", flows.length) : t("flowsNone")}
          </Text>
          <div data-testid="flow-list">
            {flows.map((f) => (
              <Link
                key={f.name}
                className="editor-link"
                href={tabHref(id, "flows", f.name)}
                aria-current={f.name === flow ? "page" : undefined}
                data-flow={f.name}
              >
                <span className="editor-link-text">
                  <span className="editor-link-name">{f.name}</span>
                  <span className="editor-link-label">{f.trigger?.type ?? "manual"}</span>
                </span>
              </Link>
            ))}
          </div>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 9 }}>{content}</Grid.Col>
      <AddFlowModal opened={adding} onClose={() => setAdding(false)} onAdded={open} />
    </Grid>
  );
}

function AddFlowModal({ opened, onClose, onAdded }: { opened: boolean; onClose(): void; onAdded(name: string): void }) {
  const { t } = useI18n();
  const run = useRun();
  const store = useStore();
  return (
    <NameModal
      opened={opened}
      title={t("flowsAddTitle")}
      nameLabel={t("flowsAddName")}
      submitLabel={t("flowsAddSubmit")}
      taken={() => (store.getState().doc.xflows ?? []).map((f) => f.name)}
      onClose={onClose}
      onSubmit={(name) => {
        if (!run(addFlow(name))) return false;
        onAdded(name);
        return true;
      }}
    />
  );
}

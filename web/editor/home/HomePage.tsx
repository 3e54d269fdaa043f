/** @jsxImportSource react */
// Home: every model with its apps, and the actions on them. One modal at a time; the
// list reloads after each change so counts and apps are the server's.
import { Alert, Button, EmptyState, Group, Stack, Text, Title } from "@mantine/core";
import { useRef, useState } from "react";
import type { ModelSummary } from "../lib/api";
import { useI18n } from "../lib/i18n";
import { canDesign, useSession } from "../lib/session";
import { Loading } from "../shell/Loading";
import { CreateAppModal } from "./CreateAppModal";
import { CreateModelModal } from "./CreateModelModal";
import { DeleteModelModal } from "./DeleteModelModal";
import { ImportModelModal } from "./ImportModelModal";
import { ModelCard } from "./ModelCard";
import { useModels } from "./useModels";

type Dialog = { kind: "create" | "import" | "createApp" | "delete" } | null;

export function HomePage() {
  const { t } = useI18n();
  // Creating, importing and deleting models and creating apps take the admin role: not offered to others.
  const designer = canDesign(useSession());
  const [state, reload] = useModels();
  const [dialog, setDialog] = useState<Dialog>(null);
  // The model a per-model dialog is about stays set while that dialog closes, so Mantine can animate it out and return focus.
  const [subject, setSubject] = useState<ModelSummary | null>(null);
  const open = (kind: "createApp" | "delete", model: ModelSummary) => {
    setSubject(model);
    setDialog({ kind });
  };
  const heading = useRef<HTMLHeadingElement>(null);
  const close = () => setDialog(null);

  const actions = designer && (
    <Group>
      <Button onClick={() => setDialog({ kind: "create" })}>{t("createModel")}</Button>
      <Button variant="default" onClick={() => setDialog({ kind: "import" })}>
        {t("importModel")}
      </Button>
    </Group>
  );

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} ref={heading} tabIndex={-1}>
            {t("homeTitle")}
          </Title>
          <Text c="dimmed">{t("homeIntro")}</Text>
        </div>
        {state.status === "ready" && state.models.length > 0 && actions}
      </Group>

      {state.status === "loading" && <Loading />}
      {state.status === "error" && (
        <Alert color="red" role="alert" title={t("loadFailed", { message: state.message })}>
          <Button variant="default" onClick={() => void reload()}>
            {t("retry")}
          </Button>
        </Alert>
      )}
      {state.status === "ready" && state.models.length === 0 && (
        <EmptyState title={t("emptyTitle")} description={t("emptyText")} data-testid="empty-state">
          {actions}
        </EmptyState>
      )}
      {state.status === "ready" &&
        state.models.map((m) => (
          <ModelCard
            key={m.id}
            model={m}
            onCreateApp={designer ? () => open("createApp", m) : undefined}
            onDelete={designer ? () => open("delete", m) : undefined}
          />
        ))}

      <CreateModelModal opened={dialog?.kind === "create"} onClose={close} onCreated={reload} />
      <ImportModelModal opened={dialog?.kind === "import"} onClose={close} onImported={reload} />
      {subject && <CreateAppModal opened={dialog?.kind === "createApp"} model={subject} onClose={close} onCreated={reload} />}
      {subject && (
        <DeleteModelModal
          opened={dialog?.kind === "delete"}
          model={subject}
          onClose={close}
          onDeleted={async () => {
            await reload();
            // The button that opened the dialog is gone with its model: focus goes to the page's heading.
            heading.current?.focus();
          }}
        />
      )}
    </Stack>
  );
}

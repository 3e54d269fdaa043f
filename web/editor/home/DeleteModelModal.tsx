/** @jsxImportSource react */
// Delete a model with its apps. The dialog names every app and its records; when any
// record would go, the model's name must be typed first.
import { Button, Group, List, Modal, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { deleteModel, type ModelSummary } from "../lib/api";
import { errorMessage } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { useNotices } from "../shell/notices";

export function DeleteModelModal({ opened, model, onClose, onDeleted }: { opened: boolean; model: ModelSummary; onClose(): void; onDeleted(): Promise<void> }) {
  const { t, tn } = useI18n();
  const notices = useNotices();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  // Each opening asks anew.
  useEffect(() => {
    if (!opened) return;
    setTyped("");
    setBusy(false);
  }, [opened]);
  const hasData = model.apps.some((a) => a.records > 0);
  const confirmed = !hasData || typed === model.name;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!confirmed) return;
    setBusy(true);
    try {
      await deleteModel(model.id);
      notices.success(t("deleted", { name: model.name }));
      onClose();
      await onDeleted();
    } catch (err) {
      notices.error(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t("deleteTitle", { name: model.name })} closeButtonProps={{ "aria-label": t("close") }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {model.apps.length === 0 ? (
            <Text>{t("deleteNoApps")}</Text>
          ) : (
            <>
              <Text>{t("deleteWithApps")}</Text>
              <List>
                {model.apps.map((a) => (
                  <List.Item key={a.slug}>
                    /app/{a.slug}/ · {tn("records", a.records)}
                  </List.Item>
                ))}
              </List>
            </>
          )}
          {hasData && (
            <TextInput label={t("deleteTypeName", { name: model.name })} data-autofocus value={typed} onChange={(e) => setTyped(e.currentTarget.value)} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} data-autofocus={hasData ? undefined : true}>
              {t("cancel")}
            </Button>
            <Button type="submit" color="red" disabled={!confirmed} loading={busy}>
              {t("deleteConfirm")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

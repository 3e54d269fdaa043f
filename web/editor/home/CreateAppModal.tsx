/** @jsxImportSource react */
// Create an app running a model, at a slug the user may choose.
import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { createApp, type ModelSummary } from "../lib/api";
import { errorMessage, GraphQLRequestError } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { useNotices } from "../shell/notices";
import { SLUG } from "./slug";

export function CreateAppModal({ opened, model, onClose, onCreated }: { opened: boolean; model: ModelSummary; onClose(): void; onCreated(): Promise<void> }) {
  const { t } = useI18n();
  const notices = useNotices();
  const [slug, setSlug] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Each opening starts empty; what was typed stays while the dialog is open (also after a refusal).
  useEffect(() => {
    if (!opened) return;
    setSlug("");
    setError(null);
  }, [opened]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const wanted = slug.trim();
    if (wanted && !SLUG.test(wanted)) return setError(t("slugInvalid"));
    setBusy(true);
    try {
      const app = await createApp(model.id, wanted || undefined);
      notices.success(t("appCreated", { slug: app.slug }));
      onClose();
      await onCreated();
    } catch (err) {
      // A taken or refused slug is the server's answer about the field.
      if (err instanceof GraphQLRequestError) setError(err.message);
      else notices.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t("createAppTitle", { name: model.name })} closeButtonProps={{ "aria-label": t("close") }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t("appSlug")}
            description={t("appSlugHint")}
            data-autofocus
            value={slug}
            error={error}
            onChange={(e) => {
              setSlug(e.currentTarget.value);
              setError(null);
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("createApp")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

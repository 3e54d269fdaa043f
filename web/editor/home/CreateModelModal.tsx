/** @jsxImportSource react */
// Create a model: a name, and blank or one of the server's templates.
import { Button, Group, Modal, Radio, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { createModel, listTemplates, ModelRejected, type Template } from "../lib/api";
import { errorMessage, GraphQLRequestError } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { useNotices } from "../shell/notices";

const BLANK = "";

export function CreateModelModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(): Promise<void> }) {
  const { t } = useI18n();
  const notices = useNotices();
  const [name, setName] = useState("");
  const [template, setTemplate] = useState(BLANK);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!opened) return;
    listTemplates().then(setTemplates, (e) => notices.error(errorMessage(e)));
  }, [opened, notices]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError(t("modelNameRequired"));
    setBusy(true);
    try {
      const m = await createModel(name.trim(), templates.find((x) => x.name === template)?.document);
      notices.success(t("created", { name: m.name }));
      setName("");
      setTemplate(BLANK);
      setError(null);
      onClose();
      await onCreated();
    } catch (err) {
      // The name is the only thing typed here: what the server says about the model belongs at it.
      if (err instanceof ModelRejected || err instanceof GraphQLRequestError) setError(err.message);
      else notices.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t("createTitle")} closeButtonProps={{ "aria-label": t("close") }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t("modelName")}
            required
            data-autofocus
            value={name}
            error={error}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setError(null);
            }}
          />
          <Radio.Group label={t("startFrom")} value={template} onChange={setTemplate}>
            <Stack gap="xs" mt="xs">
              <Radio value={BLANK} label={t("blank")} description={t("blankDescription")} />
              {templates.map((x) => (
                <Radio key={x.name} value={x.name} label={x.name} description={x.description} />
              ))}
            </Stack>
          </Radio.Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** @jsxImportSource react */
// A new page: its name (checked as it is typed: lower_snake_case, not taken), an optional
// title, and whether the menu gets an entry for it. Added as one action.
import { Button, Checkbox, Group, Modal, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import { useEditor, useRun, useStore } from "../state/context";
import { addPage } from "../state/pageActions";

export function AddPageModal({ opened, onClose, onAdded }: { opened: boolean; onClose(): void; onAdded(name: string): void }) {
  const { t } = useI18n();
  const run = useRun();
  const store = useStore();
  const check = useNameCheck();
  const pages = useEditor((s) => (opened ? s.doc.pages : null));
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const [inMenu, setInMenu] = useState(true);
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!opened) return;
    setName("");
    setTitle("");
    setInMenu(true);
    setTried(false);
  }, [opened]);
  const problem = check(
    name,
    (pages ?? []).map((p) => p.name),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem) return;
    if (!run(addPage(store.getState().doc, name, title.trim() || undefined, inMenu))) return;
    onClose();
    onAdded(name);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t("pagesAddTitle")} closeButtonProps={{ "aria-label": t("close") }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t("pagesAddName")}
            description={t("commonNameHint")}
            inputWrapperOrder={["label", "input", "description", "error"]}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={name || tried ? problem : null}
            maxLength={80}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
          />
          <TextInput label={t("pagesAddTitleField")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={200} autoComplete="off" />
          <Checkbox label={t("pagesAddInMenu")} checked={inMenu} onChange={(e) => setInMenu(e.currentTarget.checked)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit">{t("pagesAddSubmit")}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** @jsxImportSource react */
// A new page: its name (checked as it is typed: lower_snake_case, not taken), an optional
// title, and whether the menu gets an entry for it. Added as one action.
import { Checkbox, TextInput } from "@mantine/core";
import { useEffect, useState } from "react";
import { NameModal } from "../common/NameModal";
import { useI18n } from "../lib/i18n";
import { useRun, useStore } from "../state/context";
import { addPage } from "../state/pageActions";

export function AddPageModal({ opened, onClose, onAdded }: { opened: boolean; onClose(): void; onAdded(name: string): void }) {
  const { t } = useI18n();
  const run = useRun();
  const store = useStore();
  const [title, setTitle] = useState("");
  const [inMenu, setInMenu] = useState(true);
  useEffect(() => {
    if (!opened) return;
    setTitle("");
    setInMenu(true);
  }, [opened]);
  return (
    <NameModal
      opened={opened}
      title={t("pagesAddTitle")}
      nameLabel={t("pagesAddName")}
      submitLabel={t("pagesAddSubmit")}
      taken={() => (store.getState().doc.pages ?? []).map((p) => p.name)}
      onClose={onClose}
      onSubmit={(name) => {
        if (!run(addPage(store.getState().doc, name, title.trim() || undefined, inMenu))) return false;
        onAdded(name);
        return true;
      }}
    >
      <TextInput label={t("pagesAddTitleField")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={200} autoComplete="off" />
      <Checkbox label={t("pagesAddInMenu")} checked={inMenu} onChange={(e) => setInMenu(e.currentTarget.checked)} />
    </NameModal>
  );
}

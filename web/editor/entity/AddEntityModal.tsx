/** @jsxImportSource react */
// Add an entity type: its name is checked as it is typed (lower_snake_case, at most 63
// characters, not taken). The type starts with a required `name` field shown when a
// record is referred to (addEntity).
import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useI18n } from "../lib/i18n";
import { addEntity } from "../state/actions";
import { useEditor, useRun } from "../state/context";
import { nameProblem } from "./model";

export function AddEntityModal({ opened, onClose, onAdded }: { opened: boolean; onClose(): void; onAdded(name: string): void }) {
  const { t } = useI18n();
  const run = useRun();
  const doc = useEditor((s) => s.doc);
  const [name, setName] = useState("");
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!opened) return;
    setName("");
    setTried(false);
  }, [opened]);
  const problem = nameProblem(
    name,
    doc.entities.map((e) => e.name),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem) return;
    if (!run(addEntity(doc, name))) return;
    onClose();
    onAdded(name);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t("entityAddTypeTitle")} className="entity-modal" closeButtonProps={{ "aria-label": t("close") }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t("entityTypeName")}
            description={t("entityNameHint")}
            inputWrapperOrder={["label", "input", "description", "error"]}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={problem && (name || tried) ? t(problem, { name }) : null}
            data-autofocus
            maxLength={80}
            autoComplete="off"
            spellCheck={false}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit">{t("entityAddTypeConfirm")}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** @jsxImportSource react */
// Asks for a new entity type's name, checked as it is typed (lower_snake_case, at most 63
// characters, not taken); the diagram adds the type where the user is looking.
import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { type FormEvent, memo, useEffect, useState } from "react";
import { useI18n } from "../lib/i18n";
import { nameProblem } from "./names";

// Memoised: the diagram re-renders on every frame of a drag, this does not need to.
export const AddEntityModal = memo(function AddEntityModal({
  opened,
  taken,
  onClose,
  onAdd,
}: {
  opened: boolean;
  taken: string[];
  onClose(): void;
  onAdd(name: string): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!opened) return;
    setName("");
    setTried(false);
  }, [opened]);
  const problem = nameProblem(name, taken);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!problem) onAdd(name);
  };
  return (
    <Modal className="erd-dialog" opened={opened} onClose={onClose} title={t("erdAddTitle")} closeButtonProps={{ "aria-label": t("close") }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t("erdEntityName")}
            description={t("erdNameHint")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            // Not while fading out after the add, when the name is taken by the new type itself.
            error={opened && problem && (tried || name) ? t(problem, { name }) : null}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit">{t("erdAddSubmit")}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
});

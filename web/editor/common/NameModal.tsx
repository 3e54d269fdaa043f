/** @jsxImportSource react */
// A dialog that asks for a new name (checked as it is typed: lower_snake_case, not one of
// `taken`), with room for more inputs below it; submitting calls `onSubmit` with the name,
// which returns whether it was applied (the dialog then closes, and `onDone` follows).
// The diagram and entity editor (AddEntityModal), the pages and the workflows views add
// their items with it.
import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { useI18n } from "../lib/i18n";
import { type NameStyle, useNameCheck } from "./useNameCheck";

interface Props {
  opened: boolean;
  title: string;
  nameLabel: string;
  submitLabel: string;
  /** The names already used, asked for when the dialog checks (the document of the moment). */
  taken(): readonly string[];
  onClose(): void;
  onSubmit(name: string): boolean;
  /** After an applied submit, once the dialog is closing (select or open what was added). */
  onDone?(name: string): void;
  /** How the name sits in the messages: as the rest of the part that opens the dialog does. */
  nameStyle?: NameStyle;
  /** The part's dialog class (its colours in the dark theme). */
  className?: string;
  /** Further inputs (their state is the caller's). */
  children?: ReactNode;
}

export function NameModal({ opened, title, nameLabel, submitLabel, taken, onClose, onSubmit, onDone, nameStyle, className, children }: Props) {
  const { t } = useI18n();
  const check = useNameCheck(nameStyle);
  const [name, setName] = useState("");
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!opened) return;
    setName("");
    setTried(false);
  }, [opened]);
  const problem = opened ? check(name, taken()) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem || !onSubmit(name)) return;
    onClose();
    onDone?.(name);
  };
  return (
    <Modal className={className} opened={opened} onClose={onClose} title={title} closeButtonProps={{ "aria-label": t("close") }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={nameLabel}
            description={t("commonNameHint")}
            inputWrapperOrder={["label", "input", "description", "error"]}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            // Not while fading out after the add (the name is taken by the new item itself), nor
            // for an empty name before the user tried to add.
            error={name || tried ? problem : null}
            // Room past the 63 allowed, so an overlong name is told rather than cut off.
            maxLength={80}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
          />
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit">{submitLabel}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

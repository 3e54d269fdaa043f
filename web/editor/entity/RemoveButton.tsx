/** @jsxImportSource react */
// Removing an entity type or a field: the button, then a confirmation naming what goes or
// changes with it and, per app, the data that stays stored, hidden (ImpactModal). Nothing
// is removed until the user confirms.
import { Button } from "@mantine/core";
import { useState } from "react";
import type { Model } from "../../../src/model/schema";
import { useI18n } from "../lib/i18n";
import type { Impact } from "../state/actions";
import { useEditor, useRun } from "../state/context";
import type { Action } from "../state/store";
import { type DataSpec, ImpactModal } from "./ImpactModal";

interface Props {
  /** The button's text. */
  label: string;
  title: string;
  confirmLabel: string;
  /** What goes or changes with it, in the document of the moment (worked out only while the dialog is open). */
  impact(doc: Model): Impact;
  data: DataSpec;
  /** The removal, built on the document of the moment. */
  action(doc: Model): Action;
  onRemoved(): void;
}

export function RemoveButton({ label, title, confirmLabel, impact, data, action, onRemoved }: Props) {
  const { t } = useI18n();
  const run = useRun();
  const [open, setOpen] = useState(false);
  // The document only while the dialog is open: edits elsewhere do not redraw the button.
  const doc = useEditor((s) => (open ? s.doc : null));
  return (
    <>
      <Button color="red" variant="light" onClick={() => setOpen(true)}>
        {label}
      </Button>
      <ImpactModal
        opened={open}
        onClose={() => setOpen(false)}
        title={title}
        impact={doc ? impact(doc) : undefined}
        impactHeading={t("entityImpactRemoved")}
        data={data}
        confirmLabel={confirmLabel}
        danger
        onConfirm={() => {
          setOpen(false);
          if (doc && run(action(doc))) onRemoved();
        }}
      />
    </>
  );
}

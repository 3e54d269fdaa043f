/** @jsxImportSource react */
// The name of an entity type or a field. A rename carries the new name everywhere the old
// one is used (the caller's `apply`); before it is applied, a dialog lists those places and,
// per app, the data that stays stored under the old name (hidden until renamed back). An
// item only this session's unsaved edits have, and that nothing names, is renamed at once.
// Cancelling the dialog puts the old name back into the input.
import { useState } from "react";
import type { Model } from "../../../src/model/schema";
import { CommitText } from "../common/CommitInput";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import type { Impact } from "../state/actions";
import { useEditor, useStore } from "../state/context";
import { type DataSpec, ImpactModal, impactIsEmpty } from "./ImpactModal";

interface Props {
  label: string;
  value: string;
  /** The other names of its kind (the new name must not be one), and names never allowed. */
  taken(doc: Model): readonly string[];
  reserved?: readonly string[];
  /** The server's problem with the name. */
  problem: string | null;
  /** What else changes with the name (impactOfEntity, impactOfField), in the document of the moment. */
  impact(doc: Model): Impact;
  /** Whether the saved model has the item: apps may then hold data under its name. */
  stored: boolean;
  /** The dialog's title for a rename to `to`. */
  title(to: string): string;
  data: DataSpec;
  apply(to: string): void;
}

export function RenameInput({ label, value, taken, reserved, problem, impact, stored, title, data, apply }: Props) {
  const { t } = useI18n();
  const checkName = useNameCheck();
  const [pending, setPending] = useState<string | null>(null);
  // Bumped to put the saved name back into the input when the dialog is cancelled.
  const [revision, setRevision] = useState(0);
  const store = useStore();
  // The document only while the dialog is open: typing elsewhere does not redraw this input.
  const doc = useEditor((s) => (pending === null ? null : s.doc));
  return (
    <>
      <CommitText
        label={label}
        description={t("commonNameHint")}
        inputWrapperOrder={["label", "input", "description", "error"]}
        value={value}
        check={(v) => checkName(v, taken(store.getState().doc), reserved)}
        onCommit={(to) => {
          if (!stored && impactIsEmpty(impact(store.getState().doc))) apply(to);
          else setPending(to);
        }}
        problem={problem}
        revision={revision}
        // Room past the 63 allowed, so an overlong name is told rather than cut off.
        maxLength={80}
        spellCheck={false}
      />
      <ImpactModal
        opened={pending !== null}
        onClose={() => {
          setPending(null);
          setRevision((r) => r + 1);
        }}
        title={title(pending ?? "")}
        impact={doc ? impact(doc) : undefined}
        impactHeading={t("entityImpactRenamed")}
        data={data}
        confirmLabel={t("entityRenameConfirm")}
        onConfirm={() => {
          const to = pending;
          setPending(null);
          if (to) apply(to);
        }}
      />
    </>
  );
}

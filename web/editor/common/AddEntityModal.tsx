/** @jsxImportSource react */
// Add an entity type, from the diagram's toolbar or the entity editor's list: its name is
// checked as it is typed (lower_snake_case, at most 63 characters, not taken), and the type
// starts with a required `name` field shown when a record is referred to (addEntity). What
// follows differs: the diagram places the type in view and selects it, the entity editor
// opens it; `position`, `run` and `onAdded` say so.
import { memo } from "react";
import { useI18n } from "../lib/i18n";
import { addEntity } from "../state/actions";
import { useEditor, useRun, useStore } from "../state/context";
import type { Action } from "../state/store";
import { NameModal } from "./NameModal";
import type { NameStyle } from "./useNameCheck";

interface Props {
  opened: boolean;
  onClose(): void;
  /** After the type was added (the dialog is closing): select it, open it. */
  onAdded(name: string): void;
  /** Where the diagram puts the new type (asked at the moment it is added); without it, the diagram lays it out when next shown. */
  position?(): { x: number; y: number };
  /** Runs the action instead of the editor's `run` (the diagram pins its layout with it); false when it was not applied. */
  run?(a: Action): boolean;
  /** How the name sits in the messages: as the rest of the part that opens the dialog does. */
  nameStyle?: NameStyle;
  /** The part's dialog class (its colours in the dark theme). */
  className?: string;
}

// Memoised: the diagram re-renders on every frame of a drag, this does not need to.
export const AddEntityModal = memo(function AddEntityModal({ opened, onClose, onAdded, position, run, nameStyle, className }: Props) {
  const { t } = useI18n();
  const editorRun = useRun();
  const store = useStore();
  // The types (for the name check) only while the dialog is open: an edit does not redraw it.
  const entities = useEditor((s) => (opened ? s.doc.entities : null));
  return (
    <NameModal
      opened={opened}
      className={className}
      nameStyle={nameStyle}
      title={t("commonAddEntityTitle")}
      nameLabel={t("commonAddEntityName")}
      submitLabel={t("commonAddEntitySubmit")}
      taken={() => (entities ?? []).map((e) => e.name)}
      onClose={onClose}
      onSubmit={(name) => (run ?? editorRun)(addEntity(store.getState().doc, name, position?.()))}
      onDone={onAdded}
    />
  );
});

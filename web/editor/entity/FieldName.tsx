/** @jsxImportSource react */
// A field's name: a rename carries the new name to everything that names the field
// (renameField), after a confirmation when the saved model has the field or something
// names it (RenameInput).
import type { Field } from "../../../src/model/schema";
import { RESERVED_FIELD_NAMES } from "../common/names";
import { useI18n } from "../lib/i18n";
import { impactOfField, renameField } from "../state/actions";
import { useEditor, useRun, useStore } from "../state/context";
import { useCount } from "./count";
import { RenameInput } from "./RenameInput";

export function FieldName({ entity, field, problem, onRenamed }: { entity: string; field: Field; problem: string | null; onRenamed(to: string): void }) {
  const { t } = useI18n();
  const count = useCount();
  const run = useRun();
  const store = useStore();
  const from = field.name;
  const stored = useEditor((s) => !!s.saved.doc.entities.find((e) => e.name === entity)?.fields.some((f) => f.name === from));
  return (
    <RenameInput
      label={t("entityFieldName")}
      value={from}
      taken={(doc) =>
        doc.entities
          .find((e) => e.name === entity)
          ?.fields.filter((f) => f.name !== from)
          .map((f) => f.name) ?? []
      }
      reserved={RESERVED_FIELD_NAMES}
      problem={problem}
      impact={(doc) => impactOfField(doc, entity, from)}
      stored={stored}
      title={(to) => t("entityRenameFieldTitle", { from: `${entity}.${from}`, to })}
      data={{
        entity,
        field: from,
        line: (a, n) => count("entityDataFieldRename", n, { slug: a.slug, name: from }),
        note: t("entityDataFieldRenameNote", { name: from }),
      }}
      apply={(to) => {
        if (run(renameField(store.getState().doc, entity, from, to))) onRenamed(to);
      }}
    />
  );
}

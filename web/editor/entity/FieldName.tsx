/** @jsxImportSource react */
// A field's name: a rename carries the new name to everything that names the field
// (renameField), after a confirmation when the saved model has the field or something
// names it (RenameInput).
import type { EntityType, Field } from "../../../src/model/schema";
import { RESERVED_FIELD_NAMES } from "../common/names";
import { useI18n } from "../lib/i18n";
import { impactOfField, renameField } from "../state/actions";
import { useEditor, useRun } from "../state/context";
import { useCount } from "./count";
import { RenameInput } from "./RenameInput";

export function FieldName({ entity, field, problem, onRenamed }: { entity: EntityType; field: Field; problem: string | null; onRenamed(to: string): void }) {
  const { t } = useI18n();
  const count = useCount();
  const run = useRun();
  const doc = useEditor((s) => s.doc);
  const saved = useEditor((s) => s.saved.doc);
  const from = field.name;
  return (
    <RenameInput
      label={t("entityFieldName")}
      value={from}
      taken={entity.fields.filter((f) => f.name !== from).map((f) => f.name)}
      reserved={RESERVED_FIELD_NAMES}
      problem={problem}
      impact={impactOfField(doc, entity.name, from)}
      stored={!!saved.entities.find((e) => e.name === entity.name)?.fields.some((f) => f.name === from)}
      title={(to) => t("entityRenameFieldTitle", { from: `${entity.name}.${from}`, to })}
      data={{
        entity: entity.name,
        field: from,
        line: (a, n) => count("entityDataFieldRename", n, { slug: a.slug, name: from }),
        note: t("entityDataFieldRenameNote", { name: from }),
      }}
      apply={(to) => {
        if (run(renameField(doc, entity.name, from, to))) onRenamed(to);
      }}
    />
  );
}

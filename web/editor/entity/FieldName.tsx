/** @jsxImportSource react */
// A field's name. A rename carries the new name to everything that names the field
// (renameField); before it is applied, a dialog lists those places and, per app, the
// records whose values stay stored under the old name (hidden until renamed back). A
// field that exists only in this session's unsaved edits and is named nowhere is renamed at once.
import { List, Text } from "@mantine/core";
import { useState } from "react";
import type { EntityType, Field } from "../../../src/model/schema";
import { useI18n } from "../lib/i18n";
import { impactOfField, renameField } from "../state/actions";
import { useEditor, useRun } from "../state/context";
import { CommitText } from "./CommitInput";
import { useCount } from "./count";
import { ImpactModal, impactIsEmpty } from "./ImpactModal";
import { nameProblem, RESERVED_FIELD_NAMES } from "./model";

export function FieldName({ entity, field, problem, onRenamed }: { entity: EntityType; field: Field; problem: string | null; onRenamed(to: string): void }) {
  const { t } = useI18n();
  const count = useCount();
  const run = useRun();
  const doc = useEditor((s) => s.doc);
  const saved = useEditor((s) => s.saved.doc);
  const [pending, setPending] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const from = field.name;
  const impact = impactOfField(doc, entity.name, from);

  const check = (v: string) => {
    const p = nameProblem(
      v,
      entity.fields.filter((f) => f.name !== from).map((f) => f.name),
      RESERVED_FIELD_NAMES,
    );
    return p ? t(p, { name: v }) : null;
  };
  const apply = (to: string) => {
    if (run(renameField(doc, entity.name, from, to))) onRenamed(to);
  };
  const commit = (to: string) => {
    const stored = saved.entities.find((e) => e.name === entity.name)?.fields.some((f) => f.name === from);
    if (!stored && impactIsEmpty(impact)) apply(to);
    else setPending(to);
  };
  const cancel = () => {
    setPending(null);
    setRevision((r) => r + 1);
  };

  return (
    <>
      <CommitText
        label={t("entityFieldName")}
        description={t("entityNameHint")}
        inputWrapperOrder={["label", "input", "description", "error"]}
        value={from}
        check={check}
        onCommit={commit}
        problem={problem}
        revision={revision}
        maxLength={80}
        autoComplete="off"
        spellCheck={false}
      />
      <ImpactModal
        opened={pending !== null}
        onClose={cancel}
        title={t("entityRenameFieldTitle", { from: `${entity.name}.${from}`, to: pending ?? "" })}
        impact={impact}
        impactHeading={t("entityImpactRenamed")}
        data={{
          entity: entity.name,
          field: from,
          render: (apps) => (
            <>
              <List size="sm">
                {apps.map((a) => (
                  <List.Item key={a.slug}>{count("entityDataFieldRename", a.withValue ?? 0, { slug: a.slug, name: from })}</List.Item>
                ))}
              </List>
              {apps.some((a) => a.withValue) ? <Text size="sm">{t("entityDataFieldRenameNote", { name: from })}</Text> : null}
            </>
          ),
        }}
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

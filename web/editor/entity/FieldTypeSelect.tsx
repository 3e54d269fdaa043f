/** @jsxImportSource react */
// A field's type. Options the new type does not take are removed with the change, and
// what it needs (an enum's values, a reference's target) is asked for. When records hold
// a value in the field, a dialog says how many and what becomes of values that do not fit:
// the server keeps them as they are (reads return them unconverted, a record saved without
// touching the field keeps its value, a new value must fit the new type), and changing the
// type back makes them valid again. A combobox, not a native select: arrow keys on a
// closed native select change its value (and would change the type) at every step.
import { NativeSelect, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { Field, FieldType } from "../../../src/model/schema";
import { FIELD_TYPES } from "../../../src/model/vocabulary";
import { type DataImpact, valuesHeld } from "../common/dataImpact";
import { useI18n } from "../lib/i18n";
import { useEditor, useRun } from "../state/context";
import { changeFieldType } from "./actions";
import { useCount } from "./count";
import { ImpactModal } from "./ImpactModal";
import { retype } from "./model";
import { NewValuesInput } from "./ValuesInput";

interface Props {
  entity: string;
  field: Field;
  problem: string | null;
  /** The field's data as read when its editor opened (to know whether to ask). */
  held: DataImpact | null;
  /** Relationships this field holds (as their key): its type cannot change while they do. */
  heldBy: string[];
}

export function FieldTypeSelect({ entity, field, problem, held, heldBy }: Props) {
  const { t } = useI18n();
  const count = useCount();
  const run = useRun();
  const [pending, setPending] = useState<FieldType | null>(null);
  // The types a reference may point at, only while that is being asked.
  const entities = useEditor((s) => (pending === "reference" ? s.doc.entities : null));
  const [values, setValues] = useState<string[]>([]);
  const [target, setTarget] = useState("");

  const apply = (to: FieldType, extra: { values?: string[]; entity?: string } = {}) =>
    run(changeFieldType(entity, field.name, to, retype(field, to, extra).patch));

  const choose = (to: FieldType) => {
    if (to === field.type) return;
    const r = retype(field, to);
    // Nothing to ask and nothing to say: no data in the field (known), nothing dropped, nothing needed.
    const noData = held === null || (held.status === "ready" && valuesHeld(held.byType[entity] ?? []) === 0);
    if (noData && !r.needs.length && !r.dropped.length && !r.droppedDefault) apply(to);
    else {
      setValues([]);
      setTarget("");
      setPending(to);
    }
  };

  const r = pending ? retype(field, pending, { values, entity: target }) : null;
  const missing = !!r?.needs.length;

  return (
    <>
      <Select
        label={t("entityFieldType")}
        value={field.type}
        allowDeselect={false}
        onChange={(v) => v && choose(v as FieldType)}
        data={FIELD_TYPES.map((x) => ({ value: x, label: t(`entityType_${x}`) }))}
        error={problem}
        disabled={heldBy.length > 0}
        description={heldBy.length ? t("entityTypeHeldBy", { names: heldBy.join(", ") }) : undefined}
      />
      <ImpactModal
        opened={pending !== null}
        onClose={() => setPending(null)}
        title={t("entityRetypeTitle", { name: `${entity}.${field.name}`, from: field.type, to: pending ?? "" })}
        data={{
          entity,
          field: field.name,
          line: (a, n) => count("entityDataRetype", n, { slug: a.slug }),
          note: t("entityRetypeValues"),
        }}
        confirmLabel={t("entityRetypeConfirm", { type: pending ?? "" })}
        confirmDisabled={missing}
        onConfirm={() => {
          const to = pending;
          if (!to || missing) return;
          setPending(null);
          apply(to, { values, entity: target });
        }}
      >
        {r && (r.dropped.length || r.droppedDefault) ? (
          <Stack gap={2}>
            {r.dropped.length ? <Text size="sm">{t("entityRetypeDropped", { type: pending ?? "", options: r.dropped.join(", ") })}</Text> : null}
            {r.droppedDefault ? <Text size="sm">{t("entityRetypeDroppedDefault", { value: JSON.stringify(field.default) })}</Text> : null}
          </Stack>
        ) : null}
        {pending === "enum" || pending === "multienum" ? (
          field.values?.length ? null : (
            <NewValuesInput value={values} onChange={setValues} missing={missing ? t("entityValuesEmpty") : null} data-autofocus />
          )
        ) : null}
        {pending === "reference" ? (
          <NativeSelect
            label={t("entityTarget")}
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value)}
            data={[{ value: "", label: t("entityChoose") }, ...(entities ?? []).map((x) => ({ value: x.name, label: x.name }))]}
            error={missing ? t("entityTargetMissing") : null}
            data-autofocus
          />
        ) : null}
      </ImpactModal>
    </>
  );
}

/** @jsxImportSource react */
// A new field: its name (checked as it is typed: lower_snake_case, not taken, not "id")
// and type, plus what the type cannot do without (the values of an enum, the type a
// reference points at). Added with addField; the new field's editor opens with focus.
import { Button, Group, NativeSelect, Stack, TextInput } from "@mantine/core";
import { type FormEvent, memo, useState } from "react";
import type { Field, FieldType } from "../../../src/model/schema";
import { FIELD_TYPES } from "../../../src/model/vocabulary";
import { RESERVED_FIELD_NAMES } from "../common/names";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import { addField } from "../state/actions";
import { useEditor, useRun, useStore } from "../state/context";
import { NewValuesInput } from "./ValuesInput";

interface Props {
  entity: string;
  /** The type's field names (the same array while they stay). */
  fieldNames: readonly string[];
  onAdded(name: string): void;
}

/** Memoised: an edit of another field does not redraw the form. */
export const AddFieldForm = memo(function AddFieldForm({ entity, fieldNames, onAdded }: Props) {
  const { t } = useI18n();
  const run = useRun();
  const store = useStore();
  const checkName = useNameCheck();
  const [name, setName] = useState("");
  const [type, setType] = useState<FieldType>("text");
  // The types a reference may point at, only while a reference is being added.
  const entities = useEditor((s) => (type === "reference" ? s.doc.entities : null));
  const [values, setValues] = useState<string[]>([]);
  const [target, setTarget] = useState("");
  const [tried, setTried] = useState(false);

  const nameErr = checkName(name, fieldNames, RESERVED_FIELD_NAMES);
  const needsValues = type === "enum" || type === "multienum";
  const valuesErr = needsValues && !values.length ? t("entityValuesEmpty") : null;
  const targetErr = type === "reference" && !target ? t("entityTargetMissing") : null;
  // Name problems show as soon as something is typed; an empty name only after trying.
  const showName = nameErr && (name || tried) ? nameErr : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (nameErr || valuesErr || targetErr) return;
    const field: Field = { name, type, ...(needsValues ? { values } : {}), ...(type === "reference" ? { entity: target } : {}) };
    if (!run(addField(store.getState().doc, entity, field))) return;
    setName("");
    setValues([]);
    setTried(false);
    onAdded(name);
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t("entityAddFieldForm")} data-testid="add-field">
      <Stack gap="xs">
        <Group align="flex-start" gap="xs" wrap="wrap">
          <TextInput
            label={t("entityNewFieldName")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={showName}
            description={t("commonNameHint")}
            inputWrapperOrder={["label", "input", "description", "error"]}
            maxLength={80}
            w={240}
            autoComplete="off"
            spellCheck={false}
          />
          <NativeSelect
            label={t("entityNewFieldType")}
            value={type}
            onChange={(e) => setType(e.currentTarget.value as FieldType)}
            data={FIELD_TYPES.map((x) => ({ value: x, label: t(`entityType_${x}`) }))}
            w={200}
          />
          {type === "reference" ? (
            <NativeSelect
              label={t("entityTarget")}
              value={target}
              onChange={(e) => setTarget(e.currentTarget.value)}
              error={tried ? targetErr : null}
              data={[{ value: "", label: t("entityChoose") }, ...(entities ?? []).map((x) => ({ value: x.name, label: x.name }))]}
              w={200}
            />
          ) : null}
        </Group>
        {needsValues ? <NewValuesInput value={values} onChange={setValues} missing={tried ? valuesErr : null} maw={560} /> : null}
        <Group>
          <Button type="submit" variant="light">
            {t("entityAddField")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
});

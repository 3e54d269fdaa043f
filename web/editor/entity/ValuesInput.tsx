/** @jsxImportSource react */
// The values of an enum or multienum: tags added with Enter (or a comma) and removed with
// their × or Backspace. A duplicate and an empty list are refused with a message; a value
// taken off that was the default takes the default with it (it would no longer be valid).
// NewValuesInput is the same input for values a field does not have yet (a new field, a
// change of type), kept by the form until it is submitted.
import { TagsInput, type TagsInputProps } from "@mantine/core";
import { useState } from "react";
import type { Field } from "../../../src/model/schema";
import { useI18n } from "../lib/i18n";
import { useRun } from "../state/context";
import { setFieldOptions } from "./actions";

export function ValuesInput({ entity, field, problem }: { entity: string; field: Field; problem: string | null }) {
  const { t } = useI18n();
  const run = useRun();
  const [error, setError] = useState<string | null>(null);
  const values = field.values ?? [];

  const change = (next: string[]) => {
    const clean = [...new Set(next.map((v) => v.trim()).filter(Boolean))];
    if (!clean.length) return setError(t("entityValuesEmpty"));
    setError(null);
    const patch: Record<string, unknown> = { values: clean };
    const d = field.default;
    if (typeof d === "string" && !clean.includes(d)) patch.default = null;
    if (Array.isArray(d) && d.some((x) => !clean.includes(String(x)))) {
      const kept = d.filter((x) => clean.includes(String(x)));
      patch.default = kept.length ? kept : null;
    }
    run(setFieldOptions(entity, field.name, patch));
  };

  return (
    <TagsInput
      label={t("entityValues")}
      description={t("entityValuesEditHint")}
      value={values}
      onChange={change}
      onDuplicate={(v) => setError(t("entityValueDuplicate", { value: v }))}
      error={error ?? problem}
    />
  );
}

type NewValuesProps = Omit<TagsInputProps, "value" | "onChange" | "onDuplicate" | "error" | "label" | "description"> & {
  value: string[];
  onChange(values: string[]): void;
  /** The form's message when the list is empty and has to have values. */
  missing: string | null;
};

export function NewValuesInput({ value, onChange, missing, ...rest }: NewValuesProps) {
  const { t } = useI18n();
  const [dup, setDup] = useState<string | null>(null);
  return (
    <TagsInput
      {...rest}
      label={t("entityValues")}
      description={t("entityValuesHint")}
      value={value}
      onChange={(v) => {
        onChange(v.map((x) => x.trim()).filter(Boolean));
        setDup(null);
      }}
      onDuplicate={(v) => setDup(t("entityValueDuplicate", { value: v }))}
      error={dup ?? missing}
    />
  );
}

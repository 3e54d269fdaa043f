/** @jsxImportSource react */
// One field's options, only those its type takes (docs/model-format.md, "Fields"): name,
// type, label, help, required, unique, indexed, default, and per type min/max, lengths and
// pattern, values, or the referenced type. Texts apply on blur or Enter; checkboxes and
// selects at once. The server's problems show under the control they name; those about
// options the type does not take are listed at the top with a way to remove the option.
import { Anchor, Button, Checkbox, Divider, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { memo } from "react";
import type { Field } from "../../../src/model/schema";
import { CommitNumber, CommitText, CommitTextarea } from "../common/CommitInput";
import { useDataImpact } from "../common/dataImpact";
import { useI18n } from "../lib/i18n";
import { Link } from "../lib/route";
import { impactOfField, removeFields } from "../state/actions";
import { useEditor, useRun } from "../state/context";
import { tabHref } from "../workspace/tabs";
import { setFieldOptions } from "./actions";
import { useCount } from "./count";
import { DefaultInput } from "./DefaultInput";
import { FieldName } from "./FieldName";
import { FieldTypeSelect } from "./FieldTypeSelect";
import { canBeUnique, canOptOutOfIndex, isIndexed, type Located, optionApplies, TEXT_LIKE, TYPE_OPTIONS, takesDefault } from "./model";
import { PatternInput } from "./PatternInput";
import { problemAt } from "./problems";
import { RemoveButton } from "./RemoveButton";
import { ValuesInput } from "./ValuesInput";

interface Props {
  entity: string;
  field: Field;
  located: readonly Located[];
  onRenamed(to: string): void;
  onRemoved(): void;
}

/** The properties this editor shows a control for, given the type. */
function shownProps(f: Field): Set<string> {
  const s = new Set<string>(["name", "type", "label", "help", "required", ...TYPE_OPTIONS[f.type]]);
  if (canBeUnique(f.type)) s.add("unique");
  if (canOptOutOfIndex(f.type) || f.type === "reference") s.add("indexed");
  if (takesDefault(f.type)) s.add("default");
  return s;
}

function RangeInputs({ entity, field, at }: { entity: string; field: Field; at(prop: string): string | null }) {
  const { t } = useI18n();
  const run = useRun();
  const set = (k: string, v: number | undefined) => {
    run(setFieldOptions(entity, field.name, { [k]: v ?? null }));
  };
  if (field.type === "integer" || field.type === "number")
    return (
      <SimpleGrid cols={2}>
        <div data-prop="min">
          <CommitNumber
            label={t("entityMin")}
            value={field.min}
            allowDecimal={field.type === "number"}
            check={(v) => (v !== undefined && field.max !== undefined && v > field.max ? t("entityMinOverMax", { max: field.max }) : null)}
            onCommit={(v) => set("min", v)}
            problem={at("min")}
          />
        </div>
        <div data-prop="max">
          <CommitNumber
            label={t("entityMax")}
            value={field.max}
            allowDecimal={field.type === "number"}
            check={(v) => (v !== undefined && field.min !== undefined && v < field.min ? t("entityMaxUnderMin", { min: field.min }) : null)}
            onCommit={(v) => set("max", v)}
            problem={at("max")}
          />
        </div>
      </SimpleGrid>
    );
  if (!TYPE_OPTIONS[field.type].includes("minLength")) return null;
  const items = field.type === "multienum";
  return (
    <SimpleGrid cols={2}>
      <div data-prop="minLength">
        <CommitNumber
          label={t(items ? "entityMinItems" : "entityMinLength")}
          value={field.minLength}
          allowDecimal={false}
          allowNegative={false}
          check={(v) => (v !== undefined && field.maxLength !== undefined && v > field.maxLength ? t("entityMinOverMax", { max: field.maxLength }) : null)}
          onCommit={(v) => set("minLength", v)}
          problem={at("minLength")}
        />
      </div>
      <div data-prop="maxLength">
        <CommitNumber
          label={t(items ? "entityMaxItems" : "entityMaxLength")}
          value={field.maxLength}
          allowDecimal={false}
          allowNegative={false}
          check={(v) => (v !== undefined && field.minLength !== undefined && v < field.minLength ? t("entityMaxUnderMin", { min: field.minLength }) : null)}
          onCommit={(v) => set("maxLength", v)}
          problem={at("maxLength")}
        />
      </div>
    </SimpleGrid>
  );
}

function ReferenceTarget({ entity, field, problem, heldBy }: { entity: string; field: Field; problem: string | null; heldBy: string[] }) {
  const { t } = useI18n();
  const run = useRun();
  const entities = useEditor((s) => s.doc.entities);
  const names = entities.map((e) => e.name);
  const current = field.entity ?? "";
  const data = names.map((n) => ({ value: n, label: n }));
  // A target that does not exist (removed elsewhere) stays visible, marked, until another is chosen.
  if (current && !names.includes(current)) data.unshift({ value: current, label: t("entityTargetGone", { name: current }) });
  return (
    <Select
      label={t("entityTarget")}
      value={current || null}
      placeholder={t("entityChoose")}
      data={data}
      allowDeselect={false}
      error={problem}
      disabled={heldBy.length > 0}
      description={heldBy.length ? t("entityTargetHeldBy", { names: heldBy.join(", ") }) : undefined}
      onChange={(v) => {
        if (v && v !== current) run(setFieldOptions(entity, field.name, { entity: v }));
      }}
    />
  );
}

function RemoveField({ entity, field, onRemoved }: { entity: string; field: Field; onRemoved(): void }) {
  const { t } = useI18n();
  const count = useCount();
  return (
    <RemoveButton
      label={t("entityRemoveField")}
      title={t("entityRemoveFieldTitle", { name: `${entity}.${field.name}` })}
      confirmLabel={t("entityRemoveFieldConfirm")}
      impact={(doc) => impactOfField(doc, entity, field.name)}
      data={{
        entity,
        field: field.name,
        line: (a, n) => count("entityDataFieldRemove", n, { slug: a.slug, records: a.records }),
        note: t("entityDataFieldRemoveNote", { name: field.name }),
      }}
      action={(doc) => removeFields(doc, entity, [field.name])}
      onRemoved={onRemoved}
    />
  );
}

/** Memoised: redrawn when its field, its problems or the relationships change. */
export const FieldEditor = memo(function FieldEditor({ entity, field, located, onRenamed, onRemoved }: Props) {
  const { t } = useI18n();
  const run = useRun();
  const id = useEditor((s) => s.id);
  const relationships = useEditor((s) => s.doc.relationships);
  const stored = useEditor((s) => !!s.saved.doc.entities.find((e) => e.name === entity)?.fields.some((f) => f.name === field.name));
  const at = (prop: string) => problemAt(located, entity, field.name, prop);
  const set = (patch: Record<string, unknown>) => {
    run(setFieldOptions(entity, field.name, patch));
  };
  // Read once when the field is opened, so a type change knows whether records hold values.
  const held = useDataImpact(id, stored ? [entity] : null, field.name);
  const heldBy = (relationships ?? []).filter((r) => r.to === entity && r.inverse === field.name).map((r) => r.name);
  const shown = shownProps(field);
  const others = located.filter((l) => l.entity === entity && l.field === field.name && (l.prop === undefined || !shown.has(l.prop)));
  const text = TEXT_LIKE.has(field.type);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="field-editor-title" data-editor="field" data-field-name={field.name}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={3} size="h4" id="field-editor-title" tabIndex={-1} data-heading>
            {t("entityFieldHeading", { name: `${entity}.${field.name}` })}
          </Title>
          <Anchor component={Link} href={tabHref(id, "entities", entity)} size="sm">
            {t("entityCloseField")}
          </Anchor>
        </Group>
        {others.length ? (
          <Stack gap={4} data-prop="_other" role="alert">
            {others.map((l) => (
              <Group key={`${l.prop}:${l.issue.message}`} gap="xs" wrap="nowrap" align="flex-start">
                <Text size="sm" c="var(--mantine-color-error)" style={{ flex: 1 }}>
                  {l.prop ? `${l.prop}: ${l.issue.message}` : l.issue.message}
                </Text>
                {l.prop && l.prop in field && !optionApplies(field.type, l.prop) ? (
                  <Button size="compact-sm" variant="default" onClick={() => set({ [l.prop!]: null })}>
                    {t("entityRemoveOption", { option: l.prop })}
                  </Button>
                ) : null}
              </Group>
            ))}
          </Stack>
        ) : null}
        <div data-prop="name">
          <FieldName entity={entity} field={field} problem={at("name")} onRenamed={onRenamed} />
        </div>
        <div data-prop="type">
          <FieldTypeSelect entity={entity} field={field} problem={at("type")} held={stored ? held : null} heldBy={field.type === "reference" ? heldBy : []} />
        </div>
        <div data-prop="label">
          <CommitText
            label={t("entityLabel")}
            value={field.label ?? ""}
            onCommit={(v) => set({ label: v.trim() || null })}
            problem={at("label")}
            maxLength={200}
          />
        </div>
        <div data-prop="help">
          <CommitTextarea
            label={t("entityHelp")}
            description={t("entityHelpHint")}
            value={field.help ?? ""}
            onCommit={(v) => set({ help: v.trim() || null })}
            problem={at("help")}
            maxLength={4000}
            autosize
            minRows={2}
          />
        </div>
        <Divider label={t("entityRules")} labelPosition="left" />
        <Stack gap={8}>
          <div data-prop="required">
            <Checkbox
              label={t("entityRequired")}
              description={t("entityRequiredHint")}
              checked={!!field.required}
              onChange={(e) => set({ required: e.currentTarget.checked || null })}
              error={at("required")}
            />
          </div>
          {shown.has("unique") ? (
            <div data-prop="unique">
              <Checkbox
                label={t("entityUnique")}
                description={t("entityUniqueHint")}
                checked={!!field.unique}
                onChange={(e) => set({ unique: e.currentTarget.checked || null })}
                error={at("unique")}
              />
            </div>
          ) : null}
          {shown.has("indexed") ? (
            <div data-prop="indexed">
              <Checkbox
                label={t("entityIndexed")}
                description={t(field.type === "reference" ? "entityIndexedReference" : "entityIndexedHint")}
                checked={isIndexed(field)}
                disabled={field.type === "reference"}
                // Indexed is the default for these types: on removes the key, off opts out.
                onChange={(e) => set({ indexed: e.currentTarget.checked ? null : false })}
                error={at("indexed")}
              />
            </div>
          ) : null}
        </Stack>
        {shown.has("default") ? (
          <div data-prop="default">
            <DefaultInput entity={entity} field={field} problem={at("default")} />
          </div>
        ) : null}
        {TYPE_OPTIONS[field.type].length ? <Divider label={t("entityTypeOptions", { type: field.type })} labelPosition="left" /> : null}
        <RangeInputs entity={entity} field={field} at={at} />
        {text ? (
          <div data-prop="pattern">
            <PatternInput key={`${entity}.${field.name}`} entity={entity} field={field} problem={at("pattern")} />
          </div>
        ) : null}
        {field.type === "enum" || field.type === "multienum" ? (
          <div data-prop="values">
            <ValuesInput entity={entity} field={field} problem={at("values")} />
          </div>
        ) : null}
        {field.type === "reference" ? (
          <div data-prop="entity">
            <ReferenceTarget entity={entity} field={field} problem={at("entity")} heldBy={heldBy} />
          </div>
        ) : null}
        <Divider />
        <Group>
          <RemoveField entity={entity} field={field} onRemoved={onRemoved} />
        </Group>
      </Stack>
    </Paper>
  );
});

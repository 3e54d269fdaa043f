/** @jsxImportSource react */
// One entity type: its name (a rename goes everywhere the name is used, after a dialog
// that lists those places and the records that stay under the old name), label,
// description, display field, fields (list, add, and the selected field's editor),
// composite indexes and relationships; links to the diagram; removal with its impact.
// Each section is memoised on the parts of the type it shows: a click on one field's
// checkbox redraws that field's row and editor, not the properties, the other rows, the
// indexes or the relationships (a 30-field type in a 100-type model stays quick).
import { Anchor, Grid, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { memo, useMemo } from "react";
import type { EntityType, Field } from "../../../src/model/schema";
import { CommitText, CommitTextarea } from "../common/CommitInput";
import { useI18n } from "../lib/i18n";
import { Link, navigate } from "../lib/route";
import { impactOfEntity, removeEntities, renameEntity } from "../state/actions";
import { useEditor, useRun, useStore } from "../state/context";
import { tabHref } from "../workspace/tabs";
import { AddFieldForm } from "./AddFieldForm";
import { setEntityProperty } from "./actions";
import { useCount } from "./count";
import { FieldEditor } from "./FieldEditor";
import { FieldList } from "./FieldList";
import { IndexesEditor } from "./IndexesEditor";
import { type Located, NONE } from "./model";
import { problemAt } from "./problems";
import { Relationships } from "./Relationships";
import { RemoveButton } from "./RemoveButton";
import { RenameInput } from "./RenameInput";

interface Props {
  entity: EntityType;
  field: string | null;
  located: readonly Located[];
  /** After a field was added: open it with focus in its editor. */
  onFieldAdded(name: string): void;
  onFieldRenamed(to: string): void;
  onFieldRemoved(): void;
  onRemoved(): void;
}

function EntityName({ name: from, problem }: { name: string; problem: string | null }) {
  const { t } = useI18n();
  const count = useCount();
  const run = useRun();
  const store = useStore();
  const id = useEditor((s) => s.id);
  const stored = useEditor((s) => s.saved.doc.entities.some((e) => e.name === from));
  return (
    <RenameInput
      label={t("entityTypeName")}
      value={from}
      taken={(doc) => doc.entities.filter((e) => e.name !== from).map((e) => e.name)}
      problem={problem}
      impact={(doc) => impactOfEntity(doc, from)}
      stored={stored}
      title={(to) => t("entityRenameTypeTitle", { from, to })}
      data={{
        entity: from,
        line: (a, n) => count("entityDataTypeRename", n, { slug: a.slug, name: from }),
        note: t("entityDataTypeRenameNote", { name: from }),
      }}
      apply={(to) => {
        if (!run(renameEntity(store.getState().doc, from, to))) return;
        const q = new URLSearchParams(location.search);
        navigate(tabHref(id, "entities", to, Object.fromEntries(q)));
      }}
    />
  );
}

function RemoveEntity({ name, onRemoved }: { name: string; onRemoved(): void }) {
  const { t } = useI18n();
  const count = useCount();
  return (
    <RemoveButton
      label={t("entityRemoveType")}
      title={t("entityRemoveTypeTitle", { name })}
      confirmLabel={t("entityRemoveTypeConfirm")}
      impact={(doc) => impactOfEntity(doc, name)}
      data={{
        entity: name,
        line: (a, n) => count("entityDataTypeRemove", n, { slug: a.slug }),
        note: t("entityDataTypeRemoveNote", { name }),
      }}
      action={(doc) => removeEntities(doc, [name])}
      onRemoved={onRemoved}
    />
  );
}

/** The field names in their order: the same array while they stay, whatever else changes. */
function useFieldNames(fields: readonly Field[]): readonly string[] {
  const key = fields.map((f) => f.name).join("\u0000");
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the names, not the array
  return useMemo(() => fields.map((f) => f.name), [key]);
}

const EntityHeader = memo(function EntityHeader({ name, label, onRemoved }: { name: string; label: string | undefined; onRemoved(): void }) {
  const { t } = useI18n();
  const id = useEditor((s) => s.id);
  return (
    <Group justify="space-between" align="flex-start">
      <div>
        <Title order={2} size="h3" tabIndex={-1} data-heading id="entity-editor-title">
          {t("entityTypeHeading", { name })}
        </Title>
        {label ? <Text c="dimmed">{label}</Text> : null}
      </div>
      <Group gap="sm">
        <Anchor component={Link} href={tabHref(id, "diagram", undefined, { sel: name })}>
          {t("entityShowInDiagram")}
        </Anchor>
        <RemoveEntity name={name} onRemoved={onRemoved} />
      </Group>
    </Group>
  );
});

interface PropertiesProps {
  name: string;
  label: string | undefined;
  description: string | undefined;
  display: string | undefined;
  fieldNames: readonly string[];
  /** The server's problems per property: name, label, description, display. */
  problems: readonly (string | null)[];
}

const EntityProperties = memo(function EntityProperties({ name, label, description, display, fieldNames, problems }: PropertiesProps) {
  const { t } = useI18n();
  const run = useRun();
  const set = (prop: string, value: unknown) => {
    run(setEntityProperty(name, prop, value));
  };
  const [nameProblem, labelProblem, descriptionProblem, displayProblem] = problems;
  const displayData = [{ value: NONE, label: t("entityNoDisplay") }, ...fieldNames.map((f) => ({ value: f, label: f }))];
  if (display && !fieldNames.includes(display)) displayData.push({ value: display, label: t("entityTargetGone", { name: display }) });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="entity-props-title">
      <Stack gap="sm">
        <Title order={3} size="h5" id="entity-props-title">
          {t("entityProperties")}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <div data-prop="name">
            <EntityName name={name} problem={nameProblem ?? null} />
          </div>
          <div data-prop="label">
            <CommitText
              label={t("entityLabel")}
              value={label ?? ""}
              onCommit={(v) => set("label", v.trim() || null)}
              problem={labelProblem ?? null}
              maxLength={200}
            />
          </div>
        </SimpleGrid>
        <div data-prop="description">
          <CommitTextarea
            label={t("entityDescription")}
            value={description ?? ""}
            onCommit={(v) => set("description", v.trim() || null)}
            problem={descriptionProblem ?? null}
            maxLength={4000}
            autosize
            minRows={2}
          />
        </div>
        <div data-prop="display">
          <Select
            label={t("entityDisplay")}
            description={t("entityDisplayHint")}
            value={display ?? NONE}
            data={displayData}
            allowDeselect={false}
            onChange={(v) => set("display", !v || v === NONE ? null : v)}
            error={displayProblem}
          />
        </div>
      </Stack>
    </Paper>
  );
});

const KNOWN = new Set(["name", "label", "description", "display", "indexes", "fields"]);

export function EntityEditor({ entity, field, located, onFieldAdded, onFieldRenamed, onFieldRemoved, onRemoved }: Props) {
  const { t } = useI18n();
  const names = useFieldNames(entity.fields);
  const at = (prop: string | undefined) => problemAt(located, entity.name, undefined, prop);
  const others = located.filter((l) => l.entity === entity.name && l.field === undefined && (l.prop === undefined || !KNOWN.has(l.prop)));
  const selected = field ? entity.fields.find((f) => f.name === field) : undefined;
  // The same array while the messages stay, so the memo holds.
  const problems = useSameList([at("name"), at("label"), at("description"), at("display")]);

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Stack gap="md" data-editor="entity">
          <EntityHeader name={entity.name} label={entity.label} onRemoved={onRemoved} />
          {others.length ? (
            <Stack gap={2} data-prop="_other" role="alert">
              {others.map((l) => (
                <Text key={`${l.prop}:${l.issue.message}`} size="sm" c="var(--mantine-color-error)">
                  {l.prop ? `${l.prop}: ${l.issue.message}` : l.issue.message}
                </Text>
              ))}
            </Stack>
          ) : null}
          <EntityProperties
            name={entity.name}
            label={entity.label}
            description={entity.description}
            display={entity.display}
            fieldNames={names}
            problems={problems}
          />
          <Paper withBorder p="md" component="section" aria-labelledby="entity-fields-title" data-prop="fields">
            <Stack gap="sm">
              <Title order={3} size="h5" id="entity-fields-title" tabIndex={-1}>
                {t("entityFields", { n: entity.fields.length })}
              </Title>
              {at("fields") ? (
                <Text size="sm" c="var(--mantine-color-error)" role="alert">
                  {at("fields")}
                </Text>
              ) : null}
              <FieldList entity={entity.name} names={names} selected={selected?.name ?? null} located={located} />
              <AddFieldForm entity={entity.name} fieldNames={names} onAdded={onFieldAdded} />
            </Stack>
          </Paper>
          <Paper withBorder p="md">
            <IndexesEditor entity={entity.name} indexes={entity.indexes} fieldNames={names} problem={at("indexes")} />
          </Paper>
          <Paper withBorder p="md">
            <Relationships entity={entity.name} located={located} />
          </Paper>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <div>
          {selected ? (
            <FieldEditor
              key={`${entity.name}.${selected.name}`}
              entity={entity.name}
              field={selected}
              located={located}
              onRenamed={onFieldRenamed}
              onRemoved={onFieldRemoved}
            />
          ) : field ? (
            <Paper withBorder p="md" role="status">
              <Text>{t("entityFieldMissing", { name: field, entity: entity.name })}</Text>
            </Paper>
          ) : (
            <Paper withBorder p="md">
              <Text c="dimmed">{t("entityPickField")}</Text>
            </Paper>
          )}
        </div>
      </Grid.Col>
    </Grid>
  );
}

/** `list` itself the first time, then the previous array while its items are the same. */
function useSameList<T>(list: readonly T[]): readonly T[] {
  const key = JSON.stringify(list);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the items, not the array
  return useMemo(() => list, [key]);
}

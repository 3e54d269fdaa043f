/** @jsxImportSource react */
// One entity type: its name (a rename goes everywhere the name is used, after a dialog
// that lists those places and the records that stay under the old name), label,
// description, display field, fields (list, add, and the selected field's editor),
// composite indexes and relationships; links to the diagram; removal with its impact.
import { Anchor, Grid, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { EntityType } from "../../../src/model/schema";
import { CommitText, CommitTextarea } from "../common/CommitInput";
import { useI18n } from "../lib/i18n";
import { Link, navigate } from "../lib/route";
import { impactOfEntity, removeEntities, renameEntity } from "../state/actions";
import { useEditor, useRun } from "../state/context";
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

function EntityName({ entity, problem }: { entity: EntityType; problem: string | null }) {
  const { t } = useI18n();
  const count = useCount();
  const run = useRun();
  const id = useEditor((s) => s.id);
  const doc = useEditor((s) => s.doc);
  const saved = useEditor((s) => s.saved.doc);
  const from = entity.name;
  return (
    <RenameInput
      label={t("entityTypeName")}
      value={from}
      taken={doc.entities.filter((e) => e.name !== from).map((e) => e.name)}
      problem={problem}
      impact={impactOfEntity(doc, from)}
      stored={saved.entities.some((e) => e.name === from)}
      title={(to) => t("entityRenameTypeTitle", { from, to })}
      data={{
        entity: from,
        line: (a, n) => count("entityDataTypeRename", n, { slug: a.slug, name: from }),
        note: t("entityDataTypeRenameNote", { name: from }),
      }}
      apply={(to) => {
        if (!run(renameEntity(doc, from, to))) return;
        const q = new URLSearchParams(location.search);
        navigate(tabHref(id, "entities", to, Object.fromEntries(q)));
      }}
    />
  );
}

function RemoveEntity({ entity, onRemoved }: { entity: EntityType; onRemoved(): void }) {
  const { t } = useI18n();
  const count = useCount();
  const name = entity.name;
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

export function EntityEditor({ entity, field, located, onFieldAdded, onFieldRenamed, onFieldRemoved, onRemoved }: Props) {
  const { t } = useI18n();
  const run = useRun();
  const id = useEditor((s) => s.id);
  const at = (prop: string | undefined) => problemAt(located, entity.name, undefined, prop);
  const set = (prop: string, value: unknown) => {
    run(setEntityProperty(entity.name, prop, value));
  };
  const known = new Set(["name", "label", "description", "display", "indexes", "fields"]);
  const others = located.filter((l) => l.entity === entity.name && l.field === undefined && (l.prop === undefined || !known.has(l.prop)));
  const selected = field ? entity.fields.find((f) => f.name === field) : undefined;
  const displayData = [{ value: NONE, label: t("entityNoDisplay") }, ...entity.fields.map((f) => ({ value: f.name, label: f.name }))];
  if (entity.display && !entity.fields.some((f) => f.name === entity.display))
    displayData.push({ value: entity.display, label: t("entityTargetGone", { name: entity.display }) });

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Stack gap="md" data-editor="entity">
          <Group justify="space-between" align="flex-start">
            <div>
              <Title order={2} size="h3" tabIndex={-1} data-heading id="entity-editor-title">
                {t("entityTypeHeading", { name: entity.name })}
              </Title>
              {entity.label ? <Text c="dimmed">{entity.label}</Text> : null}
            </div>
            <Group gap="sm">
              <Anchor component={Link} href={tabHref(id, "diagram", undefined, { sel: entity.name })}>
                {t("entityShowInDiagram")}
              </Anchor>
              <RemoveEntity entity={entity} onRemoved={onRemoved} />
            </Group>
          </Group>
          {others.length ? (
            <Stack gap={2} data-prop="_other" role="alert">
              {others.map((l) => (
                <Text key={`${l.prop}:${l.issue.message}`} size="sm" c="var(--mantine-color-error)">
                  {l.prop ? `${l.prop}: ${l.issue.message}` : l.issue.message}
                </Text>
              ))}
            </Stack>
          ) : null}
          <Paper withBorder p="md" component="section" aria-labelledby="entity-props-title">
            <Stack gap="sm">
              <Title order={3} size="h5" id="entity-props-title">
                {t("entityProperties")}
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <div data-prop="name">
                  <EntityName entity={entity} problem={at("name")} />
                </div>
                <div data-prop="label">
                  <CommitText
                    label={t("entityLabel")}
                    value={entity.label ?? ""}
                    onCommit={(v) => set("label", v.trim() || null)}
                    problem={at("label")}
                    maxLength={200}
                  />
                </div>
              </SimpleGrid>
              <div data-prop="description">
                <CommitTextarea
                  label={t("entityDescription")}
                  value={entity.description ?? ""}
                  onCommit={(v) => set("description", v.trim() || null)}
                  problem={at("description")}
                  maxLength={4000}
                  autosize
                  minRows={2}
                />
              </div>
              <div data-prop="display">
                <Select
                  label={t("entityDisplay")}
                  description={t("entityDisplayHint")}
                  value={entity.display ?? NONE}
                  data={displayData}
                  allowDeselect={false}
                  onChange={(v) => set("display", !v || v === NONE ? null : v)}
                  error={at("display")}
                />
              </div>
            </Stack>
          </Paper>
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
              <FieldList entity={entity} selected={selected?.name ?? null} located={located} />
              <AddFieldForm entity={entity} onAdded={onFieldAdded} />
            </Stack>
          </Paper>
          <Paper withBorder p="md">
            <IndexesEditor entity={entity} problem={at("indexes")} />
          </Paper>
          <Paper withBorder p="md">
            <Relationships entity={entity} located={located} />
          </Paper>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <div>
          {selected ? (
            <FieldEditor
              key={`${entity.name}.${selected.name}`}
              entity={entity}
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

/** @jsxImportSource react */
// A type's composite indexes: each lists its fields and whether the combination must be
// unique; a new one is made from 1 to 8 fields. The same list of fields twice is refused.
import { ActionIcon, Button, Checkbox, Group, MultiSelect, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { memo, useState } from "react";
import type { EntityType } from "../../../src/model/schema";
import { useI18n } from "../lib/i18n";
import { useRun } from "../state/context";
import { setIndexes } from "./actions";

const MAX_FIELDS = 8;

interface Props {
  entity: string;
  indexes: EntityType["indexes"];
  /** The type's field names (the same array while they stay). */
  fieldNames: readonly string[];
  problem: string | null;
}

/** Memoised: an edit of a field's options does not redraw the indexes. */
export const IndexesEditor = memo(function IndexesEditor({ entity, indexes: given, fieldNames, problem }: Props) {
  const { t } = useI18n();
  const run = useRun();
  const [fields, setFields] = useState<string[]>([]);
  const [unique, setUnique] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const indexes = given ?? [];
  const nameOf = (fs: string[]) => fs.join(" + ");

  const add = () => {
    if (!fields.length) return setError(t("entityIndexNoFields"));
    if (indexes.some((i) => i.fields.join() === fields.join())) return setError(t("entityIndexExists", { name: nameOf(fields) }));
    setError(null);
    if (run(setIndexes(entity, [...indexes, { fields, ...(unique ? { unique: true } : {}) }], `Add index ${entity}(${fields.join(", ")})`))) {
      setFields([]);
      setUnique(false);
    }
  };

  return (
    <Stack gap="xs" data-prop="indexes" component="section" aria-labelledby="entity-indexes-title">
      <Title order={3} size="h5" id="entity-indexes-title">
        {t("entityIndexes")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("entityIndexesHint")}
      </Text>
      {problem ? (
        <Text size="sm" c="var(--mantine-color-error)" role="alert">
          {problem}
        </Text>
      ) : null}
      {indexes.length ? (
        <Table verticalSpacing={4} data-testid="index-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("entityIndexFields")}</Table.Th>
              <Table.Th>{t("entityIndexUnique")}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t("entityColActions")}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {indexes.map((ix, i) => {
              const name = ix.name ?? nameOf(ix.fields);
              return (
                // Indexes have no identity but their place: two alike (from a file) must still render.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <Table.Tr key={`${name}:${i}`}>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Checkbox
                      aria-label={t("entityIndexUniqueOf", { name })}
                      checked={!!ix.unique}
                      onChange={(e) => {
                        const checked = e.currentTarget.checked;
                        run(
                          setIndexes(
                            entity,
                            indexes.map((x, j) => {
                              if (j !== i) return x;
                              const { unique: _, ...rest } = x;
                              return checked ? { ...rest, unique: true } : rest;
                            }),
                            `Change index ${entity}(${ix.fields.join(", ")})`,
                          ),
                        );
                      }}
                    />
                  </Table.Td>
                  <Table.Td w={40}>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t("entityIndexRemove", { name })}
                      onClick={() =>
                        run(
                          setIndexes(
                            entity,
                            indexes.filter((_, j) => j !== i),
                            `Remove index ${entity}(${ix.fields.join(", ")})`,
                          ),
                        )
                      }
                    >
                      <span aria-hidden="true">✕</span>
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm">{t("entityNoIndexes")}</Text>
      )}
      <Group align="flex-end" gap="xs">
        <MultiSelect
          label={t("entityNewIndexFields")}
          data={fieldNames as string[]}
          value={fields}
          onChange={(v) => {
            setFields(v);
            setError(null);
          }}
          maxValues={MAX_FIELDS}
          searchable
          error={error}
          w={320}
        />
        <Checkbox label={t("entityIndexUnique")} checked={unique} onChange={(e) => setUnique(e.currentTarget.checked)} mb={8} />
        <Button variant="light" onClick={add}>
          {t("entityAddIndex")}
        </Button>
      </Group>
    </Stack>
  );
});

/** @jsxImportSource react */
// A component's sort: keys in order (first key first), each a field with an order and a
// direction, added, changed, moved and removed; each change is one action.
import { ActionIcon, Button, Group, NativeSelect, Stack, Text } from "@mantine/core";
import type { EntityType } from "../../../../src/model/schema";
import { useI18n } from "../../lib/i18n";
import { sortable } from "./filter";

type Key = { field: string; dir: "asc" | "desc" };

/** Sort keys as given: `{field, dir}` or a bare field name (ascending). */
const keysOf = (v: unknown): Key[] =>
  Array.isArray(v)
    ? v.map((k) =>
        typeof k === "string" ? { field: k, dir: "asc" } : { field: String((k as Key)?.field ?? ""), dir: (k as Key)?.dir === "desc" ? "desc" : "asc" },
      )
    : [];

export function SortBuilder({ entity, value, onChange }: { entity: EntityType | undefined; value: unknown; onChange(sort: Key[] | undefined): void }) {
  const { t } = useI18n();
  const keys = keysOf(value);
  const names = sortable(entity?.fields ?? []);
  const write = (next: Key[]) => onChange(next.length ? next : undefined);
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {t("sortTitle")}
      </Text>
      {keys.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("sortNone")}
        </Text>
      ) : null}
      {keys.map((k, i) => {
        const n = i + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: keys have no identity but their place
          <Group key={i} gap={6} align="flex-end" wrap="nowrap" data-sort-key={i}>
            <NativeSelect
              label={t("sortField", { n })}
              value={k.field}
              data={names.includes(k.field) ? names : [k.field, ...names]}
              onChange={(e) => write(keys.map((x, j) => (j === i ? { ...x, field: e.currentTarget.value } : x)))}
              style={{ flex: 1 }}
            />
            <NativeSelect
              label={t("sortDir", { n })}
              value={k.dir}
              data={[
                { value: "asc", label: t("sortAsc") },
                { value: "desc", label: t("sortDesc") },
              ]}
              onChange={(e) => write(keys.map((x, j) => (j === i ? { ...x, dir: e.currentTarget.value as Key["dir"] } : x)))}
              style={{ flex: 1 }}
            />
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={t("sortUp", { n })}
              disabled={i === 0}
              onClick={() => {
                const next = [...keys];
                [next[i - 1], next[i]] = [next[i]!, next[i - 1]!];
                write(next);
              }}
            >
              <span aria-hidden="true">↑</span>
            </ActionIcon>
            <ActionIcon variant="light" color="red" size="lg" aria-label={t("sortRemove", { n })} onClick={() => write(keys.filter((_, j) => j !== i))}>
              <span aria-hidden="true">×</span>
            </ActionIcon>
          </Group>
        );
      })}
      <Group>
        <Button
          size="compact-sm"
          variant="light"
          disabled={!names.length}
          onClick={() => write([...keys, { field: names.find((x) => !keys.some((k) => k.field === x)) ?? names[0]!, dir: "asc" }])}
        >
          {t("sortAdd")}
        </Button>
      </Group>
    </Stack>
  );
}

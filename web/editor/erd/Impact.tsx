/** @jsxImportSource react */
// What a removal or rename touches, as the confirmations show it: the model's parts that
// change with it, and the records each app holds (which stay, hidden).
import { Code, List, Stack, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { DataImpactStatus } from "../common/DataImpactStatus";
import type { AppImpact, DataImpact } from "../common/dataImpact";
import { type MessageKey, useI18n } from "../lib/i18n";
import type { Impact } from "../state/actions";

export interface ImpactGroup {
  /** A heading such as "Relationships removed". */
  title: MessageKey;
  items: string[];
}

/** Impacts of several types as one: each item once, without what is itself being removed. */
export function mergeImpacts(impacts: Impact[], gone: Set<string> = new Set()) {
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    relationships: uniq(impacts.flatMap((i) => i.relationships)),
    referenceFields: uniq(impacts.flatMap((i) => i.referenceFields)).filter((f) => !gone.has(f.split(".")[0]!)),
    components: uniq(impacts.flatMap((i) => i.components.map((c) => `${c.page} / ${c.id} (${c.type})`))),
    flowTriggers: uniq(impacts.flatMap((i) => i.flowTriggers)),
    flowMentions: uniq(impacts.flatMap((i) => i.flowMentions)),
  };
}

export function ImpactGroups({ groups, none }: { groups: ImpactGroup[]; none: MessageKey }) {
  const { t } = useI18n();
  const shown = groups.filter((g) => g.items.length);
  if (!shown.length) return <Text size="sm">{t(none)}</Text>;
  return (
    <Stack gap="xs">
      {shown.map((g) => (
        <div key={g.title}>
          <Text size="sm" fw={600}>
            {t(g.title)}
          </Text>
          <List size="sm" spacing={2}>
            {g.items.map((i) => (
              <List.Item key={i}>{i}</List.Item>
            ))}
          </List>
        </div>
      ))}
    </Stack>
  );
}

/** The records of each type in each app, with what happens to them (`kept`) and, for a removal, how to delete them for good. */
export function RecordCounts({ data, kept, purge = false }: { data: DataImpact; kept: ReactNode; purge?: boolean }) {
  return <DataImpactStatus data={data}>{(byType) => <CountTable byType={byType} kept={kept} purge={purge} />}</DataImpactStatus>;
}

function CountTable({ byType, kept, purge }: { byType: Record<string, AppImpact[]>; kept: ReactNode; purge: boolean }) {
  const { t, tn } = useI18n();
  const rows = Object.entries(byType).flatMap(([type, apps]) => apps.map((a) => ({ type, ...a })));
  const slugs = [...new Set(rows.map((r) => r.slug))];
  return (
    <Stack gap="xs">
      <Table withTableBorder striped fz="sm" data-testid="erd-record-counts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("erdColType")}</Table.Th>
            <Table.Th>{t("erdColApp")}</Table.Th>
            <Table.Th>{t("erdColRecords")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.type}/${r.slug}`}>
              <Table.Td>{r.type}</Table.Td>
              <Table.Td>{r.slug}</Table.Td>
              <Table.Td>{tn("records", r.records)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {rows.some((r) => r.records > 0) ? (
        <>
          <Text size="sm">{kept}</Text>
          {purge ? (
            <Text size="sm">
              {t("erdPurge")}{" "}
              {slugs.map((s, i) => (
                <span key={s}>
                  {i ? ", " : null}
                  <Code>torque app purge {s}</Code>
                </span>
              ))}
            </Text>
          ) : null}
        </>
      ) : (
        <Text size="sm">{t("erdNoRecords")}</Text>
      )}
    </Stack>
  );
}

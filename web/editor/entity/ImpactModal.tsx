/** @jsxImportSource react */
// The confirmation before a rename, removal or type change: what else in the model changes
// with it (relationships, reference fields, page components, indexes, flows) and, per app,
// the records it touches, read from the server when the dialog opens. Nothing is applied
// until the user confirms.
import { Button, Group, List, Modal, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { DataImpactStatus } from "../common/DataImpactStatus";
import { type AppImpact, useDataImpact } from "../common/dataImpact";
import { useI18n } from "../lib/i18n";
import type { Impact } from "../state/actions";
import { useEditor } from "../state/context";

export interface ImpactModalProps {
  opened: boolean;
  onClose(): void;
  title: string;
  /** What else changes; omitted when the change touches nothing else by nature (a type change). */
  impact?: Impact;
  /** "These change with it:" or "These go with it:". */
  impactHeading?: string;
  /** The data to ask the server about, and how to say what happens to it. */
  data?: DataSpec;
  confirmLabel: string;
  danger?: boolean;
  confirmDisabled?: boolean;
  onConfirm(): void;
  /** Inputs the change needs (the values of a new enum, a reference's target). */
  children?: ReactNode;
}

/** The records a change touches, one line per app, and what becomes of them. */
export interface DataSpec {
  entity: string;
  /** With a field, what counts is the records holding a value in it; without, the records of the type. */
  field?: string;
  /** One app's line ("crm: 2 records hold a value in stage"), given its count. */
  line(app: AppImpact, n: number): string;
  /** What becomes of the data: said when an app has some. */
  note: string;
}

export const impactIsEmpty = (i: Impact) =>
  !i.relationships.length && !i.referenceFields.length && !i.components.length && !i.indexes.length && !i.flowTriggers.length && !i.flowMentions.length;

function ImpactList({ impact, heading }: { impact: Impact; heading: string }) {
  const { t } = useI18n();
  if (impactIsEmpty(impact)) return <Text size="sm">{t("entityImpactNothing")}</Text>;
  const items = [
    ...impact.relationships.map((name) => t("entityImpactRelationship", { name })),
    ...impact.referenceFields.map((name) => t("entityImpactReferenceField", { name })),
    ...impact.components.map((c) => t("entityImpactComponent", { page: c.page, type: c.type, id: c.id, at: c.at })),
    ...impact.indexes.map((name) => t("entityImpactIndex", { name })),
    ...impact.flowTriggers.map((name) => t("entityImpactFlowTrigger", { name })),
  ];
  return (
    <Stack gap={4}>
      {items.length ? (
        <>
          <Text size="sm">{heading}</Text>
          <List size="sm" data-testid="impact-list">
            {items.map((s) => (
              <List.Item key={s}>{s}</List.Item>
            ))}
          </List>
        </>
      ) : null}
      {impact.flowMentions.length ? <Text size="sm">{t("entityImpactFlowMentions", { names: impact.flowMentions.join(", ") })}</Text> : null}
    </Stack>
  );
}

function DataSection({ data: { entity, field, line, note }, active }: { data: DataSpec; active: boolean }) {
  const { t } = useI18n();
  const model = useEditor((s) => s.id);
  const load = useDataImpact(model, active ? [entity] : null, field);
  const counted = (a: AppImpact) => (field === undefined ? a.records : (a.withValue ?? 0));
  return (
    <Stack gap={4} data-testid="impact-data">
      <Title order={3} size="h5">
        {t("entityImpactData")}
      </Title>
      <DataImpactStatus data={load}>
        {(byType) => {
          const apps = byType[entity] ?? [];
          return (
            <>
              <List size="sm">
                {apps.map((a) => (
                  <List.Item key={a.slug}>{line(a, counted(a))}</List.Item>
                ))}
              </List>
              {apps.some((a) => counted(a) > 0) ? <Text size="sm">{note}</Text> : null}
            </>
          );
        }}
      </DataImpactStatus>
    </Stack>
  );
}

export function ImpactModal(p: ImpactModalProps) {
  const { t } = useI18n();
  return (
    <Modal opened={p.opened} onClose={p.onClose} title={p.title} size="lg" className="entity-modal" closeButtonProps={{ "aria-label": t("close") }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!p.confirmDisabled) p.onConfirm();
        }}
        noValidate
      >
        <Stack>
          {p.impact ? <ImpactList impact={p.impact} heading={p.impactHeading ?? ""} /> : null}
          {p.data ? <DataSection data={p.data} active={p.opened} /> : null}
          {p.children}
          <Group justify="flex-end">
            <Button variant="default" onClick={p.onClose} data-autofocus={p.danger ? true : undefined}>
              {t("cancel")}
            </Button>
            <Button type="submit" color={p.danger ? "red" : undefined} disabled={p.confirmDisabled} data-autofocus={p.danger ? undefined : true}>
              {p.confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

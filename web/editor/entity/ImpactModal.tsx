/** @jsxImportSource react */
// The confirmation before a rename, removal or type change: what else in the model changes
// with it (relationships, reference fields, page components, indexes, flows) and, per app,
// the records it touches, read from the server when the dialog opens. Nothing is applied
// until the user confirms.
import { Button, Group, List, Loader, Modal, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useI18n } from "../lib/i18n";
import type { Impact } from "../state/actions";
import { useEditor } from "../state/context";
import { type AppImpact, useDataImpact } from "./dataImpact";

export interface ImpactModalProps {
  opened: boolean;
  onClose(): void;
  title: string;
  intro?: ReactNode;
  /** What else changes; omitted when the change touches nothing else by nature (a type change). */
  impact?: Impact;
  /** "These change with it:" or "These go with it:". */
  impactHeading?: string;
  /** The data to ask the server about, and how to say what happens to it. */
  data?: { entity: string; field?: string; render(apps: AppImpact[]): ReactNode };
  confirmLabel: string;
  danger?: boolean;
  confirmDisabled?: boolean;
  onConfirm(): void;
  /** Inputs the change needs (the values of a new enum, a reference's target). */
  children?: ReactNode;
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

function DataSection({ entity, field, render, active }: { entity: string; field?: string; render(apps: AppImpact[]): ReactNode; active: boolean }) {
  const { t } = useI18n();
  const model = useEditor((s) => s.id);
  const load = useDataImpact(model, entity, field, active);
  return (
    <Stack gap={4} data-testid="impact-data">
      <Title order={3} size="h5">
        {t("entityImpactData")}
      </Title>
      {load.status === "loading" ? (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm">{t("entityImpactDataLoading")}</Text>
        </Group>
      ) : load.status === "error" ? (
        <Text size="sm" role="alert" c="var(--mantine-color-error)">
          {t("entityImpactDataFailed", { message: load.message })}
        </Text>
      ) : load.apps.length === 0 ? (
        <Text size="sm">{t("entityImpactNoApps")}</Text>
      ) : (
        render(load.apps)
      )}
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
          {p.intro ? <Text size="sm">{p.intro}</Text> : null}
          {p.impact ? <ImpactList impact={p.impact} heading={p.impactHeading ?? ""} /> : null}
          {p.data ? <DataSection entity={p.data.entity} field={p.data.field} render={p.data.render} active={p.opened} /> : null}
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

/** @jsxImportSource react */
// Confirms renaming an entity type: what the rename carries the new name to (relationships,
// reference fields, page components, flow triggers), the flow scripts that mention the old
// name (not rewritten), and the records that stay stored under the old name, hidden until
// the type is renamed back.
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useMemo } from "react";
import type { Model } from "../../../src/model/schema";
import { useDataImpact } from "../common/dataImpact";
import { useI18n } from "../lib/i18n";
import { impactOfEntity } from "../state/actions";
import { ImpactGroups, mergeImpacts, RecordCounts } from "./Impact";
import { useLast } from "./useLast";

export function RenameEntityModal({
  doc,
  modelId,
  rename,
  onClose,
  onConfirm,
}: {
  doc: Model;
  modelId: string;
  rename: { from: string; to: string } | null;
  onClose(): void;
  onConfirm(): void;
}) {
  const { t } = useI18n();
  const shown = useLast(rename);
  const from = shown?.from ?? "";
  const to = shown?.to ?? "";
  const types = useMemo(() => (rename ? [rename.from] : null), [rename]);
  const data = useDataImpact(modelId, types);
  // As it was before the rename: while the dialog fades out, the model has the new name.
  const impactOf = useMemo(() => mergeImpacts(from ? [impactOfEntity(doc, from)] : []), [doc, from]);
  const impact = useLast(rename ? impactOf : null) ?? impactOf;
  return (
    <Modal
      className="erd-dialog"
      opened={rename !== null}
      onClose={onClose}
      title={t("erdRenameTitle", { from, to })}
      size="lg"
      closeButtonProps={{ "aria-label": t("close") }}
    >
      <Stack data-testid="erd-rename">
        <ImpactGroups
          none="erdRenameNothingElse"
          groups={[
            { title: "erdRenameRelationships", items: impact.relationships },
            { title: "erdRenameReferenceFields", items: impact.referenceFields },
            { title: "erdRenameComponents", items: impact.components },
            { title: "erdRenameFlows", items: impact.flowTriggers },
            { title: "erdImpactMentions", items: impact.flowMentions },
          ]}
        />
        <div>
          <Text size="sm" fw={600}>
            {t("erdRecords")}
          </Text>
          <RecordCounts data={data} kept={t("erdRenameRecordsKept", { from, to })} />
        </div>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t("cancel")}
          </Button>
          <Button onClick={onConfirm}>{t("erdRenameConfirm")}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

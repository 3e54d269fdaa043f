/** @jsxImportSource react */
// Confirms the removal of the selection: for entity types, everything that goes with them
// (relationships, reference fields of other types, page components, flows they trigger)
// and the records each app holds of them, which stay hidden rather than deleted; for
// relationships alone, that their key fields stay with their values.
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { memo, useMemo } from "react";
import type { Model } from "../../../src/model/schema";
import { useDataImpact } from "../common/dataImpact";
import { useI18n } from "../lib/i18n";
import { impactOfEntity, removeEntities, removeRelationships } from "../state/actions";
import type { Action } from "../state/store";
import { coveredField } from "./graph";
import { ImpactGroups, mergeImpacts, RecordCounts } from "./Impact";
import { useLast } from "./useLast";

export interface DeleteRequest {
  types: string[];
  rels: string[];
}

/** One action for the selection: the types (with all they take along) and the relationships not already among those. */
export function deleteAction(doc: Model, req: DeleteRequest): Action {
  const gone = new Set(req.types);
  const rels = req.rels.filter((name) => {
    const r = doc.relationships?.find((x) => x.name === name);
    return r && !gone.has(r.from) && !gone.has(r.to);
  });
  if (!req.types.length) return removeRelationships(rels);
  const a = removeEntities(doc, req.types);
  return rels.length ? { label: a.label, edits: [...removeRelationships(rels).edits, ...a.edits] } : a;
}

// Memoised: the diagram re-renders on every frame of a drag, this does not need to.
export const DeleteModal = memo(function DeleteModal({
  doc,
  modelId,
  request,
  onClose,
  onDelete,
}: {
  doc: Model;
  modelId: string;
  request: DeleteRequest | null;
  onClose(): void;
  onDelete(a: Action): void;
}) {
  const { t } = useI18n();
  const shown = useLast(request);
  const types = shown?.types ?? [];
  const rels = shown?.rels ?? [];
  const data = useDataImpact(modelId, request && types.length ? types : null);
  // Worked out while the dialog is open: after the removal the model no longer has what it lists.
  const current = useMemo(() => {
    const impact = mergeImpacts(
      types.map((n) => impactOfEntity(doc, n)),
      new Set(types),
    );
    const allRels = [...new Set([...impact.relationships, ...rels])];
    // For relationships removed on their own: the reference fields that held them stay.
    const keptKeys = rels.flatMap((name) => {
      const r = doc.relationships?.find((x) => x.name === name);
      const f = r && !types.includes(r.from) && !types.includes(r.to) ? coveredField(doc, r) : undefined;
      return r && f ? [`${r.to}.${f}`] : [];
    });
    const nmLinks = allRels.filter((name) => doc.relationships?.find((x) => x.name === name)?.kind === "n:m");
    return { impact, allRels, keptKeys, nmLinks };
  }, [doc, types, rels]);
  const { impact, allRels, keptKeys, nmLinks } = useLast(request ? current : null) ?? current;
  const title = types.length
    ? types.length === 1
      ? t("erdDeleteTypeTitle", { name: types[0]! })
      : t("erdDeleteTypesTitle", { n: types.length })
    : rels.length === 1
      ? t("erdDeleteRelTitle", { name: rels[0]! })
      : t("erdDeleteRelsTitle", { n: rels.length });

  return (
    <Modal className="erd-dialog" opened={request !== null} onClose={onClose} title={title} size="lg" closeButtonProps={{ "aria-label": t("close") }}>
      <Stack data-testid="erd-delete">
        {types.length > 1 ? <Text size="sm">{t("erdDeleteTypesList", { names: types.join(", ") })}</Text> : null}
        <ImpactGroups
          none="erdDeleteNothingElse"
          groups={[
            { title: "erdImpactRelationships", items: allRels },
            { title: "erdImpactReferenceFields", items: impact.referenceFields },
            { title: "erdImpactComponents", items: impact.components },
            { title: "erdImpactFlows", items: impact.flowTriggers },
            { title: "erdImpactMentions", items: impact.flowMentions },
          ]}
        />
        {keptKeys.length ? <Text size="sm">{t("erdDeleteKeysKept", { fields: keptKeys.join(", ") })}</Text> : null}
        {nmLinks.length ? <Text size="sm">{t("erdDeleteLinksKept", { names: nmLinks.join(", ") })}</Text> : null}
        {types.length ? (
          <div>
            <Text size="sm" fw={600}>
              {t("erdRecords")}
            </Text>
            <RecordCounts data={data} kept={t("erdDeleteRecordsKept")} purge />
          </div>
        ) : null}
        <Text size="sm">{t("erdUndoHint")}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t("cancel")}
          </Button>
          <Button color="red" onClick={() => request && onDelete(deleteAction(doc, request))}>
            {t("erdDeleteConfirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
});

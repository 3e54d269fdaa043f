/** @jsxImportSource react */
// Beside the canvas (never over it): the selected entity type or relationship to edit, the
// count of a multiple selection with its removal, or how to start.
import { Button, List, Stack, Text } from "@mantine/core";
import { memo, type ReactNode } from "react";
import type { Model } from "../../../src/model/schema";
import { useI18n } from "../lib/i18n";
import { EntityPanel } from "./EntityPanel";
import type { XY } from "./graph";
import { RelationshipPanel } from "./RelationshipPanel";

// Memoised: the diagram re-renders on every frame of a drag, this does not need to.
export const SelectionPanel = memo(function SelectionPanel({
  doc,
  modelId,
  types,
  rels,
  unplaced,
  onConnect,
  onDelete,
}: {
  doc: Model;
  modelId: string;
  types: string[];
  rels: string[];
  unplaced: Record<string, XY>;
  onConnect(): void;
  onDelete(): void;
}) {
  const { t, tn } = useI18n();
  let body: ReactNode;
  if (types.length === 1 && !rels.length)
    body = <EntityPanel doc={doc} modelId={modelId} name={types[0]!} unplaced={unplaced} onConnect={onConnect} onDelete={onDelete} />;
  else if (!types.length && rels.length === 1) body = <RelationshipPanel doc={doc} name={rels[0]!} onDelete={onDelete} />;
  else if (types.length || rels.length)
    body = (
      <Stack gap="sm" data-testid="erd-multi-panel">
        <Text fw={600}>{types.length ? tn("erdSelectedTypes", types.length) : tn("erdSelectedRels", rels.length)}</Text>
        <List size="sm" spacing={2}>
          {(types.length ? types : rels).map((n) => (
            <List.Item key={n}>{n}</List.Item>
          ))}
        </List>
        <Button variant="default" color="red" size="xs" onClick={onDelete} style={{ alignSelf: "flex-start" }}>
          {t("erdDeleteButton")}
        </Button>
      </Stack>
    );
  else
    body = (
      <Stack gap="xs">
        <Text size="sm">{t("erdPanelEmpty")}</Text>
        <Text size="sm">{t("erdPanelConnectHint")}</Text>
        <Text size="sm">{t("erdPanelKeysHint")}</Text>
      </Stack>
    );
  return (
    <aside className="erd-panel" aria-label={t("erdPanel")}>
      {body}
    </aside>
  );
});

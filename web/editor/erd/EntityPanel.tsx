/** @jsxImportSource react */
// The selected entity type beside the diagram: its name (a rename is confirmed first: it
// carries the new name everywhere and leaves the records of the old name hidden), its
// label, its fields and relationships, and the ways on: the entity editor, connecting and
// removing.
import { Anchor, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { Model } from "../../../src/model/schema";
import { CommitText } from "../common/CommitInput";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import { Link, setSearch } from "../lib/route";
import { renameEntity, updateEntity } from "../state/actions";
import { useRun } from "../state/context";
import { tabHref } from "../workspace/tabs";
import { pinned } from "./actions";
import type { XY } from "./graph";
import { RenameEntityModal } from "./RenameEntityModal";

export function EntityPanel({
  doc,
  modelId,
  name,
  unplaced,
  onConnect,
  onDelete,
}: {
  doc: Model;
  modelId: string;
  name: string;
  unplaced: Record<string, XY>;
  onConnect(): void;
  onDelete(): void;
}) {
  const { t } = useI18n();
  const run = useRun();
  const checkName = useNameCheck("quoted");
  const [rename, setRename] = useState<{ from: string; to: string } | null>(null);
  // Bumped to put the name field back after a rename is cancelled.
  const [nameKey, setNameKey] = useState(0);
  const e = doc.entities.find((x) => x.name === name);
  if (!e) return null;
  const taken = doc.entities.map((x) => x.name).filter((n) => n !== name);
  const rels = (doc.relationships ?? []).filter((r) => r.from === name || r.to === name);
  const cancelRename = () => {
    setRename(null);
    setNameKey((k) => k + 1);
  };
  const confirmRename = () => {
    if (!rename) return;
    if (run(pinned(renameEntity(doc, rename.from, rename.to), unplaced))) setSearch({ sel: rename.to, rel: null });
    cancelRename();
  };
  return (
    <Stack gap="sm" data-testid="erd-entity-panel">
      <div>
        <Text size="xs" c="dimmed" fw={600} tt="uppercase">
          {t("erdPanelEntity")}
        </Text>
        <Title order={2} size="h4">
          {e.label ?? e.name}
        </Title>
      </div>
      <CommitText
        key={`${name}/${nameKey}`}
        label={t("erdEntityName")}
        description={t("commonNameHint")}
        value={name}
        check={(v) => checkName(v, taken)}
        // Enter and then the blur as the dialog takes focus commit twice: one dialog.
        onCommit={(v) => setRename((r) => r ?? { from: name, to: v })}
        spellCheck={false}
      />
      <CommitText
        key={`${name}/label`}
        label={t("erdEntityLabel")}
        value={e.label ?? ""}
        check={(v) => (v.trim().length > 200 ? t("erdLabelTooLong") : null)}
        onCommit={(v) => {
          run(updateEntity(name, { label: v.trim() || null }));
        }}
        spellCheck={false}
      />
      <Group gap="xs">
        <Button component={Link} href={tabHref(modelId, "entities", name)} variant="light" size="xs">
          {t("erdOpenEditor")}
        </Button>
        <Button variant="default" size="xs" onClick={onConnect}>
          {t("erdConnectButton")}
        </Button>
        <Button variant="default" color="red" size="xs" onClick={onDelete}>
          {t("erdDeleteButton")}
        </Button>
      </Group>
      <div>
        <Text size="sm" fw={600}>
          {t("erdFieldsHeading", { n: e.fields.length })}
        </Text>
        {e.fields.length ? (
          <ul className="erd-panel-list">
            {e.fields.map((f) => (
              <li key={f.name}>
                <Anchor component={Link} href={tabHref(modelId, "entities", name, { field: f.name })} size="sm">
                  {f.name}
                </Anchor>{" "}
                <Text span size="sm" c="dimmed">
                  {f.type === "reference" ? `→ ${f.entity}` : f.type}
                  {f.required ? ` · ${t("erdRequired")}` : ""}
                </Text>
              </li>
            ))}
          </ul>
        ) : (
          <Text size="sm">{t("erdNoFields")}</Text>
        )}
      </div>
      <div>
        <Text size="sm" fw={600}>
          {t("erdRelsHeading")}
        </Text>
        {rels.length ? (
          <ul className="erd-panel-list">
            {rels.map((r) => (
              <li key={r.name}>
                <Anchor component="button" type="button" size="sm" onClick={() => setSearch({ sel: null, rel: r.name })}>
                  {r.name}
                </Anchor>{" "}
                <Text span size="sm" c="dimmed">
                  {r.from} {r.kind} {r.to}
                </Text>
              </li>
            ))}
          </ul>
        ) : (
          <Text size="sm">{t("erdNoRels")}</Text>
        )}
      </div>
      <RenameEntityModal doc={doc} modelId={modelId} rename={rename} onClose={cancelRename} onConfirm={confirmRename} />
    </Stack>
  );
}

/** @jsxImportSource react */
// The selected relationship beside the diagram: kind, name, label, the key field holding a
// 1:1 or 1:n (a reference of `to` to `from`), what deleting a `from` record does, and
// removal. Each change is one action.
import { Button, Radio, Select, Stack, Text, Title } from "@mantine/core";
import type { Model, Relationship } from "../../../src/model/schema";
import { CommitText } from "../common/CommitInput";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import { setSearch } from "../lib/route";
import { updateRelationship } from "../state/actions";
import { useRun } from "../state/context";
import { changeKind, keyFieldsFor } from "./actions";
import { coveredField } from "./graph";

type Kind = Relationship["kind"];
const KINDS: Kind[] = ["1:n", "1:1", "n:m"];
const KIND_TEXT = { "1:n": "erdKind1n", "1:1": "erdKind11", "n:m": "erdKindNm" } as const;

export function RelationshipPanel({ doc, name, onDelete }: { doc: Model; name: string; onDelete(): void }) {
  const { t } = useI18n();
  const run = useRun();
  const checkName = useNameCheck("quoted");
  const r = doc.relationships?.find((x) => x.name === name);
  if (!r) return null;
  const others = (doc.relationships ?? []).map((x) => x.name).filter((n) => n !== name);
  const key = coveredField(doc, r);
  const keyField = key ? doc.entities.find((e) => e.name === r.to)?.fields.find((f) => f.name === key) : undefined;
  const keyOptions = keyFieldsFor(doc, r.from, r.to);
  const setNullBlocked = r.kind !== "n:m" && keyField?.required === true;
  return (
    <Stack gap="sm" data-testid="erd-relationship-panel">
      <div>
        <Text size="xs" c="dimmed" fw={600} tt="uppercase">
          {t("erdPanelRelationship")}
        </Text>
        <Title order={2} size="h4">
          {r.label ?? r.name}
        </Title>
        <Text size="sm">
          {r.from} {r.kind} {r.to}
        </Text>
      </div>
      <Radio.Group
        label={t("erdKind")}
        value={r.kind}
        onChange={(v) => {
          const a = changeKind(doc, r, v as Kind);
          if (a) run(a);
        }}
      >
        <Stack gap={6} mt={4}>
          {KINDS.map((k) => (
            <Radio key={k} value={k} label={`${k} · ${t(KIND_TEXT[k], { from: r.from, to: r.to })}`} />
          ))}
        </Stack>
      </Radio.Group>
      {r.kind === "n:m" ? <Text size="sm">{t("erdNmNoKey")}</Text> : null}
      <CommitText
        key={`${name}/name`}
        label={t("erdRelName")}
        description={r.kind === "n:m" ? t("erdRelRenameNm") : undefined}
        value={r.name}
        check={(v) => checkName(v, others)}
        onCommit={(v) => {
          if (run(updateRelationship(r.name, { name: v }))) setSearch({ sel: null, rel: v });
        }}
        spellCheck={false}
      />
      <CommitText
        key={`${name}/label`}
        label={t("erdRelLabel")}
        value={r.label ?? ""}
        check={(v) => (v.trim().length > 200 ? t("erdLabelTooLong") : null)}
        onCommit={(v) => {
          run(updateRelationship(r.name, { label: v.trim() || null }));
        }}
        spellCheck={false}
      />
      {r.kind !== "n:m" ? (
        <Select
          label={t("erdInverse")}
          description={t("erdInverseHint", { from: r.from, to: r.to })}
          data={keyOptions}
          value={key ?? null}
          allowDeselect={false}
          onChange={(v) => v && v !== r.inverse && run(updateRelationship(r.name, { inverse: v }))}
        />
      ) : null}
      <Select
        label={t("erdOnDelete")}
        description={setNullBlocked ? t("erdSetNullBlocked", { field: `${r.to}.${key}` }) : t("erdOnDeleteHint", { from: r.from })}
        data={[
          { value: "restrict", label: t("erdOnDeleteRestrict") },
          { value: "cascade", label: t("erdOnDeleteCascade", { to: r.to }) },
          { value: "setNull", label: t("erdOnDeleteSetNull"), disabled: setNullBlocked },
        ]}
        value={r.onDelete ?? "restrict"}
        allowDeselect={false}
        onChange={(v) => v && v !== (r.onDelete ?? "restrict") && run(updateRelationship(r.name, { onDelete: v === "restrict" ? null : v }))}
      />
      <Button variant="default" color="red" size="xs" onClick={onDelete} style={{ alignSelf: "flex-start" }}>
        {t("erdRemoveRel")}
      </Button>
    </Stack>
  );
}

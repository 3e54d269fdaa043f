/** @jsxImportSource react */
// A component's filter as rows (field, operator, value; every row must hold), offering for
// each field only the operators its type accepts and a value control that fits it (the
// enum's values, true/false, empty/not empty). A filter the rows cannot show (groups, a
// search, a range) is edited as JSON, checked as it is committed. Each change is one action.
import { ActionIcon, Button, Group, NativeSelect, Stack, Text } from "@mantine/core";
import type { EntityType, Field } from "../../../../src/model/schema";
import { CommitText, CommitTextarea } from "../../common/CommitInput";
import { type MessageKey, useI18n } from "../../lib/i18n";
import { fromRows, opsFor, type Row, type RowOp, textOf, toRows, valueFrom } from "./filter";

type Obj = Record<string, unknown>;

const OP_LABELS: Record<RowOp, MessageKey> = {
  eq: "opEq",
  ne: "opNe",
  gt: "opGt",
  gte: "opGte",
  lt: "opLt",
  lte: "opLte",
  contains: "opContains",
  startsWith: "opStartsWith",
  endsWith: "opEndsWith",
  in: "opIn",
  nin: "opNin",
  isNull: "opIsNull",
};
const SYSTEM = ["id", "createdAt", "updatedAt"] as const;

export function FilterBuilder({ entity, value, onChange }: { entity: EntityType | undefined; value: unknown; onChange(filter: Obj | undefined): void }) {
  const { t } = useI18n();
  const rows = toRows(value);
  const fieldOf = (name: string): Field | undefined => entity?.fields.find((f) => f.name === name);
  const opsOf = (name: string): RowOp[] => {
    const f = fieldOf(name);
    return f ? opsFor(f) : (SYSTEM as readonly string[]).includes(name) ? opsFor({ name: name as (typeof SYSTEM)[number] }) : ["eq"];
  };
  const names = [...(entity?.fields.map((f) => f.name) ?? []), ...SYSTEM];

  if (rows === null)
    return (
      <CommitTextarea
        label={t("filterJson")}
        description={t("filterJsonHint")}
        value={JSON.stringify(value, null, 2)}
        autosize
        minRows={3}
        maxLength={20000}
        check={(text) => {
          if (!text.trim()) return null;
          try {
            const v = JSON.parse(text);
            return v && typeof v === "object" && !Array.isArray(v) ? null : t("filterJsonNotObject");
          } catch (e) {
            return t("filterJsonInvalid", { message: (e as Error).message });
          }
        }}
        onCommit={(text) => {
          onChange(text.trim() ? (JSON.parse(text) as Obj) : undefined);
        }}
      />
    );

  const write = (next: Row[]) => onChange(fromRows(next));
  const change = (i: number, row: Row) => write(rows.map((r, j) => (j === i ? row : r)));

  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {t("filterTitle")}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("filterNone")}
        </Text>
      ) : null}
      {rows.map((r, i) => {
        const n = i + 1;
        const f = fieldOf(r.field);
        const ops = opsOf(r.field);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          <Group key={i} gap={6} align="flex-end" wrap="nowrap" data-condition={i}>
            <NativeSelect
              label={t("filterField", { n })}
              value={r.field}
              data={names.includes(r.field) ? names : [r.field, ...names]}
              onChange={(e) => {
                const name = e.currentTarget.value;
                const allowed = opsOf(name);
                change(i, { field: name, op: allowed.includes(r.op) ? r.op : allowed[0]!, value: r.op === "isNull" ? true : "" });
              }}
              style={{ flex: 1 }}
            />
            <NativeSelect
              label={t("filterOp", { n })}
              value={r.op}
              data={ops.map((op) => ({ value: op, label: t(OP_LABELS[op]) }))}
              onChange={(e) => {
                const op = e.currentTarget.value as RowOp;
                change(i, { ...r, op, value: op === "isNull" ? true : valueFrom(f, op, textOf(r.value)) });
              }}
              style={{ flex: 1 }}
            />
            <div style={{ flex: 1 }}>
              <ValueInput n={n} field={f} row={r} onChange={(v) => change(i, { ...r, value: v })} />
            </div>
            <ActionIcon variant="light" color="red" size="lg" aria-label={t("filterRemove", { n })} onClick={() => write(rows.filter((_, j) => j !== i))}>
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
          onClick={() => {
            const name = names[0]!;
            write([...rows, { field: name, op: opsOf(name)[0]!, value: "" }]);
          }}
        >
          {t("filterAdd")}
        </Button>
      </Group>
    </Stack>
  );
}

function ValueInput({ n, field, row, onChange }: { n: number; field: Field | undefined; row: Row; onChange(v: unknown): void }) {
  const { t } = useI18n();
  const label = t("filterValue", { n });
  if (row.op === "isNull")
    return (
      <NativeSelect
        label={label}
        value={String(row.value === true)}
        data={[
          { value: "true", label: t("filterEmpty") },
          { value: "false", label: t("filterNotEmpty") },
        ]}
        onChange={(e) => onChange(e.currentTarget.value === "true")}
      />
    );
  const single = row.op !== "in" && row.op !== "nin";
  if (single && field?.type === "boolean")
    return (
      <NativeSelect label={label} value={String(row.value === true)} data={["true", "false"]} onChange={(e) => onChange(e.currentTarget.value === "true")} />
    );
  if (single && field?.type === "enum" && (row.op === "eq" || row.op === "ne"))
    return (
      <NativeSelect
        label={label}
        value={textOf(row.value)}
        data={[
          ...(field.values?.includes(textOf(row.value)) ? [] : [{ value: textOf(row.value), label: textOf(row.value) || t("propUnset") }]),
          ...(field.values ?? []),
        ]}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  return <CommitText label={label} value={textOf(row.value)} onCommit={(text) => onChange(valueFrom(field, row.op, text))} maxLength={2000} />;
}

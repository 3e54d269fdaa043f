/** @jsxImportSource react */
// A component's filter as rows (field, operator, value; every row must hold), offering for
// each field only the operators its type accepts and a value control that fits it (the
// enum's values, true/false, empty/not empty). A new condition is saved once it has a
// value (the app applies a filter at once, so a half-made one would empty the grid), and a
// field takes each operator once (two would merge into one). A filter the rows cannot show
// (groups, a search, a range) is edited as JSON, checked as it is committed. Each change
// is one action.
import { ActionIcon, Button, Group, NativeSelect, Stack, Text } from "@mantine/core";
import { useState } from "react";
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

/** A row that says something: a value given (or an emptiness test). */
const complete = (r: Row) => r.op === "isNull" || (Array.isArray(r.value) ? r.value.length > 0 : r.value !== "" && r.value !== undefined);

export function FilterBuilder({ entity, value, onChange }: { entity: EntityType | undefined; value: unknown; onChange(filter: Obj | undefined): void }) {
  const { t } = useI18n();
  const saved = toRows(value);
  // The condition being made, not saved until it is complete.
  const [draft, setDraft] = useState<Row | null>(null);
  const rows = saved && draft ? [...saved, draft] : saved;
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

  const write = (next: Row[]) => onChange(fromRows(next.filter(complete)));
  const change = (i: number, row: Row) => {
    if (draft && i === rows.length - 1) {
      if (complete(row)) {
        setDraft(null);
        write([...saved!, row]);
      } else setDraft(row);
      return;
    }
    if (complete(row)) write(rows.map((r, j) => (j === i ? row : r)));
  };
  /** The operators a row may take: its field's, less those other rows of that field use. */
  const freeOps = (name: string, i: number) => opsOf(name).filter((op) => !rows.some((r, j) => j !== i && r.field === name && r.op === op));

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
        const ops = freeOps(r.field, i);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          <Group key={i} gap={6} align="flex-end" wrap="nowrap" data-condition={i}>
            <NativeSelect
              label={t("filterField", { n })}
              value={r.field}
              data={names.includes(r.field) ? names : [r.field, ...names]}
              onChange={(e) => {
                const name = e.currentTarget.value;
                const allowed = freeOps(name, i);
                if (!allowed.length) return;
                const op = allowed.includes(r.op) ? r.op : allowed[0]!;
                // A value typed for another field's type starts over.
                change(i, { field: name, op, value: op === "isNull" ? true : "" });
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
            <ActionIcon
              variant="light"
              color="red"
              size="lg"
              aria-label={t("filterRemove", { n })}
              onClick={() => {
                if (draft && i === rows.length - 1) setDraft(null);
                else write(saved!.filter((_, j) => j !== i));
              }}
            >
              <span aria-hidden="true">×</span>
            </ActionIcon>
          </Group>
        );
      })}
      <Group>
        <Button
          size="compact-sm"
          variant="light"
          disabled={!names.length || !!draft}
          onClick={() => {
            // A field no row uses yet, if there is one.
            const name = names.find((x) => !rows.some((r) => r.field === x)) ?? names[0]!;
            const op = freeOps(name, -1)[0];
            if (op) setDraft({ field: name, op, value: op === "isNull" ? true : "" });
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

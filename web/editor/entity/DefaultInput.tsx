/** @jsxImportSource react */
// A field's default (used when a create leaves the field out), with an input that fits the
// type: a number input for numbers, checkboxes for a boolean, a date (or date and time)
// input with a "when created" option, a select of an enum's values, the values of a
// multienum as checkboxes, JSON text for json. Empty means no default. Selects are
// comboboxes: arrow keys on a closed native select would apply every value passed.
import { Checkbox, Group, Select, Stack, Text } from "@mantine/core";
import type { Field } from "../../../src/model/schema";
import { CommitNumber, CommitText, CommitTextarea } from "../common/CommitInput";
import { useI18n } from "../lib/i18n";
import { useRun } from "../state/context";
import { setFieldOptions } from "./actions";
import { NONE } from "./model";

const pad = (n: number) => String(n).padStart(2, "0");
/** A stored date-time (UTC) as the local "YYYY-MM-DDTHH:mm" a datetime-local input shows. */
function toLocalInput(v: unknown): string {
  if (typeof v !== "string") return "";
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function DefaultInput({ entity, field, problem }: { entity: string; field: Field; problem: string | null }) {
  const { t } = useI18n();
  const run = useRun();
  const d = field.default;
  const set = (v: unknown) => {
    run(setFieldOptions(entity, field.name, { default: v === undefined ? null : v }));
  };
  const label = t("entityDefault");
  const hint = t("entityDefaultHint");

  switch (field.type) {
    case "integer":
    case "number":
      return (
        <CommitNumber
          label={label}
          description={hint}
          value={typeof d === "number" ? d : undefined}
          onCommit={set}
          problem={problem}
          allowDecimal={field.type === "number"}
        />
      );
    case "boolean":
      return (
        <Stack gap={6}>
          <Checkbox
            label={t("entityDefaultBooleanSet")}
            checked={d !== undefined}
            onChange={(e) => set(e.currentTarget.checked ? false : undefined)}
            error={problem}
          />
          <Checkbox
            label={t("entityDefaultBooleanValue")}
            checked={d === true}
            disabled={d === undefined}
            onChange={(e) => set(e.currentTarget.checked)}
            ml="xl"
          />
        </Stack>
      );
    case "date":
    case "datetime": {
      const now = d === "now";
      return (
        <Stack gap={6}>
          <Checkbox
            label={t(field.type === "date" ? "entityDefaultToday" : "entityDefaultNow")}
            checked={now}
            onChange={(e) => set(e.currentTarget.checked ? "now" : undefined)}
          />
          {now ? null : field.type === "date" ? (
            <CommitText
              label={label}
              description={hint}
              type="date"
              value={typeof d === "string" ? d : ""}
              onCommit={(v) => set(v || undefined)}
              problem={problem}
            />
          ) : (
            <CommitText
              label={label}
              description={t("entityDefaultLocalTime", { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
              type="datetime-local"
              value={toLocalInput(d)}
              onCommit={(v) => set(v ? new Date(v).toISOString() : undefined)}
              problem={problem}
            />
          )}
          {now && problem ? (
            <Text size="sm" c="var(--mantine-color-error)">
              {problem}
            </Text>
          ) : null}
        </Stack>
      );
    }
    case "enum":
      return (
        <Select
          label={label}
          value={typeof d === "string" ? d : NONE}
          allowDeselect={false}
          onChange={(v) => set(!v || v === NONE ? undefined : v)}
          data={[{ value: NONE, label: t("entityNoDefault") }, ...(field.values ?? []).map((v) => ({ value: v, label: v }))]}
          error={problem}
        />
      );
    case "multienum": {
      const chosen = Array.isArray(d) ? d.map(String) : [];
      return (
        <Checkbox.Group
          label={label}
          description={t("entityDefaultMultiHint")}
          value={chosen}
          onChange={(v) => set(v.length ? (field.values ?? []).filter((x) => v.includes(x)) : undefined)}
          error={problem}
        >
          <Group gap="sm" mt={4}>
            {(field.values ?? []).map((v) => (
              <Checkbox key={v} value={v} label={v} />
            ))}
          </Group>
        </Checkbox.Group>
      );
    }
    case "json":
      return (
        <CommitTextarea
          label={label}
          description={t("entityDefaultJsonHint")}
          value={d === undefined ? "" : JSON.stringify(d)}
          check={(v) => {
            if (!v.trim()) return null;
            try {
              JSON.parse(v);
              return null;
            } catch (e) {
              return t("entityDefaultJsonInvalid", { message: e instanceof Error ? e.message : String(e) });
            }
          }}
          onCommit={(v) => set(v.trim() ? JSON.parse(v) : undefined)}
          problem={problem}
          autosize
          minRows={2}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        />
      );
    case "file":
      return (
        <CommitText
          label={label}
          description={t("entityDefaultFileHint")}
          type="url"
          value={typeof d === "string" ? d : d && typeof d === "object" && "url" in d ? String((d as { url: unknown }).url) : ""}
          onCommit={(v) => set(v || undefined)}
          problem={problem}
        />
      );
    case "reference":
      return null;
    default:
      return (
        <CommitText
          label={label}
          description={hint}
          type={field.type === "email" ? "email" : field.type === "url" ? "url" : "text"}
          value={typeof d === "string" ? d : ""}
          onCommit={(v) => set(v === "" ? undefined : v)}
          problem={problem}
        />
      );
  }
}

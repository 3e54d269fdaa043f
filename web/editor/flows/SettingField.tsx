/** @jsxImportSource react */
// One setting of a step, as its node type describes it (src/xflow/nodes): text and
// numbers in inputs, choices (entity types, their fields, other flows, options) in
// selects that know the model, JavaScript and JSON in the code editor. Each commits one
// change when the user is done with it; JSON that does not parse is named and not saved.
import { Select, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { Model, XFlow } from "../../../src/model/schema";
import type { Setting } from "../../../src/xflow/nodes/kind";
import { CommitNumber, CommitText } from "../common/CommitInput";
import { useI18n } from "../lib/i18n";
import { LazyCode } from "./code/LazyCode";

type NodeRecord = Record<string, unknown>;

export interface SettingFieldProps {
  setting: Setting;
  node: NodeRecord;
  doc: Model;
  flow: XFlow;
  /** A value of undefined removes the setting. */
  onSet(value: unknown): void;
  /** Keys of the last test input, offered after `input.` in code. */
  inputKeys: string[];
  problem?: string;
}

export function SettingField({ setting: s, node, doc, flow, onSet, inputKeys, problem }: SettingFieldProps) {
  const { t } = useI18n();
  const [badJson, setBadJson] = useState<string | null>(null);
  const value = node[s.key];
  const label = s.required ? `${s.key} *` : s.key;
  const common = { label, description: s.hint, "data-setting": s.key };
  const choose = (options: string[]) => (
    <Select
      {...common}
      data={options}
      value={typeof value === "string" ? value : null}
      clearable={!s.required}
      allowDeselect={!s.required}
      searchable={options.length > 8}
      error={problem}
      comboboxProps={{ withinPortal: true }}
      onChange={(v) => onSet(v ?? undefined)}
    />
  );
  switch (s.kind) {
    case "entity":
      return choose(doc.entities.map((e) => e.name));
    case "field": {
      const entity = doc.entities.find((e) => e.name === node[s.of ?? ""]);
      return choose(entity ? entity.fields.map((f) => f.name) : []);
    }
    case "flow":
      return choose((doc.xflows ?? []).map((f) => f.name).filter((n) => n !== flow.name));
    case "select":
      return choose([...(s.options ?? [])]);
    case "number":
      return (
        <CommitNumber
          {...common}
          value={typeof value === "number" ? value : undefined}
          min={s.min}
          max={s.max}
          problem={problem}
          check={(v) => (v === undefined && s.required ? t("flowsSettingRequired") : null)}
          onCommit={(v) => onSet(v)}
        />
      );
    case "text":
      return (
        <CommitText
          {...common}
          value={typeof value === "string" ? value : ""}
          placeholder={s.example}
          problem={problem}
          check={(v) => (!v.trim() && s.required ? t("flowsSettingRequired") : null)}
          onCommit={(v) => onSet(v === "" ? undefined : v)}
        />
      );
    default: {
      // JavaScript (a script's body, an expression over input) or JSON.
      const json = s.kind === "json";
      const text = value === undefined ? "" : json ? JSON.stringify(value, null, 2) : String(value);
      return (
        <Stack gap={4} data-setting={s.key}>
          <Text size="sm" fw={500} component="div">
            {label}
          </Text>
          <Text size="xs" c="dimmed">
            {s.hint}
            {s.example ? ` ${t("flowsSettingExample", { example: s.example })}` : ""}
          </Text>
          <LazyCode
            value={text}
            label={t("flowsSettingCode", { key: s.key, id: String(node.id) })}
            language={json ? "json" : "javascript"}
            mode={s.kind === "code" ? "script" : "expression"}
            minLines={s.kind === "code" ? 8 : 2}
            entities={doc.entities.map((e) => e.name)}
            inputKeys={inputKeys}
            problem={badJson ?? problem}
            testId={`setting-${s.key}`}
            onCommit={(next) => {
              setBadJson(null);
              if (!next.trim()) return onSet(undefined);
              if (!json) return onSet(next);
              try {
                onSet(JSON.parse(next));
              } catch (e) {
                // Named under the editor; nothing is saved until it parses.
                setBadJson(t("flowsJsonInvalid", { message: (e as Error).message }));
              }
            }}
          />
        </Stack>
      );
    }
  }
}

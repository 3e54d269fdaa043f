/** @jsxImportSource react */
// A text field's pattern, with a tester: a sample value shows at once whether it matches
// the pattern being typed, and a pattern that does not compile says why as it is typed (and
// is not applied). The server compiles patterns with the u flag and searches anywhere in
// the value, so the tester does the same.
import { Badge, Group, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import type { Field } from "../../../src/model/schema";
import { CommitText } from "../common/CommitInput";
import { useI18n } from "../lib/i18n";
import { useRun } from "../state/context";
import { setFieldOptions } from "./actions";
import { compilePattern } from "./model";

export function PatternInput({ entity, field, problem }: { entity: string; field: Field; problem: string | null }) {
  const { t } = useI18n();
  const run = useRun();
  const [draft, setDraft] = useState(field.pattern ?? "");
  const [sample, setSample] = useState("");
  const compiled = draft ? compilePattern(draft) : null;
  const result =
    compiled === null
      ? { color: "gray", text: t("entityPatternNone") }
      : "error" in compiled
        ? { color: "red", text: t("entityPatternFixFirst") }
        : !sample
          ? { color: "gray", text: t("entityPatternTypeSample") }
          : compiled.re.test(sample)
            ? { color: "teal", text: t("entityPatternMatch") }
            : { color: "red", text: t("entityPatternNoMatch") };

  return (
    <Stack gap="xs">
      <CommitText
        label={t("entityPattern")}
        description={t("entityPatternHint")}
        value={field.pattern ?? ""}
        onDraft={setDraft}
        check={(v) => {
          if (!v) return null;
          const c = compilePattern(v);
          return "error" in c ? t("entityPatternInvalid", { message: c.error }) : null;
        }}
        onCommit={(v) => {
          run(setFieldOptions(entity, field.name, { pattern: v || null }));
        }}
        problem={problem}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        autoComplete="off"
        spellCheck={false}
      />
      <Group align="flex-end" gap="sm" wrap="nowrap">
        <TextInput
          label={t("entityPatternSample")}
          value={sample}
          onChange={(e) => setSample(e.currentTarget.value)}
          style={{ flex: 1 }}
          autoComplete="off"
          spellCheck={false}
        />
        <Badge
          size="lg"
          variant="light"
          color={result.color}
          role="status"
          aria-live="polite"
          data-testid="pattern-result"
          style={{ textTransform: "none", flexShrink: 0, marginBottom: 4 }}
        >
          {result.text}
        </Badge>
      </Group>
    </Stack>
  );
}

/** @jsxImportSource react */
// A version saved elsewhere touched what the user has unsaved: say what both changed and
// let the user choose. Neither side is dropped without that choice.
import { Button, List, Modal, Stack, Text } from "@mantine/core";
import { type MessageKey, useI18n } from "../lib/i18n";
import { useNotices } from "../shell/notices";
import { useEditor, useStore } from "../state/context";

export function ConflictModal() {
  const { t } = useI18n();
  const store = useStore();
  const notices = useNotices();
  const conflict = useEditor((s) => s.conflict);
  if (!conflict) return null;
  const n = conflict.theirs.version;
  // "field:task.title" → "Field task.title"; a replay error (no kind prefix) is shown as it is.
  const describe = (key: string) => {
    const m = /^(entity|field|relationship|page|component|xflow|layout|model):(.+)$/.exec(key);
    return m ? t(`conflictKey_${m[1]}` as MessageKey, { name: m[2]!.replace("#", " / ") }) : key;
  };
  const choose = (c: "mine" | "theirs") => {
    const skipped = store.resolve(c);
    if (skipped.length) notices.error(t("conflictSkipped", { labels: skipped.join("; ") }));
  };
  return (
    // Closing without a choice is not offered: the editor cannot go on until one is made.
    <Modal opened onClose={() => {}} withCloseButton={false} closeOnEscape={false} closeOnClickOutside={false} title={t("conflictTitle")} size="lg">
      <Stack>
        <Text>{t("conflictText", { n })}</Text>
        <List data-testid="conflict-items">
          {conflict.items.map((i) => (
            <List.Item key={i}>{describe(i)}</List.Item>
          ))}
        </List>
        <Text>{t("conflictMine")}</Text>
        <List>
          {conflict.mine.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same label may repeat
            <List.Item key={i}>{l}</List.Item>
          ))}
        </List>
        <Button onClick={() => choose("mine")}>{t("conflictKeepMine", { n })}</Button>
        <Button variant="default" onClick={() => choose("theirs")}>
          {t("conflictTakeTheirs", { n })}
        </Button>
      </Stack>
    </Modal>
  );
}

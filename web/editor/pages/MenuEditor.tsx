/** @jsxImportSource react */
// The app's navigation menu: its entries in order, each a label and the page it opens;
// entries are added, relabelled, pointed elsewhere, moved and removed. Every change writes
// the whole menu as one action (setProperties navigation), so it undoes in one step.
import { ActionIcon, Button, Group, NativeSelect, Paper, Stack, Text, Title } from "@mantine/core";
import { useRef } from "react";
import { CommitText } from "../common/CommitInput";
import { useI18n } from "../lib/i18n";
import { useEditor, useRun } from "../state/context";
import { type MenuEntry, setMenu } from "../state/pageActions";

const NO_ENTRIES: MenuEntry[] = [];

export function MenuEditor() {
  const { t } = useI18n();
  const run = useRun();
  const menu = useEditor((s) => s.doc.navigation) ?? NO_ENTRIES;
  const pages = useEditor((s) => s.doc.pages);
  const names = (pages ?? []).map((p) => p.name);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const register = (key: string) => (el: HTMLButtonElement | null) => {
    el ? buttons.current.set(key, el) : buttons.current.delete(key);
  };

  const write = (entries: MenuEntry[], label: string) => run(setMenu(entries, label));
  const move = (i: number, to: number, via: "up" | "down") => {
    const next = [...menu];
    const [e] = next.splice(i, 1);
    next.splice(to, 0, e!);
    if (!write(next, `Move menu entry ${e!.label}`)) return;
    requestAnimationFrame(() => {
      const el = buttons.current.get(`${to}:${via}`);
      (el && !el.disabled ? el : buttons.current.get(`${to}:${via === "up" ? "down" : "up"}`))?.focus();
    });
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="menu-editor-title" data-editor="menu">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id="menu-editor-title">
            {t("pagesMenuTitle")}
          </Title>
          <Text size="sm" c="dimmed">
            {t("pagesMenuHint")}
          </Text>
        </div>
        {menu.length ? (
          <Stack gap="xs" data-testid="menu-entries">
            {menu.map((entry, i) => {
              const n = i + 1;
              const data = names.includes(entry.page) ? names : [entry.page, ...names];
              return (
                // Entries have no identity but their place (two may open the same page).
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <Group key={i} gap="xs" align="flex-end" wrap="nowrap" data-entry={i}>
                  <CommitText
                    label={t("pagesMenuLabel", { n })}
                    value={entry.label}
                    check={(v) => (v.trim() ? null : t("pagesMenuLabelRequired"))}
                    onCommit={(v) => {
                      write(
                        menu.map((x, j) => (j === i ? { ...x, label: v.trim() } : x)),
                        `Rename menu entry ${entry.label}`,
                      );
                    }}
                    maxLength={200}
                    style={{ flex: 1 }}
                  />
                  <NativeSelect
                    label={t("pagesMenuPage", { n })}
                    value={entry.page}
                    data={data}
                    onChange={(e) =>
                      write(
                        menu.map((x, j) => (j === i ? { ...x, page: e.currentTarget.value } : x)),
                        `Point menu entry ${entry.label} to ${e.currentTarget.value}`,
                      )
                    }
                    style={{ flex: 1 }}
                  />
                  <ActionIcon
                    ref={register(`${i}:up`)}
                    variant="default"
                    size="lg"
                    aria-label={t("pagesMenuUp", { label: entry.label })}
                    disabled={i === 0}
                    onClick={() => move(i, i - 1, "up")}
                  >
                    <span aria-hidden="true">↑</span>
                  </ActionIcon>
                  <ActionIcon
                    ref={register(`${i}:down`)}
                    variant="default"
                    size="lg"
                    aria-label={t("pagesMenuDown", { label: entry.label })}
                    disabled={i === menu.length - 1}
                    onClick={() => move(i, i + 1, "down")}
                  >
                    <span aria-hidden="true">↓</span>
                  </ActionIcon>
                  <ActionIcon
                    variant="light"
                    color="red"
                    size="lg"
                    aria-label={t("pagesMenuRemove", { label: entry.label })}
                    onClick={() =>
                      write(
                        menu.filter((_, j) => j !== i),
                        `Remove menu entry ${entry.label}`,
                      )
                    }
                  >
                    <span aria-hidden="true">×</span>
                  </ActionIcon>
                </Group>
              );
            })}
          </Stack>
        ) : (
          <Text size="sm">{t("pagesMenuEmpty")}</Text>
        )}
        {names.length ? (
          <Group>
            <Button
              variant="light"
              onClick={() => {
                const page = pages![0]!;
                write([...menu, { label: page.title || page.name, page: page.name }], `Add menu entry ${page.title || page.name}`);
              }}
            >
              {t("pagesMenuAdd")}
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t("pagesMenuNoPages")}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

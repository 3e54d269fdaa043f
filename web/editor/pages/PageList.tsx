/** @jsxImportSource react */
// The model's pages in their order (the order the app lists them), each a link to its
// address in the editor, the start page marked; Move up/down reorder them (one movePage
// action each); and the button that adds a page.
import "../common/links.css";
import { ActionIcon, Badge, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useRef } from "react";
import { useI18n } from "../lib/i18n";
import { Link } from "../lib/route";
import { useEditor, useRun } from "../state/context";
import { movePage } from "../state/pageActions";
import { tabHref } from "../workspace/tabs";

export function PageList({ selected, onAdd }: { selected: string | undefined; onAdd(): void }) {
  const { t, tn } = useI18n();
  const run = useRun();
  const id = useEditor((s) => s.id);
  const pages = useEditor((s) => s.doc.pages);
  const start = useEditor((s) => s.doc.startPage);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const list = pages ?? [];

  const move = (name: string, to: number, via: "up" | "down") => {
    if (!run(movePage(name, to))) return;
    // Keep the keyboard on the button that moved the page (or its twin, at either end).
    requestAnimationFrame(() => {
      const el = buttons.current.get(`${name}:${via}`);
      const target = el && !el.disabled ? el : buttons.current.get(`${name}:${via === "up" ? "down" : "up"}`);
      target?.focus();
    });
  };
  const register = (key: string) => (el: HTMLButtonElement | null) => {
    el ? buttons.current.set(key, el) : buttons.current.delete(key);
  };

  return (
    <Stack gap="xs" component="nav" aria-labelledby="page-list-title">
      <Title order={2} size="h4" id="page-list-title" tabIndex={-1}>
        {t("pagesListTitle")}
      </Title>
      <Button variant="light" onClick={onAdd} fullWidth>
        {t("pagesAdd")}
      </Button>
      <Text size="xs" c="dimmed">
        {list.length ? tn("pagesCount", list.length) : t("pagesNone")}
      </Text>
      <div data-testid="page-list">
        {list.map((p, i) => (
          <Group key={p.name} gap={4} wrap="nowrap" data-page={p.name}>
            <Link
              className="editor-link"
              style={{ flex: 1, minWidth: 0 }}
              href={tabHref(id, "pages", p.name)}
              aria-current={p.name === selected ? "page" : undefined}
            >
              <span className="editor-link-text">
                <span className="editor-link-name">{p.name}</span>
                {p.title ? <span className="editor-link-label">{p.title}</span> : null}
              </span>
              {p.name === start ? (
                <Badge size="xs" variant="filled" color="teal.9">
                  {t("pagesStartBadge")}
                </Badge>
              ) : null}
            </Link>
            <ActionIcon
              ref={register(`${p.name}:up`)}
              variant="default"
              size="sm"
              aria-label={t("pagesUp", { name: p.name })}
              disabled={i === 0}
              onClick={() => move(p.name, i - 1, "up")}
            >
              <span aria-hidden="true">↑</span>
            </ActionIcon>
            <ActionIcon
              ref={register(`${p.name}:down`)}
              variant="default"
              size="sm"
              aria-label={t("pagesDown", { name: p.name })}
              disabled={i === list.length - 1}
              onClick={() => move(p.name, i + 1, "down")}
            >
              <span aria-hidden="true">↓</span>
            </ActionIcon>
          </Group>
        ))}
      </div>
    </Stack>
  );
}

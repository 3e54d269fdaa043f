/** @jsxImportSource react */
// The command palette: @mantine/spotlight's modal, search field and action rows, with the
// list and its keyboard handled here. Spotlight marks the chosen row by editing the DOM
// after each keystroke, which a list re-rendered by React can lose; here the chosen row is
// React state, exposed as a combobox with aria-activedescendant so screen readers follow it.
import { Box, Group, Text } from "@mantine/core";
import { Spotlight, type SpotlightStore } from "@mantine/spotlight";
import { type KeyboardEvent, useEffect, useId, useMemo, useState } from "react";
import { useI18n } from "../lib/i18n";
import { Keys } from "./Keys";
import { type Command, type CommandGroup, search } from "./search";

/** Rows shown at a time: enough to browse, few enough to render at every keystroke. */
export const LIMIT = 50;

const GROUP_LABELS = {
  general: "paletteGroupGeneral",
  goto: "paletteGroupGoTo",
  entities: "paletteGroupEntities",
  fields: "paletteGroupFields",
} as const satisfies Record<CommandGroup, string>;

/** Visually hidden but read: the dialog's title (Spotlight shows none, a dialog needs a name). */
const HIDDEN = {
  position: "absolute",
  width: 1,
  height: 1,
  minHeight: 0,
  padding: 0,
  margin: -1,
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  border: 0,
} as const;

export interface CommandPaletteProps {
  /** The spotlight store (createSpotlight()) that opens and closes this palette. */
  store: SpotlightStore;
  close(): void;
  commands: Command[];
  /** An attribute set on the dialog's root (Palette.tsx finds its own dialogs by it). */
  mark: string;
  /** Called once the palette has closed (its closing animation over). */
  onClosed(): void;
}

export function CommandPalette({ store, close, commands, mark, onClosed }: CommandPaletteProps) {
  const { t, tn, language } = useI18n();
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<string | null>(null);
  const { shown, total } = useMemo(() => search(commands, query, LIMIT), [commands, query]);
  const listId = useId();
  const optionId = (i: number) => `${listId}-${i}`;

  // The chosen row follows its command while the list changes; a new query starts at the first runnable one.
  let active = shown.findIndex((c) => c.id === chosen);
  if (active < 0)
    active = Math.max(
      0,
      shown.findIndex((c) => !c.disabled),
    );
  const current = shown[active];

  useEffect(() => {
    if (current) document.getElementById(optionId(active))?.scrollIntoView({ block: "nearest" });
  });

  const run = (c: Command | undefined) => {
    if (!c || c.disabled) return;
    close();
    c.run();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.nativeEvent.isComposing || !shown.length) return;
    const step = e.key === "ArrowDown" ? 1 : e.key === "ArrowUp" ? -1 : 0;
    if (step) {
      e.preventDefault();
      setChosen(shown[(active + step + shown.length) % shown.length]!.id);
    } else if (e.key === "Enter") {
      e.preventDefault();
      run(current);
    }
  };

  const format = new Intl.NumberFormat(language);
  const groups: { group: CommandGroup; rows: { c: Command; i: number }[] }[] = [];
  shown.forEach((c, i) => {
    const last = groups.at(-1);
    if (last?.group === c.group) last.rows.push({ c, i });
    else groups.push({ group: c.group, rows: [{ c, i }] });
  });

  return (
    <Spotlight.Root
      store={store}
      {...{ [mark]: true }}
      shortcut={null}
      query={query}
      onQueryChange={(q) => {
        setQuery(q);
        setChosen(null);
      }}
      closeOnActionTrigger={false}
      scrollable
      maxHeight="min(36rem, calc(100vh - 8rem))"
      title={t("commandPalette")}
      styles={{ header: HIDDEN }}
      // Palette.tsx returns focus once both of its dialogs are gone (one may open the other).
      returnFocus={false}
      transitionProps={{
        duration: 200,
        transition: "pop",
        onExited: () => {
          setQuery("");
          setChosen(null);
          onClosed();
        },
      }}
    >
      <Spotlight.Search
        data-autofocus
        role="combobox"
        aria-label={t("paletteSearch")}
        aria-expanded={shown.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={current ? optionId(active) : undefined}
        placeholder={t("palettePlaceholder")}
        onKeyDown={onKeyDown}
      />
      <Box
        id={listId}
        role="listbox"
        aria-label={t("paletteResults")}
        className={Spotlight.classes.actionsList}
        style={{ overflowY: "auto", minHeight: 0 }}
        hidden={!shown.length}
      >
        {groups.map(({ group, rows }) => (
          // biome-ignore lint/a11y/useSemanticElements: a group of options in a listbox, not of form controls
          <div key={group} role="group" aria-labelledby={`${listId}-${group}`}>
            <Text id={`${listId}-${group}`} size="xs" fw={700} c="dimmed" tt="uppercase" px="md" pt="xs" pb={4}>
              {t(GROUP_LABELS[group])}
            </Text>
            {rows.map(({ c, i }) => (
              <Spotlight.Action
                key={c.id}
                // Spotlight.Action keeps `id` for itself; the row needs one for aria-activedescendant.
                ref={(el: HTMLButtonElement | null) => {
                  if (el) el.id = optionId(i);
                }}
                role="option"
                aria-selected={i === active}
                aria-disabled={c.disabled || undefined}
                disabled={c.disabled}
                data-selected={i === active || undefined}
                // Spotlight dims the chosen row's description to 70 % white, too faint on the primary colour.
                style={{ "--action-description-opacity": 1, opacity: c.disabled ? 0.6 : undefined }}
                label={c.label}
                description={c.description}
                rightSection={c.keys ? <Keys keys={c.keys} /> : undefined}
                dimmedSections={false}
                onMouseMove={() => c.id !== chosen && setChosen(c.id)}
                onClick={() => run(c)}
              />
            ))}
          </div>
        ))}
      </Box>
      {!shown.length ? <Spotlight.Empty>{t("paletteNothingFound", { query: query.trim() })}</Spotlight.Empty> : null}
      <Spotlight.Footer>
        <Group justify="space-between" gap="xs">
          <Text size="xs" c="dimmed" role="status">
            {total > shown.length
              ? t("paletteMore", { shown: format.format(shown.length), total: format.format(total) })
              : shown.length
                ? tn("paletteCount", total)
                : null}
          </Text>
          <Text size="xs" c="dimmed">
            {t("paletteHint")}
          </Text>
        </Group>
      </Spotlight.Footer>
    </Spotlight.Root>
  );
}

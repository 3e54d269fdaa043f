/** @jsxImportSource react */
// The model's entity types, searchable (models have 100 and more), each a link to its
// address in the editor, marked when the server has a problem with it; and the button
// that adds a type.
import "../common/links.css";
import { Badge, Button, Stack, Text, TextInput, Title } from "@mantine/core";
import { memo, useCallback, useMemo, useState } from "react";
import { AddEntityModal } from "../common/AddEntityModal";
import { useI18n } from "../lib/i18n";
import { Link } from "../lib/route";
import { useEditor } from "../state/context";
import { tabHref } from "../workspace/tabs";
import type { Located } from "./model";
import { hasProblems } from "./problems";

/**
 * One type in the list: a plain link styled in common/links.css (Mantine's NavLink brings its
 * collapsing children along, which a flat list of 100 types never uses). Memoised on plain
 * values: a rename or a new label redraws one row of a 100-type model, not a hundred.
 */
const EntityRow = memo(function EntityRow(p: {
  name: string;
  label: string | undefined;
  href: string;
  selected: boolean;
  problem: boolean;
  problemLabel: string;
  onPick(): void;
}) {
  return (
    <Link className="editor-link" href={p.href} aria-current={p.selected ? "page" : undefined} data-entity={p.name} onClick={p.onPick}>
      <span className="editor-link-text">
        <span className="editor-link-name">{p.name}</span>
        {p.label ? <span className="editor-link-label">{p.label}</span> : null}
      </span>
      {p.problem ? (
        <Badge size="xs" color="red" variant="filled">
          {p.problemLabel}
        </Badge>
      ) : null}
    </Link>
  );
});

interface Entry {
  name: string;
  label?: string;
}

/** The types' names and labels as one string: it changes only when one of them does, not on every edit. */
const entriesKey = (entities: readonly Entry[]) => entities.map((e) => `${e.name}\u0001${e.label ?? ""}`).join("\u0000");
const entriesOf = (key: string): Entry[] =>
  key
    ? key.split("\u0000").map((x) => {
        const [name, label] = x.split("\u0001") as [string, string];
        return label ? { name, label } : { name };
      })
    : [];

/** Memoised, and following only the names and labels: an edit of a field does not redraw 100 rows. */
export const EntityList = memo(function EntityList({
  selected,
  located,
  onAdded,
  onPick,
}: {
  selected: string | undefined;
  located: readonly Located[];
  onAdded(name: string): void;
  /** A type was picked from the list (focus then goes to its editor). */
  onPick(): void;
}) {
  const { t } = useI18n();
  const id = useEditor((s) => s.id);
  const key = useEditor((s) => entriesKey(s.doc.entities));
  const entities = useMemo(() => entriesOf(key), [key]);
  const [query, setQuery] = useState("");
  const [adding, setAdding] = useState(false);
  const close = useCallback(() => setAdding(false), []);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? entities.filter((e) => e.name.includes(q) || e.label?.toLowerCase().includes(q)) : entities;
  }, [entities, query]);

  return (
    <Stack gap="xs" component="nav" aria-labelledby="entity-list-title">
      <Title order={2} size="h4" id="entity-list-title">
        {t("entityListTitle")}
      </Title>
      <Button variant="light" onClick={() => setAdding(true)} fullWidth>
        {t("entityAddType")}
      </Button>
      <TextInput
        label={t("entitySearch")}
        type="search"
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        data-entity-search
        autoComplete="off"
        spellCheck={false}
      />
      <Text size="xs" c="dimmed" role="status">
        {query.trim() ? t("entitySearchCount", { n: shown.length, total: entities.length }) : t("entityCount", { n: entities.length })}
      </Text>
      <div className="entity-list" data-testid="entity-list">
        {shown.map((e) => (
          <EntityRow
            key={e.name}
            name={e.name}
            label={e.label}
            href={tabHref(id, "entities", e.name)}
            selected={e.name === selected}
            problem={hasProblems(located, e.name)}
            problemLabel={t("entityMarkProblem")}
            onPick={onPick}
          />
        ))}
        {shown.length === 0 ? <Text size="sm">{t("entityNoneFound")}</Text> : null}
      </div>
      <AddEntityModal className="entity-modal" opened={adding} onClose={close} onAdded={onAdded} />
    </Stack>
  );
});

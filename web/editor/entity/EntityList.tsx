/** @jsxImportSource react */
// The model's entity types, searchable (models have 100 and more), each a link to its
// address in the editor, marked when the server has a problem with it; and the button
// that adds a type.
import { Badge, Button, NavLink, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useI18n } from "../lib/i18n";
import { Link } from "../lib/route";
import { useEditor } from "../state/context";
import { tabHref } from "../workspace/tabs";
import { AddEntityModal } from "./AddEntityModal";
import type { Located } from "./model";
import { hasProblems } from "./problems";

export function EntityList({
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
  const entities = useEditor((s) => s.doc.entities);
  const [query, setQuery] = useState("");
  const [adding, setAdding] = useState(false);
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
          <NavLink
            key={e.name}
            component={Link}
            href={tabHref(id, "entities", e.name)}
            active={e.name === selected}
            // Filled: the light variant's text falls below AA contrast on its tint.
            variant="filled"
            styles={e.name === selected ? { description: { color: "inherit", opacity: 1 } } : undefined}
            aria-current={e.name === selected ? "page" : undefined}
            label={e.name}
            description={e.label}
            data-entity={e.name}
            onClick={onPick}
            rightSection={
              hasProblems(located, e.name) ? (
                <Badge size="xs" color="red" variant="filled">
                  {t("entityMarkProblem")}
                </Badge>
              ) : null
            }
          />
        ))}
        {shown.length === 0 ? <Text size="sm">{t("entityNoneFound")}</Text> : null}
      </div>
      <AddEntityModal opened={adding} onClose={() => setAdding(false)} onAdded={onAdded} />
    </Stack>
  );
}

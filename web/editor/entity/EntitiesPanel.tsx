/** @jsxImportSource react */
// The entities tab: the model's entity types on the left, the selected one's editor on the
// right (/editor/models/<id>/entities/<type>), with the selected field in the address
// (?field=<name>) and a property to land on (?prop=<prop>, the problems panel's links):
// reload and shared links open the same place. Every change is an action through the
// store, so it is undoable, saved in one batch and checked by the server, whose problems
// show at the control they name.
// This chunk's strings, and those it shares with the diagram.
import "../common/messages";
import "./messages";
import "./entity.css";
import { Grid } from "@mantine/core";
import { type ReactNode, useCallback, useEffect, useRef } from "react";
import { NoticeCard } from "../common/NoticeCard";
import { useI18n } from "../lib/i18n";
import { navigate, setSearch, useSearch } from "../lib/route";
import { useEditor } from "../state/context";
import { tabHref } from "../workspace/tabs";
import { EntityEditor } from "./EntityEditor";
import { EntityList } from "./EntityList";
import { focusProp } from "./focus";
import { useLocatedProblems } from "./problems";

/** Where focus goes after the next render: set by the action that changes the address. */
type FocusNext = "fieldName" | "entity" | "fields" | "search" | "keep" | null;

export default function EntitiesPanel({ entity }: { entity: string | undefined }) {
  const { t, tn } = useI18n();
  const id = useEditor((s) => s.id);
  // The open type and the number of types only: an edit of another type does not redraw the panel.
  const current = useEditor((s) => (entity === undefined ? undefined : s.doc.entities.find((e) => e.name === entity)));
  const total = useEditor((s) => s.doc.entities.length);
  const located = useLocatedProblems();
  const search = useSearch();
  const field = search.get("field");
  const prop = search.get("prop");
  const focusNext = useRef<FocusNext>(null);
  const exists = !!current;

  // After an address change: focus what the change was about; a deep link (?prop=, or a
  // field opened from a link) lands on its control. A first visit without either keeps
  // the page's focus where the browser put it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the place changes
  useEffect(() => {
    const want = focusNext.current;
    focusNext.current = null;
    if (want === "keep") return;
    if (want === "search") {
      document.querySelector<HTMLInputElement>("[data-entity-search]")?.focus();
      return;
    }
    if (!exists) return;
    if (want === "fieldName") focusProp("field", null, "name");
    else if (want === "fields") document.getElementById("entity-fields-title")?.focus();
    else if (field && focusProp("field", prop)) return;
    else if (prop) focusProp("entity", prop);
    else if (want === "entity") document.getElementById("entity-editor-title")?.focus();
  }, [entity, field, prop, exists]);

  // Stable, so the memoised list rows are not redrawn on every edit.
  const pick = useCallback(() => {
    focusNext.current = "entity";
  }, []);

  // Stable, so the memoised sections of the editor are not redrawn for new callbacks.
  const onFieldAdded = useCallback((name: string) => {
    focusNext.current = "fieldName";
    setSearch({ field: name, prop: null }, { push: true });
  }, []);
  const onFieldRenamed = useCallback((to: string) => {
    focusNext.current = "keep";
    setSearch({ field: to, prop: null });
  }, []);
  const onFieldRemoved = useCallback(() => {
    focusNext.current = "fields";
    setSearch({ field: null, prop: null });
  }, []);
  const onRemoved = useCallback(() => {
    focusNext.current = "search";
    navigate(tabHref(id, "entities"));
  }, [id]);

  const open = useCallback(
    (name: string) => {
      focusNext.current = "entity";
      navigate(tabHref(id, "entities", name));
    },
    [id],
  );

  let content: ReactNode;
  if (entity === undefined) content = <NoticeCard title={t("entityNoneSelectedTitle")}>{tn("entityNoneSelected", total)}</NoticeCard>;
  else if (!current)
    content = (
      <NoticeCard title={t("entityUnknownTitle", { name: entity })} alert>
        {t("entityUnknown", { name: entity })}
      </NoticeCard>
    );
  else
    content = (
      <EntityEditor
        entity={current}
        field={field}
        located={located}
        onFieldAdded={onFieldAdded}
        onFieldRenamed={onFieldRenamed}
        onFieldRemoved={onFieldRemoved}
        onRemoved={onRemoved}
      />
    );

  return (
    <Grid gap="lg" data-panel="entities">
      <Grid.Col span={{ base: 12, md: 3, lg: 2 }}>
        <EntityList selected={entity} located={located} onAdded={open} onPick={pick} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 9, lg: 10 }}>{content}</Grid.Col>
    </Grid>
  );
}

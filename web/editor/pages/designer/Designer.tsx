/** @jsxImportSource react */
// The page designer's layout part: a palette of every component type, and the page's
// 12-column grid where each component is a box moved by dragging it and resized by
// dragging its corner, both snapping to whole cells; the same by keyboard (arrows move a
// selected box, Shift+arrows resize it, Delete removes it, Ctrl/⌘+D duplicates it, Ctrl/⌘+C
// and Ctrl/⌘+V copy it to this page or another) and by
// the numbers of the selected component. Every change is one action through the store
// (undoable, saved as a version); keyboard steps are saved 400 ms after the last key.
// Modals and what a Container holds are not on the grid: they are listed above it. A box
// dropped onto a Container on the grid, or onto a Modal or Container in that list, goes
// inside it (its children in the settings are the keyboard way). The
// selected component's settings are generated from its type's description (PropsPanel).
import "./designer.css";
import { Button, Group, Paper, SimpleGrid, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { type KeyboardEvent, type PointerEvent, useEffect, useRef, useState } from "react";
import type { Component, ComponentType, Page } from "../../../../src/model/schema";
import { CommitNumber } from "../../common/CommitInput";
import { useI18n } from "../../lib/i18n";
import { setSearch, useSearch } from "../../lib/route";
import { addComponent, duplicateComponent, nestComponent, placeComponent, removeComponent } from "../../state/componentActions";
import { useEditor, useRun, useStore } from "../../state/context";
import {
  clamp,
  copyOf,
  copyToClipboard,
  freeRow,
  fromClipboard,
  heldIds,
  holdersOf,
  moved,
  NEEDS_ENTITY,
  newComponent,
  onGrid,
  PALETTE,
  type Position,
  resized,
  samePosition,
} from "./layout";
import { PropsPanel } from "./PropsPanel";

/** One grid row on screen, in pixels (the app's rows are sized by their content; here they are even). */
const ROW_PX = 40;
const KEY_SAVE_MS = 400;

type Drag = { id: string; kind: "move" | "resize"; x: number; y: number; from: Position; to: Position };

export function Designer({ page }: { page: Page }) {
  const { t } = useI18n();
  const run = useRun();
  const store = useStore();
  const hasEntities = useEditor((s) => s.doc.entities.length > 0);
  const search = useSearch();
  const selected = search.get("component");
  const gridRef = useRef<HTMLFieldSetElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  // Keyboard steps not saved yet: shown at once, saved as one action when the keys stop.
  type Keyed = { id: string; from: Position; to: Position; how: "Move" | "Resize" };
  const [keyed, setKeyedState] = useState<Keyed | null>(null);
  const keyedRef = useRef<Keyed | null>(null);
  const setKeyed = (k: Keyed | null) => {
    keyedRef.current = k;
    setKeyedState(k);
  };
  const keyTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [said, setSaid] = useState("");

  const boxes = onGrid(page);
  const clip = fromClipboard();
  const held = heldIds(page);
  const aside = page.components.filter((c) => c.type === "Modal" || held.has(c.id));
  const current = selected ? page.components.find((c) => c.id === selected) : undefined;
  const shownAt = (c: Component): Position => (drag?.id === c.id ? drag.to : keyed?.id === c.id ? keyed.to : c.position);
  const rows = Math.max(freeRow(boxes.map((c) => ({ ...c, position: shownAt(c) }))) + 3, 8);

  const select = (id: string | null) => setSearch({ component: id });
  const focusBox = (id: string) => requestAnimationFrame(() => gridRef.current?.querySelector<HTMLElement>(`[data-component="${CSS.escape(id)}"]`)?.focus());
  /** What a container holds, said in its box (its children are not on the grid). */
  const holds = (c: Component) =>
    (c.type === "Container" || c.type === "Modal") && Array.isArray(c.props?.children) && c.props.children.length
      ? ` ${t("designerHolds", { ids: c.props.children.map(String).join(", ") })}`
      : "";
  // The box's visible text (type, id, what it holds) starts its name, as screen readers and voice control expect.
  const describe = (c: Component, p: Position) =>
    t("designerBox", { type: c.type, id: `${c.id}${holds(c)}`, row: p.row + 1, col: p.col + 1, width: p.width, height: p.height });

  const saveKeyed = () => {
    clearTimeout(keyTimer.current);
    const k = keyedRef.current;
    if (!k) return;
    setKeyed(null);
    if (!samePosition(k.from, k.to)) run(placeComponent(page.name, k.id, k.to, k.how));
  };
  // A pending keyboard step is saved when the page or the selection changes, or the view closes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: saves on leaving, not on every render
  useEffect(() => saveKeyed, [page.name, selected]);

  const add = (type: ComponentType) => {
    const doc = store.getState().doc;
    const p = doc.pages?.find((x) => x.name === page.name);
    const c = p && newComponent(doc, p, type);
    if (!c || !run(addComponent(page.name, c))) return;
    select(c.id);
    focusBox(c.id);
    setSaid(describe(c, c.position));
  };
  const paste = () => {
    const c = fromClipboard();
    if (!c) return;
    const copy = copyOf(page, c);
    if (!run(duplicateComponent(page.name, copy, c.id))) return;
    select(copy.id);
    focusBox(copy.id);
    setSaid(describe(copy, copy.position));
  };
  const duplicate = (c: Component) => {
    const copy = copyOf(page, c);
    if (!run(duplicateComponent(page.name, copy, c.id))) return;
    select(copy.id);
    focusBox(copy.id);
  };
  const remove = (c: Component) => {
    // A keyboard step still waiting for this component is dropped with it.
    if (keyedRef.current?.id === c.id) {
      clearTimeout(keyTimer.current);
      setKeyed(null);
    }
    if (!run(removeComponent(store.getState().doc, page.name, c.id))) return;
    select(null);
    requestAnimationFrame(() => document.getElementById("designer-title")?.focus());
  };

  const [dropInto, setDropInto] = useState<string | null>(null);
  const onPointerDown = (c: Component, kind: Drag["kind"]) => (e: PointerEvent<HTMLElement>) => {
    if (e.button !== 0) return;
    e.stopPropagation();
    // A number or setting typed for the selected component is committed to it (on blur)
    // before another is selected.
    const typing = document.activeElement;
    if (typing instanceof HTMLElement && !gridRef.current?.contains(typing)) typing.blur();
    saveKeyed();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    setDrag({ id: c.id, kind, x: e.clientX, y: e.clientY, from: c.position, to: c.position });
    if (selected !== c.id) select(c.id);
  };
  const onPointerMove = (e: PointerEvent<HTMLElement>) => {
    if (!drag || !gridRef.current) return;
    const cell = gridRef.current.clientWidth / 12;
    const cols = Math.round((e.clientX - drag.x) / cell);
    const rowsBy = Math.round((e.clientY - drag.y) / ROW_PX);
    // Over a holder, or off the grid (towards the list of dialogs above it), the box stays
    // where it was: it is going inside something, and the grid must not grow under the pointer.
    const into = drag.kind === "move" ? holderAt(e.clientX, e.clientY, drag.id) : null;
    const r = gridRef.current.getBoundingClientRect();
    const off = e.clientX < r.left || e.clientX > r.right || e.clientY < r.top;
    const to = drag.kind === "move" ? (into || off ? drag.from : moved(drag.from, rowsBy, cols)) : resized(drag.from, cols, rowsBy);
    if (!samePosition(to, drag.to)) setDrag({ ...drag, to });
    if (into !== dropInto) setDropInto(into);
  };
  /** The Container or Modal under the pointer that a moved component would be dropped into, if any. */
  const holderAt = (x: number, y: number, id: string): string | null => {
    for (const el of document.elementsFromPoint(x, y)) {
      const h = (el as HTMLElement).closest?.<HTMLElement>("[data-holder]")?.dataset.holder;
      if (h && h !== id && !holdersOf(page, h).has(id)) return h;
    }
    return null;
  };
  const onPointerUp = (e: PointerEvent<HTMLElement>) => {
    if (!drag) return;
    const d = drag;
    setDrag(null);
    setDropInto(null);
    const into = d.kind === "move" ? holderAt(e.clientX, e.clientY, d.id) : null;
    if (into) {
      if (run(nestComponent(store.getState().doc, page.name, d.id, into, holdersOf(page, into)))) setSaid(t("designerPutInto", { id: d.id, holder: into }));
      return;
    }
    if (!samePosition(d.from, d.to)) {
      run(placeComponent(page.name, d.id, d.to, d.kind === "move" ? "Move" : "Resize"));
      const c = page.components.find((x) => x.id === d.id);
      if (c) setSaid(describe(c, d.to));
    }
  };

  const onKeyDown = (c: Component) => (e: KeyboardEvent<HTMLElement>) => {
    const step: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (e.key in step && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      const [dr, dc] = step[e.key]!;
      const from = keyed?.id === c.id ? keyed.from : c.position;
      const at = shownAt(c);
      const how = e.shiftKey ? "Resize" : "Move";
      const to = e.shiftKey ? resized(at, dc, dr) : moved(at, dr, dc);
      if (selected !== c.id) select(c.id);
      setKeyed({ id: c.id, from, to, how });
      setSaid(describe(c, to));
      clearTimeout(keyTimer.current);
      keyTimer.current = setTimeout(saveKeyed, KEY_SAVE_MS);
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      remove(c);
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "d") {
      e.preventDefault();
      duplicate(c);
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "c") {
      e.preventDefault();
      copyToClipboard(c);
      setSaid(t("designerCopied", { id: c.id }));
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      select(selected === c.id ? null : c.id);
    } else if (e.key === "Escape" && selected) {
      e.stopPropagation();
      select(null);
    }
  };

  const setNumber = (c: Component, k: keyof Position, v: number | undefined) => {
    if (v === undefined) return;
    const to = clamp({ ...c.position, [k]: k === "row" || k === "col" ? v - 1 : v });
    if (!samePosition(to, c.position)) run(placeComponent(page.name, c.id, to, k === "width" || k === "height" ? "Resize" : "Move"));
  };

  return (
    <Stack gap="sm" component="section" aria-labelledby="designer-title" data-designer>
      <div>
        <Title order={3} size="h4" id="designer-title" tabIndex={-1}>
          {t("designerTitle")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("designerHint")}
        </Text>
      </div>
      <Group gap="xs" role="group" aria-label={t("designerPalette")} data-testid="designer-palette">
        {PALETTE.map((type) => {
          const blocked = NEEDS_ENTITY.has(type) && !hasEntities;
          return (
            <Button
              key={type}
              size="compact-sm"
              variant="default"
              disabled={blocked}
              title={blocked ? t("designerNeedsEntity", { type }) : undefined}
              onClick={() => add(type)}
            >
              {t("designerAdd", { type })}
            </Button>
          );
        })}
        {/* Ctrl/⌘+V needs a box to focus; this pastes on any page, an empty one too. */}
        {clip ? (
          <Button size="compact-sm" variant="light" onClick={paste}>
            {t("designerPaste", { id: clip.id })}
          </Button>
        ) : null}
      </Group>
      {boxes.length === 0 ? <Text size="sm">{t("designerEmpty")}</Text> : null}
      {aside.length ? (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t("designerAside")}
          </Text>
          <Group gap="xs">
            {aside.map((c) => (
              <Button
                key={c.id}
                size="compact-sm"
                variant={selected === c.id ? "filled" : "default"}
                aria-pressed={selected === c.id}
                onClick={() => select(c.id)}
                data-holder={c.type === "Modal" || c.type === "Container" ? c.id : undefined}
                data-drop-target={dropInto === c.id || undefined}
              >
                {c.type} {c.id}
              </Button>
            ))}
          </Group>
        </Stack>
      ) : null}
      <fieldset
        ref={gridRef}
        className="designer-grid"
        aria-label={t("designerGrid", { name: page.name })}
        style={{ gridTemplateRows: `repeat(${rows}, ${ROW_PX}px)` }}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          setDrag(null);
          setDropInto(null);
        }}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "v") {
            e.preventDefault();
            paste();
          }
        }}
        data-testid="designer-grid"
      >
        {boxes.map((c) => {
          const p = shownAt(c);
          return (
            // biome-ignore lint/a11y/useSemanticElements: a box that is dragged, resized and moved by keys; a <button> cannot hold the resize handle's pointer events well
            <div
              key={c.id}
              role="button"
              tabIndex={0}
              aria-pressed={selected === c.id}
              aria-label={describe(c, p)}
              className="designer-box"
              data-component={c.id}
              data-holder={c.type === "Container" ? c.id : undefined}
              data-drop-target={dropInto === c.id || undefined}
              data-dragging={drag?.id === c.id || undefined}
              style={{ gridColumn: `${p.col + 1} / span ${p.width}`, gridRow: `${p.row + 1} / span ${p.height}` }}
              onPointerDown={onPointerDown(c, "move")}
              onKeyDown={onKeyDown(c)}
              onBlur={() => keyed?.id === c.id && saveKeyed()}
            >
              <span className="designer-box-type">{c.type}</span> <span className="designer-box-id">{c.id}</span>
              {holds(c) ? <span className="designer-box-holds">{holds(c)}</span> : null}
              <span className="designer-resize" aria-hidden="true" onPointerDown={onPointerDown(c, "resize")} />
            </div>
          );
        })}
      </fieldset>
      <VisuallyHidden role="status" aria-live="polite">
        {said}
      </VisuallyHidden>
      {current ? (
        <Paper withBorder p="sm" data-testid="designer-selected">
          <Stack gap="xs">
            <Group justify="space-between">
              <Text fw={600}>{t("designerSelected", { type: current.type, id: current.id })}</Text>
              <Group gap="xs">
                <Button size="compact-sm" variant="default" onClick={() => duplicate(current)}>
                  {t("designerDuplicate")}
                </Button>
                <Button size="compact-sm" color="red" variant="light" onClick={() => remove(current)}>
                  {t("designerRemove")}
                </Button>
              </Group>
            </Group>
            <SimpleGrid cols={4}>
              <CommitNumber
                label={t("designerRow")}
                value={current.position.row + 1}
                min={1}
                allowDecimal={false}
                onCommit={(v) => setNumber(current, "row", v)}
              />
              <CommitNumber
                label={t("designerCol")}
                value={current.position.col + 1}
                min={1}
                max={12}
                allowDecimal={false}
                onCommit={(v) => setNumber(current, "col", v)}
              />
              <CommitNumber
                label={t("designerWidth")}
                value={current.position.width}
                min={1}
                max={12}
                allowDecimal={false}
                onCommit={(v) => setNumber(current, "width", v)}
              />
              <CommitNumber
                label={t("designerHeight")}
                value={current.position.height}
                min={1}
                allowDecimal={false}
                onCommit={(v) => setNumber(current, "height", v)}
              />
            </SimpleGrid>
            <PropsPanel key={current.id} page={page} component={current} />
          </Stack>
        </Paper>
      ) : null}
    </Stack>
  );
}

// biome-ignore-all lint/a11y/useSemanticElements: a virtual grid: rows are absolutely positioned boxes with the ARIA grid roles; a <table> cannot be laid out so
// biome-ignore-all lint/a11y/useFocusableInteractive: the ARIA grid pattern: one cell at a time is in the tab order (roving tabindex); rows and headers are not focus targets
// The rows: virtual scrolling (@tanstack/solid-virtual) over the whole list with a fixed
// row height, so only the rows in view (and a few more) are in the DOM, and keyboard use
// by the ARIA grid pattern (one tab stop; arrows, Home/End, PageUp/PageDown move the
// active cell; Enter opens or edits, F2 edits).
//
// Browsers cap an element's height (about 17 million px in Firefox), and a million rows
// are 36 million px: past a cap the scroll area is scaled down, the virtualizer works in
// the unscaled ("virtual") offsets, and rows are shifted into place. Wheel steps are
// scaled back, so a notch still moves a few rows.
import { createVirtualizer, defaultRangeExtractor, elementScroll, observeElementOffset, type Range } from "@tanstack/solid-virtual";
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import type { ColumnDefinition, EntityRecord } from "../../lib/types";
import { CellEditor, canEdit } from "./CellEditor";
import { CellValue, cellTitle } from "./cells";
import type { Labels } from "./labels";
import { t } from "./messages";
import type { RowStore } from "./rows";

/** Scroll height the body never exceeds (below every browser's cap). */
const MAX_BODY_PX = 15_000_000;
/** Rows shown as skeletons before the first page says how many there are. */
const SKELETON_ROWS = 12;
/** Header rows above the body (aria-rowindex starts after them). */
const HEAD_ROWS = 2;

interface Editing {
  row: number;
  col: number;
  error?: string;
  saving: boolean;
}

export interface BodyProps {
  store: RowStore;
  columns: ColumnDefinition[];
  selectable: boolean;
  editable: boolean;
  display: string | null;
  labels: Labels;
  rowHeight: number;
  headerHeight: number;
  scroller: () => HTMLElement | undefined;
  isSelected: (id: string) => boolean;
  onToggle: (index: number, range: boolean) => void;
  openId: string | undefined;
  onOpen: (rec: EntityRecord) => void;
  /** Save one field; resolves with the message to show when it was refused. */
  onSave: (rec: EntityRecord, col: ColumnDefinition, value: unknown) => Promise<string | undefined>;
}

export function GridBody(props: BodyProps) {
  const [offset, setOffset] = createSignal(0);
  const [viewH, setViewH] = createSignal(0);
  const [active, setActive] = createSignal({ row: 0, col: 0 });
  const [editing, setEditing] = createSignal<Editing>();
  let body!: HTMLDivElement;

  const count = () => props.store.total() ?? (props.store.status() === "loading" ? SKELETON_ROWS : 0);
  const cells = () => props.columns.length + (props.selectable ? 1 : 0);
  const bodyH = () => Math.min(count() * props.rowHeight, MAX_BODY_PX);
  /** Virtual offset per real pixel (1 below the cap). */
  const ratio = createMemo(() => {
    const head = props.headerHeight;
    const virtualMax = Math.max(0, head + count() * props.rowHeight - viewH());
    const realMax = Math.max(0, head + bodyH() - viewH());
    return realMax > 0 && virtualMax > realMax ? virtualMax / realMax : 1;
  });
  const virtualOffset = () => offset() * ratio();
  /** Where rows sit, shifted into the scaled scroll area (0 when not scaled). */
  const shift = () => offset() - virtualOffset();
  const rowsInView = () => Math.max(1, Math.floor((viewH() - props.headerHeight) / props.rowHeight));

  // Not before the rows are in the document: an element cloned from a template belongs to
  // an inert document until then, and the virtualizer would find no window to observe it in.
  const [mounted, setMounted] = createSignal(false);
  onMount(() => setMounted(true));
  const virtualizer = createVirtualizer<HTMLElement, HTMLDivElement>({
    get count() {
      return count();
    },
    getScrollElement: () => (mounted() && props.scroller()) || null,
    // The first rows are laid out for a window-high view; the observer gives the true size.
    initialRect: { width: 0, height: typeof innerHeight === "number" ? innerHeight : 800 },
    observeElementRect: observeRectAfterLayout,
    estimateSize: () => props.rowHeight,
    get scrollMargin() {
      return props.headerHeight;
    },
    overscan: 6,
    observeElementOffset: (inst, cb) =>
      observeElementOffset(inst, (s, scrolling) => {
        setOffset(s);
        cb(s * ratio(), scrolling);
      }),
    // Already there (the virtualizer "scrolls" to the start when it attaches): no scroll,
    // which would force a layout of the page while it renders.
    scrollToFn: (off, opts, inst) => {
      if (Math.round(off / ratio()) !== Math.round(offset())) elementScroll(off / ratio(), opts, inst);
    },
    // The active row stays rendered wherever it is, so focus is never lost by scrolling.
    get rangeExtractor() {
      const keep = active().row;
      return (range: Range) => {
        const list = defaultRangeExtractor(range);
        if (keep < range.count && !list.includes(keep)) list.push(keep);
        return list;
      };
    },
  });

  // A new scale applies at once, not at the next scroll.
  createEffect(on(ratio, () => props.scroller()?.dispatchEvent(new Event("scroll")), { defer: true }));

  createEffect(() => {
    const el = props.scroller();
    if (!el) return;
    // Sizes come from the observer (after layout, before paint), never read while the page
    // renders: each read would force a layout of the whole page, once per grid.
    const ro = new ResizeObserver(() => setViewH(el.clientHeight));
    ro.observe(el);
    const onWheel = (e: WheelEvent) => {
      if (ratio() === 1 || e.ctrlKey || Math.abs(e.deltaY) < Math.abs(e.deltaX)) return;
      e.preventDefault();
      const px = e.deltaMode === 1 ? e.deltaY * props.rowHeight : e.deltaMode === 2 ? e.deltaY * viewH() : e.deltaY;
      el.scrollTop += px / ratio();
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    onCleanup(() => {
      ro.disconnect();
      el.removeEventListener("wheel", onWheel);
    });
  });

  // The rows in view, for the store to load.
  createEffect(() => {
    const h = props.rowHeight;
    const v = virtualOffset();
    props.store.want(Math.floor(v / h), Math.ceil((v + viewH() - props.headerHeight) / h));
  });

  // A shorter list (filtered, deleted) keeps the active cell inside it.
  createEffect(() => {
    const n = count();
    const a = active();
    if (n > 0 && a.row >= n) setActive({ row: n - 1, col: a.col });
    if (a.col >= cells()) setActive({ row: a.row, col: Math.max(0, cells() - 1) });
  });

  /** Scroll so row r is in view below the sticky header. */
  const reveal = (r: number) => {
    const el = props.scroller();
    if (!el) return;
    const h = props.rowHeight;
    const avail = viewH() - props.headerHeight;
    const v = virtualOffset();
    const top = r * h;
    let next = v;
    if (top < v) next = top;
    else if (top + h > v + avail) next = top + h - avail;
    if (next !== v) el.scrollTop = Math.round(next / ratio());
  };

  const cellEl = (r: number, c: number) => body.querySelector<HTMLElement>(`[data-cell="${r}:${c}"]`);
  const focusCell = (r: number, c: number) => {
    setActive({ row: r, col: c });
    reveal(r);
    const focus = () => {
      const cell = cellEl(r, c);
      const el = props.scroller();
      if (!cell || !el) return false;
      cell.focus({ preventScroll: true });
      // Sideways into view (rows are placed by the virtualizer, so not by scrollIntoView).
      if (cell.offsetLeft < el.scrollLeft) el.scrollLeft = cell.offsetLeft;
      else if (cell.offsetLeft + cell.offsetWidth > el.scrollLeft + el.clientWidth) el.scrollLeft = cell.offsetLeft + cell.offsetWidth - el.clientWidth;
      return true;
    };
    // The row is usually rendered at once (the active row always is); a far jump renders it a frame later.
    if (!focus()) requestAnimationFrame(focus);
  };

  const dataCol = (c: number) => props.columns[c - (props.selectable ? 1 : 0)];
  const startEdit = (r: number, c: number) => {
    const col = dataCol(c);
    if (!props.editable || !col || !canEdit(col) || !props.store.row(r)) return false;
    setEditing({ row: r, col: c, saving: false });
    return true;
  };
  const stopEdit = (refocus: boolean) => {
    const e = editing();
    setEditing(undefined);
    if (e && refocus) focusCell(e.row, e.col);
  };
  const save = async (rec: EntityRecord, col: ColumnDefinition, value: unknown) => {
    const e = editing();
    if (!e) return;
    setEditing({ ...e, saving: true, error: undefined });
    const error = await props.onSave(rec, col, value);
    if (editing()?.row !== e.row || editing()?.col !== e.col) return;
    if (error) setEditing({ ...e, saving: false, error });
    else stopEdit(true);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (editing() || !(e.target as HTMLElement).matches("[data-cell]")) return;
    const { row, col } = active();
    const last = count() - 1;
    let r = row;
    let c = col;
    switch (e.key) {
      case "ArrowDown":
        r++;
        break;
      case "ArrowUp":
        r--;
        break;
      case "ArrowRight":
        c++;
        break;
      case "ArrowLeft":
        c--;
        break;
      case "Home":
        if (e.ctrlKey || e.metaKey) r = 0;
        c = 0;
        break;
      case "End":
        if (e.ctrlKey || e.metaKey) r = last;
        c = cells() - 1;
        break;
      case "PageDown":
        r += rowsInView();
        break;
      case "PageUp":
        r -= rowsInView();
        break;
      case "Enter": {
        e.preventDefault();
        const rec = props.store.row(row);
        if (props.selectable && col === 0) props.onToggle(row, e.shiftKey);
        else if (col === (props.selectable ? 1 : 0) || !startEdit(row, col)) rec && props.onOpen(rec);
        return;
      }
      case "F2":
        e.preventDefault();
        startEdit(row, col);
        return;
      case " ":
        if (!props.selectable || (col !== 0 && !e.shiftKey)) return;
        e.preventDefault();
        props.onToggle(row, false);
        return;
      default:
        return;
    }
    e.preventDefault();
    focusCell(Math.max(0, Math.min(last, r)), Math.max(0, Math.min(cells() - 1, c)));
  };

  return (
    <div role="rowgroup" class="dg-body" ref={body} style={{ height: `${bodyH()}px` }} onKeyDown={onKeyDown}>
      <For each={virtualizer.getVirtualItems()}>
        {(item) => {
          const rec = createMemo(() => props.store.row(item.index));
          const top = () => {
            const y = item.start - props.headerHeight + shift();
            // A row kept for focus far outside the scaled area waits behind the header.
            return y > bodyH() - props.rowHeight ? -3 * props.rowHeight : y;
          };
          const label = () => {
            const r = rec();
            const v = r && props.display ? r.data[props.display] : undefined;
            return v === undefined || v === null || v === "" ? String(item.index + 1) : String(v);
          };
          const selected = () => !!rec() && props.isSelected(rec()!.id);
          return (
            <div
              role="row"
              class="dg-row dg-brow"
              classList={{ selected: selected(), open: !!rec() && rec()!.id === props.openId, odd: item.index % 2 === 1, loading: !rec() }}
              aria-rowindex={item.index + HEAD_ROWS + 1}
              aria-selected={props.selectable ? selected() : undefined}
              aria-busy={rec() ? undefined : "true"}
              data-index={item.index}
              data-id={rec()?.id}
              style={{ transform: `translateY(${top()}px)` }}
              onDblClick={(e) => {
                const r = rec();
                if (r && !editing() && !(e.target as HTMLElement).closest(".dg-select")) props.onOpen(r);
              }}
            >
              <Show when={props.selectable}>
                <div
                  role="gridcell"
                  class="dg-cell dg-select"
                  aria-colindex={1}
                  data-cell={`${item.index}:0`}
                  tabindex={active().row === item.index && active().col === 0 ? 0 : -1}
                  onMouseDown={() => setActive({ row: item.index, col: 0 })}
                >
                  <input
                    type="checkbox"
                    tabindex="-1"
                    aria-label={t("selectRow", { row: label() })}
                    checked={selected()}
                    disabled={!rec()}
                    onMouseDown={(e) => {
                      // The cell keeps the focus (keyboard use goes on from it), not the box.
                      e.preventDefault();
                      (e.currentTarget.parentElement as HTMLElement).focus({ preventScroll: true });
                    }}
                    onClick={(e) => props.onToggle(item.index, e.shiftKey)}
                  />
                </div>
              </Show>
              <For each={props.columns}>
                {(col, ci) => {
                  const c = () => ci() + (props.selectable ? 1 : 0);
                  const isActive = () => active().row === item.index && active().col === c();
                  const edit = () => {
                    const e = editing();
                    return e && e.row === item.index && e.col === c() ? e : undefined;
                  };
                  const errorId = () => `dg-err-${item.index}-${c()}`;
                  return (
                    <div
                      role="gridcell"
                      class="dg-cell"
                      classList={{
                        num: col.type === "integer" || col.type === "number",
                        editing: !!edit(),
                        invalid: !!edit()?.error,
                        first: ci() === 0,
                      }}
                      aria-colindex={c() + 1}
                      aria-readonly={!props.editable || !canEdit(col) ? "true" : undefined}
                      aria-invalid={edit()?.error ? "true" : undefined}
                      aria-describedby={edit()?.error ? errorId() : undefined}
                      data-cell={`${item.index}:${c()}`}
                      data-field={col.field}
                      tabindex={isActive() && !edit() ? 0 : -1}
                      title={rec() && !edit() ? cellTitle(col, rec()!) : undefined}
                      onMouseDown={() => !edit() && setActive({ row: item.index, col: c() })}
                    >
                      <Show
                        when={edit() && rec()}
                        fallback={
                          <Show when={rec()} fallback={<span class="dg-skel" />}>
                            <CellValue col={col} rec={rec()!} labels={props.labels} />
                          </Show>
                        }
                      >
                        <CellEditor
                          col={col}
                          value={rec()!.data[col.field]}
                          error={edit()!.error}
                          errorId={errorId()}
                          saving={edit()!.saving}
                          onSave={(v) => save(rec()!, col, v)}
                          onCancel={() => stopEdit(true)}
                        />
                      </Show>
                    </div>
                  );
                }}
              </For>
            </div>
          );
        }}
      </For>
    </div>
  );
}

/**
 * The scroller's size for the virtualizer, from a ResizeObserver only: the library's own
 * version also measures at once, which forces a layout of the page while it renders.
 */
function observeRectAfterLayout(inst: { scrollElement: Element | null }, cb: (rect: { width: number; height: number }) => void): () => void {
  const el = inst.scrollElement;
  if (!el) return () => {};
  const ro = new ResizeObserver(() => {
    const r = el.getBoundingClientRect();
    cb({ width: Math.round(r.width), height: Math.round(r.height) });
  });
  ro.observe(el, { box: "content-box" });
  return () => ro.disconnect();
}

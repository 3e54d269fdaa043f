// biome-ignore-all lint/a11y/useSemanticElements: a virtual grid: rows are absolutely positioned boxes with the ARIA grid roles; a <table> cannot be laid out so
// biome-ignore-all lint/a11y/useFocusableInteractive: the ARIA grid pattern: one cell at a time is in the tab order (roving tabindex); rows and headers are not focus targets
// The header row: one column header per column with its sort button (click: asc → desc →
// off; shift-click adds a second key; the order shown by an arrow, a rank when several
// keys, and aria-sort on the first) and a resize handle on its right edge (drag, or focus
// it and use the arrow keys). A selection column adds a select-all-loaded checkbox.
import { createEffect, createUniqueId, For, Show } from "solid-js";
import type { ColumnDefinition, SortKey } from "../../lib/types";
import { t } from "./messages";
import { MAX_WIDTH, MIN_WIDTH } from "./widths";

export interface HeaderProps {
  columns: ColumnDefinition[];
  sort: SortKey[];
  onSort: (field: string, add: boolean) => void;
  width: (col: ColumnDefinition) => number;
  onResize: (field: string, width: number) => void;
  selectable: boolean;
  loadedCount: number;
  selectedLoaded: number;
  onSelectAll: (on: boolean) => void;
}

export function GridHeader(props: HeaderProps) {
  let all: HTMLInputElement | undefined;
  createEffect(() => {
    if (all) all.indeterminate = props.selectedLoaded > 0 && props.selectedLoaded < props.loadedCount;
  });
  return (
    <div role="row" class="dg-row dg-head-row" aria-rowindex={1}>
      <Show when={props.selectable}>
        <div role="columnheader" class="dg-cell dg-select" aria-colindex={1}>
          <span class="visually-hidden">{t("selectColumn")}</span>
          <input
            ref={all}
            type="checkbox"
            aria-label={t("selectAllLoaded", { count: props.loadedCount })}
            title={t("selectAllLoaded", { count: props.loadedCount })}
            checked={props.loadedCount > 0 && props.selectedLoaded === props.loadedCount}
            disabled={props.loadedCount === 0}
            onChange={(e) => props.onSelectAll(e.currentTarget.checked)}
          />
        </div>
      </Show>
      <For each={props.columns}>{(col, i) => <HeaderCell col={col} index={i() + (props.selectable ? 2 : 1)} {...props} />}</For>
    </div>
  );
}

function HeaderCell(props: HeaderProps & { col: ColumnDefinition; index: number }) {
  const labelId = createUniqueId();
  const rank = () => props.sort.findIndex((k) => k.field === props.col.field);
  const dir = () => (rank() < 0 ? undefined : (props.sort[rank()]!.dir ?? "asc"));
  const ariaSort = () => (rank() === 0 ? (dir() === "desc" ? "descending" : "ascending") : undefined);
  const state = () => {
    if (!dir()) return "";
    const s = dir() === "desc" ? t("sortedDesc") : t("sortedAsc");
    return props.sort.length > 1 ? `, ${t("sortRank", { rank: rank() + 1 })}, ${s}` : `, ${s}`;
  };

  let startX = 0;
  let startW = 0;
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    startX = e.clientX;
    startW = props.width(props.col);
  };
  const onPointerMove = (e: PointerEvent) => {
    if ((e.currentTarget as HTMLElement).hasPointerCapture(e.pointerId)) props.onResize(props.col.field, startW + e.clientX - startX);
  };
  const onResizeKey = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 64 : 16;
    const w = props.width(props.col);
    if (e.key === "ArrowLeft") props.onResize(props.col.field, w - step);
    else if (e.key === "ArrowRight") props.onResize(props.col.field, w + step);
    else return;
    e.preventDefault();
  };

  return (
    <div role="columnheader" class="dg-cell dg-hcell" aria-colindex={props.index} aria-sort={ariaSort()} aria-labelledby={labelId}>
      <Show
        when={props.col.sortable}
        fallback={
          <span class="dg-hlabel" id={labelId}>
            {props.col.label}
          </span>
        }
      >
        <button type="button" class="dg-sort" classList={{ sorted: !!dir() }} title={t("sortHelp")} onClick={(e) => props.onSort(props.col.field, e.shiftKey)}>
          <span class="dg-hlabel" id={labelId}>
            {props.col.label}
          </span>
          <span class="visually-hidden">{state()}</span>
          <span class="dg-arrow" aria-hidden="true">
            {dir() === "desc" ? "↓" : dir() === "asc" ? "↑" : "↕"}
          </span>
          <Show when={props.sort.length > 1 && rank() >= 0}>
            <span class="dg-rank" aria-hidden="true">
              {rank() + 1}
            </span>
          </Show>
        </button>
      </Show>
      <div
        role="separator"
        aria-orientation="vertical"
        tabindex="0"
        class="dg-resize"
        aria-label={t("resize", { column: props.col.label })}
        aria-valuenow={props.width(props.col)}
        aria-valuemin={MIN_WIDTH}
        aria-valuemax={MAX_WIDTH}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onKeyDown={onResizeKey}
      />
    </div>
  );
}

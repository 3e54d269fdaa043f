// biome-ignore-all lint/a11y/useSemanticElements: a virtual grid: rows are absolutely positioned boxes with the ARIA grid roles; a <table> cannot be laid out so
// biome-ignore-all lint/a11y/useFocusableInteractive: the ARIA grid pattern: one cell at a time is in the tab order (roving tabindex); rows and headers are not focus targets
// A grid of an entity type's records: server-side sort and filter, keyset paging with
// virtual scrolling to the millionth row, column resizing, row selection with bulk delete,
// inline editing validated by the server, opening a record, CSV export, and live updates.
// It fills its slot's height and scrolls inside. The pieces: model.ts (props), rows.ts
// (paging), live.ts (changes), GridHeader / FilterRow / GridBody (the table), cells.tsx
// and CellEditor.tsx (values), csv.ts (export).
import { createEffect, createMemo, createSignal, createUniqueId, on, onCleanup, onMount, Show } from "solid-js";
import { fmt, language } from "../../lib/i18n";
import { RpcError } from "../../lib/rpc";
import type { ColumnDefinition, EntityRecord, Filter, SortKey } from "../../lib/types";
import { ErrorBox, messageOf } from "../../ui/Status";
import type { ComponentContext, ComponentProps } from "../contract";
import { exportCsv } from "./csv";
import { FilterRow } from "./FilterRow";
import { combine, type FilterValue, isActive, userFilter } from "./filters";
import { GridBody } from "./GridBody";
import { GridHeader } from "./GridHeader";
import { createLabels } from "./labels";
import { followChanges } from "./live";
import { plural, t } from "./messages";
import { type GridConfig, gridConfig, nextSort } from "./model";
import { RowStore } from "./rows";
import { createWidths, SELECT_WIDTH } from "./widths";
import "./DataGrid.css";

/** Every row's height in px: the virtualizer's unit, and the CSS's (--row-h, set on the grid). */
const ROW_H = 36;

/** The server's code for a record changed meanwhile (expectedVersion). */
const CONFLICT = -32009;
const FILTER_DELAY = 250;
const DELETES_AT_ONCE = 4;

export default function DataGrid(props: ComponentProps) {
  const config = createMemo(() => gridConfig(props.c, props.ctx));
  return (
    <Show when={!("error" in config())} fallback={<ErrorBox message={(config() as { error: string }).error} />}>
      <Grid config={config() as GridConfig} ctx={props.ctx} id={props.c.id} />
    </Show>
  );
}

function Grid(props: { config: GridConfig; ctx: ComponentContext; id: string }) {
  const cfg = () => props.config;
  const ctx = props.ctx;
  const source = ctx.source;
  const titleId = createUniqueId();
  const helpId = createUniqueId();
  const labels = createLabels(source);
  const store = new RowStore(
    source,
    () => cfg().entity,
    () => cfg().pageSize,
  );
  onCleanup(() => store.dispose());
  const widths = createWidths(() => `torque.grid.${ctx.slug || "_gallery"}.${props.id}`);

  const [scroller, setScroller] = createSignal<HTMLDivElement>();
  const [headerHeight, setHeaderHeight] = createSignal(0);
  let root!: HTMLElement;
  let head!: HTMLDivElement;
  // No layout is read while the page renders (each read forces the browser to lay out the
  // whole page, once per grid): the header's height comes from the observer, which reports
  // it after layout and before the first paint.
  onMount(() => {
    const ro = new ResizeObserver((entries) => setHeaderHeight(entries[0]?.borderBoxSize[0]?.blockSize ?? head.offsetHeight));
    ro.observe(head);
    onCleanup(() => ro.disconnect());
  });

  // Sort: the model's until the user clicks a header; a new sort from the model applies again.
  const [userSort, setUserSort] = createSignal<SortKey[] | null>(null);
  createEffect(
    on(
      () => JSON.stringify(cfg().sort),
      () => setUserSort(null),
      { defer: true },
    ),
  );
  const sort = () => userSort() ?? cfg().sort;

  // Filters: what the inputs hold now, applied after a pause in typing, AND the model's filter.
  const [filters, setFilters] = createSignal<Record<string, FilterValue>>({});
  const [applied, setApplied] = createSignal<Filter | undefined>();
  createEffect(() => {
    const f = userFilter(cfg().columns, filters());
    const timer = setTimeout(() => setApplied(() => f), FILTER_DELAY);
    onCleanup(() => clearTimeout(timer));
  });
  const anyFilter = () => Object.values(filters()).some(isActive);
  const clearFilters = () => {
    setFilters({});
    setApplied(undefined);
  };
  const filter = () => combine(cfg().filter, applied());

  const fields = () => cfg().columns.map((c) => c.field);
  const include = () =>
    cfg()
      .columns.filter((c) => c.type === "reference")
      .map((c) => c.field);
  const query = createMemo(() => ({ entity: cfg().entity, filter: filter(), sort: sort(), fields: fields(), include: include() }), undefined, {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  let shown = false;
  createEffect(
    on(query, (q) => {
      store.reset(q);
      // Back to the top for another query; not for the first (scrolling forces a layout of
      // the page while it renders, once per grid).
      if (shown) scroller()?.scrollTo({ top: 0 });
      shown = true;
    }),
  );
  // Selection: by id; shift-click takes the loaded rows between the last click and this one.
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set<string>());
  let anchor: number | undefined;
  const loaded = createMemo(() => store.loaded());
  const selectedLoaded = () => loaded().filter((r) => selected().has(r.id)).length;
  const toggle = (index: number, range: boolean) => {
    const rec = store.row(index);
    if (!rec) return;
    const next = new Set(selected());
    if (range && anchor !== undefined) {
      for (let i = Math.min(anchor, index); i <= Math.max(anchor, index); i++) {
        const r = store.row(i);
        if (r) next.add(r.id);
      }
    } else {
      if (next.has(rec.id)) next.delete(rec.id);
      else next.add(rec.id);
      anchor = index;
    }
    setSelected(next);
  };
  const selectAll = (on: boolean) => setSelected(new Set<string>(on ? loaded().map((r) => r.id) : []));

  // Other rows shown: a selection among the old ones would delete what is not in view.
  createEffect(
    on(
      () => JSON.stringify(filter()),
      () => setSelected(new Set<string>()),
      { defer: true },
    ),
  );
  // Another entity type: nothing chosen for the old one applies.
  createEffect(
    on(
      () => cfg().entity,
      () => {
        setFilters({});
        setSelected(new Set<string>());
      },
      { defer: true },
    ),
  );
  followChanges(source, () => cfg().entity, store, include);

  const [deleting, setDeleting] = createSignal(false);
  const deleteSelected = async () => {
    const ids = [...selected()];
    const n = ids.length;
    const entity = cfg().label;
    const yes = await ctx.confirm({
      title: n === 1 ? t("deleteTitleOne") : t("deleteTitle", { count: fmt.number(n) }),
      message: n === 1 ? t("deleteMessageOne", { entity }) : t("deleteMessage", { count: fmt.number(n), entity }),
      confirmLabel: t("deleteConfirm"),
      danger: true,
    });
    if (!yes) return;
    setDeleting(true);
    const failed: { id: string; error: unknown }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const id = ids[next++]!;
        try {
          await source.delete(cfg().entity, id);
          store.remove(id);
        } catch (error) {
          failed.push({ id, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELETES_AT_ONCE, n) }, worker));
    setDeleting(false);
    setSelected(new Set(failed.map((f) => f.id)));
    if (failed.length) ctx.notify(t("deleteFailed", { count: fmt.number(failed.length), message: messageOf(failed[0]!.error) }), "error");
    else ctx.notify(t("deleted", { count: fmt.number(n) }));
  };

  const [exporting, setExporting] = createSignal(false);
  const onExport = async () => {
    setExporting(true);
    try {
      const r = await exportCsv(source, cfg().entity, { filter: filter(), sort: sort(), fields: fields() });
      ctx.notify(t("exported", { count: fmt.number(r.count), file: r.file }));
    } catch (e) {
      ctx.notify(messageOf(e), "error");
    } finally {
      setExporting(false);
    }
  };

  const save = async (rec: EntityRecord, col: ColumnDefinition, value: unknown): Promise<string | undefined> => {
    const entity = cfg().entity;
    try {
      store.patch(await source.update(entity, rec.id, { [col.field]: value }, rec.version));
      return undefined;
    } catch (e) {
      if (e instanceof RpcError && e.code === CONFLICT) {
        try {
          store.patch(await source.get(entity, rec.id, { include: include() }));
        } catch {
          // The message below still says what happened; the row reloads with the next change.
        }
        return t("conflict");
      }
      if (e instanceof RpcError && e.issues.length) return (e.issues.find((i) => i.field === col.field) ?? e.issues[0]!).message;
      return t("saveFailed", { message: messageOf(e) });
    }
  };

  const openId = () => {
    const r = ctx.record();
    return r && r.entity === cfg().entity ? r.id : undefined;
  };

  const countText = () => {
    const n = store.total();
    if (n === undefined) return store.status() === "error" ? "" : t("loading");
    if (!store.exact()) return t("approxRecords", { count: fmt.number(n) });
    return n === 1 ? t("oneRecord") : t("records", { count: fmt.number(n) });
  };
  const template = () => {
    const cols = cfg().columns;
    const parts = cols.map((c, i) => (i === cols.length - 1 ? `minmax(${widths.of(c)}px, 1fr)` : `${widths.of(c)}px`));
    if (cfg().selectable) parts.unshift(`${SELECT_WIDTH}px`);
    return parts.join(" ");
  };
  const gridWidth = () => cfg().columns.reduce((s, c) => s + widths.of(c), cfg().selectable ? SELECT_WIDTH : 0);
  const empty = () => store.status() === "ready" && store.total() === 0;

  return (
    <section class="dg" ref={root} aria-labelledby={titleId} style={{ "--dg-cols": template(), "--dg-width": `${gridWidth()}px`, "--row-h": `${ROW_H}px` }}>
      <div class="dg-toolbar">
        <div class="dg-heading">
          <h2 class="dg-title" id={titleId}>
            {cfg().title}
          </h2>
          <span class="dg-count" aria-live="polite">
            {countText()}
          </span>
          <Show when={selected().size}>
            <span class="dg-selcount">{t("selected", { count: fmt.number(selected().size) })}</span>
          </Show>
        </div>
        <div class="dg-actions">
          <Show when={anyFilter()}>
            <button type="button" class="button" onClick={clearFilters}>
              {t("clearFilters")}
            </button>
          </Show>
          <Show when={selected().size}>
            <button type="button" class="button danger" disabled={deleting()} onClick={deleteSelected}>
              {t("deleteSelected", { count: fmt.number(selected().size) })}
            </button>
          </Show>
          <button type="button" class="button" disabled={exporting()} onClick={onExport}>
            {exporting() ? t("exporting") : t("exportCsv")}
          </button>
        </div>
      </div>
      <Show when={store.status() === "error"}>
        <ErrorBox title={t("loadFailed")} message={messageOf(store.error())} onRetry={() => store.retry()} />
      </Show>
      <div class="dg-scroller" ref={setScroller}>
        <div
          role="grid"
          class="dg-grid"
          aria-labelledby={titleId}
          aria-describedby={helpId}
          aria-rowcount={store.exact() && store.total() !== undefined ? store.total()! + 2 : -1}
          aria-colcount={cfg().columns.length + (cfg().selectable ? 1 : 0)}
          aria-multiselectable={cfg().selectable ? "true" : undefined}
          aria-busy={store.status() === "loading" ? "true" : undefined}
        >
          <div role="rowgroup" class="dg-head" ref={head}>
            <GridHeader
              columns={cfg().columns}
              sort={sort()}
              onSort={(field, add) => setUserSort(nextSort(sort(), field, add))}
              width={widths.of}
              onResize={widths.set}
              selectable={cfg().selectable}
              loadedCount={loaded().length}
              selectedLoaded={selectedLoaded()}
              onSelectAll={selectAll}
            />
            <FilterRow
              columns={cfg().columns}
              values={filters()}
              onChange={(field, v) => setFilters((f) => ({ ...f, [field]: v }) as Record<string, FilterValue>)}
              selectable={cfg().selectable}
              source={source}
            />
          </div>
          <GridBody
            store={store}
            columns={cfg().columns}
            selectable={cfg().selectable}
            editable={cfg().editable}
            display={cfg().display}
            labels={labels}
            rowHeight={ROW_H}
            headerHeight={headerHeight()}
            scroller={scroller}
            isSelected={(id) => selected().has(id)}
            onToggle={toggle}
            openId={openId()}
            onOpen={(r) => ctx.openRecord({ entity: cfg().entity, id: r.id })}
            onSave={save}
          />
        </div>
        <Show when={empty()}>
          <div class="dg-empty" role="status">
            <Show
              when={anyFilter()}
              fallback={<p>{t("emptyTitle", { plural: language() === "en" ? plural(cfg().label) : cfg().label, entity: cfg().label })}</p>}
            >
              <p>{t("emptyFiltered")}</p>
              <button type="button" class="button" onClick={clearFilters}>
                {t("clearFilters")}
              </button>
            </Show>
          </div>
        </Show>
      </div>
      <p id={helpId} class="visually-hidden">
        {t("gridHelp")}
      </p>
    </section>
  );
}

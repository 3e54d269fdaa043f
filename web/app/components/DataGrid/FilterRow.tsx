// biome-ignore-all lint/a11y/useSemanticElements: a virtual grid: rows are absolutely positioned boxes with the ARIA grid roles; a <table> cannot be laid out so
// biome-ignore-all lint/a11y/useFocusableInteractive: the ARIA grid pattern: one cell at a time is in the tab order (roving tabindex); rows and headers are not focus targets
// The filter row under the header: one control per column, fitting its type (filters.ts
// makes the server filter of them). Every control is labelled by its column.
import { createMemo, createSignal, For, Match, Show, Switch } from "solid-js";
import { fmt } from "../../lib/i18n";
import type { DataSource } from "../../lib/source";
import type { ColumnDefinition } from "../../lib/types";
import { type FilterValue, filterKind, isActive, type TextOp } from "./filters";
import { t } from "./messages";
import { Popover } from "./Popover";
import { RefFilter } from "./RefFilter";

export interface FilterRowProps {
  columns: ColumnDefinition[];
  values: Record<string, FilterValue>;
  onChange: (field: string, v: FilterValue | undefined) => void;
  selectable: boolean;
  source: DataSource;
}

export function FilterRow(props: FilterRowProps) {
  return (
    <div role="row" class="dg-row dg-filter-row" aria-rowindex={2} aria-label={t("filterRow")}>
      <Show when={props.selectable}>
        <div role="gridcell" class="dg-cell dg-select" aria-colindex={1} />
      </Show>
      <For each={props.columns}>
        {(col, i) => (
          <div role="gridcell" class="dg-cell dg-fcell" aria-colindex={i() + (props.selectable ? 2 : 1)}>
            <FilterControl col={col} value={props.values[col.field]} onChange={(v) => props.onChange(col.field, v)} source={props.source} />
          </div>
        )}
      </For>
    </div>
  );
}

function FilterControl(props: { col: ColumnDefinition; value: FilterValue | undefined; onChange: (v: FilterValue | undefined) => void; source: DataSource }) {
  const kind = () => filterKind(props.col);
  const label = () => t("filterFor", { column: props.col.label });
  const v = <K extends FilterValue["kind"]>(k: K) => (props.value?.kind === k ? (props.value as Extract<FilterValue, { kind: K }>) : undefined);
  const dates = () => props.col.type === "date" || props.col.type === "datetime";
  return (
    <Switch>
      <Match when={kind() === "text"}>
        <TextFilter col={props.col} value={v("text")} onChange={props.onChange} />
      </Match>
      <Match when={kind() === "range" && !dates()}>
        <span class="dg-range">
          <input
            type="number"
            class="dg-finput"
            step={props.col.type === "integer" ? "1" : "any"}
            placeholder={t("min")}
            aria-label={t("atLeast", { column: props.col.label })}
            value={v("range")?.min ?? ""}
            onInput={(e) => props.onChange({ kind: "range", min: e.currentTarget.value, max: v("range")?.max ?? "" })}
          />
          <input
            type="number"
            class="dg-finput"
            step={props.col.type === "integer" ? "1" : "any"}
            placeholder={t("max")}
            aria-label={t("atMost", { column: props.col.label })}
            value={v("range")?.max ?? ""}
            onInput={(e) => props.onChange({ kind: "range", min: v("range")?.min ?? "", max: e.currentTarget.value })}
          />
        </span>
      </Match>
      <Match when={kind() === "range" && dates()}>
        <DateRange col={props.col} value={v("range")} onChange={props.onChange} />
      </Match>
      <Match when={kind() === "in"}>
        <ValuesFilter col={props.col} value={v("in")} onChange={props.onChange} />
      </Match>
      <Match when={kind() === "bool"}>
        <select
          class="dg-fselect"
          aria-label={label()}
          value={v("bool")?.value ?? ""}
          onChange={(e) => props.onChange({ kind: "bool", value: e.currentTarget.value as "" | "yes" | "no" })}
        >
          <option value="">{t("any")}</option>
          <option value="yes">{t("yes")}</option>
          <option value="no">{t("no")}</option>
        </select>
      </Match>
      <Match when={kind() === "has"}>
        <select
          class="dg-fselect"
          aria-label={label()}
          value={v("has")?.value ?? ""}
          onChange={(e) => props.onChange({ kind: "has", value: e.currentTarget.value })}
        >
          <option value="">{t("any")}</option>
          <For each={props.col.values ?? []}>{(x) => <option value={x}>{x}</option>}</For>
        </select>
      </Match>
      <Match when={kind() === "empty"}>
        <select
          class="dg-fselect"
          aria-label={label()}
          value={v("empty")?.value ?? ""}
          onChange={(e) => props.onChange({ kind: "empty", value: e.currentTarget.value as "" | "empty" | "set" })}
        >
          <option value="">{t("any")}</option>
          <option value="empty">{t("empty")}</option>
          <option value="set">{t("notEmpty")}</option>
        </select>
      </Match>
      <Match when={kind() === "ref"}>
        <RefFilter
          col={props.col}
          source={props.source}
          picked={v("ref")}
          onPick={(p) => props.onChange(p ? { kind: "ref", id: p.id, label: p.label } : undefined)}
        />
      </Match>
    </Switch>
  );
}

const OPS: { op: TextOp; key: "opContains" | "opStartsWith" | "opEq" | "opIsNull" }[] = [
  { op: "contains", key: "opContains" },
  { op: "startsWith", key: "opStartsWith" },
  { op: "eq", key: "opEq" },
  { op: "isNull", key: "opIsNull" },
];

function TextFilter(props: { col: ColumnDefinition; value: Extract<FilterValue, { kind: "text" }> | undefined; onChange: (v: FilterValue) => void }) {
  const op = () => props.value?.op ?? "contains";
  const text = () => props.value?.value ?? "";
  return (
    <span class="dg-text-filter">
      <select
        class="dg-op"
        aria-label={t("operatorFor", { column: props.col.label })}
        title={t("operatorFor", { column: props.col.label })}
        value={op()}
        onChange={(e) => props.onChange({ kind: "text", op: e.currentTarget.value as TextOp, value: text() })}
      >
        <For each={OPS}>{(o) => <option value={o.op}>{t(o.key)}</option>}</For>
      </select>
      <Show when={op() !== "isNull"}>
        <input
          type="search"
          class="dg-finput"
          aria-label={t("filterFor", { column: props.col.label })}
          placeholder={`${t(OPS.find((o) => o.op === op())!.key)}…`}
          value={text()}
          onInput={(e) => props.onChange({ kind: "text", op: op(), value: e.currentTarget.value })}
        />
      </Show>
    </span>
  );
}

function DateRange(props: {
  col: ColumnDefinition;
  value: Extract<FilterValue, { kind: "range" }> | undefined;
  onChange: (v: FilterValue | undefined) => void;
}) {
  const min = () => props.value?.min ?? "";
  const max = () => props.value?.max ?? "";
  const summary = () => {
    if (min() && max()) return t("dateRange", { from: fmt.date(min()), to: fmt.date(max()) });
    if (min()) return t("dateFrom", { date: fmt.date(min()) });
    if (max()) return t("dateTo", { date: fmt.date(max()) });
    return t("anyDate");
  };
  return (
    <Popover label={t("filterFor", { column: props.col.label })} summary={summary()} active={isActive(props.value)}>
      <label class="dg-pop-field">
        <span>{t("from")}</span>
        <input type="date" value={min()} max={max() || undefined} onInput={(e) => props.onChange({ kind: "range", min: e.currentTarget.value, max: max() })} />
      </label>
      <label class="dg-pop-field">
        <span>{t("to")}</span>
        <input type="date" value={max()} min={min() || undefined} onInput={(e) => props.onChange({ kind: "range", min: min(), max: e.currentTarget.value })} />
      </label>
      <button type="button" class="button dg-pop-clear" onClick={() => props.onChange(undefined)}>
        {t("clear")}
      </button>
    </Popover>
  );
}

/** A value list longer than this gets a search box and shows at most this many matches (an enum may have thousands). */
const VALUES_SHOWN = 50;

function ValuesFilter(props: {
  col: ColumnDefinition;
  value: Extract<FilterValue, { kind: "in" }> | undefined;
  onChange: (v: FilterValue | undefined) => void;
}) {
  const [search, setSearch] = createSignal("");
  const chosen = () => props.value?.values ?? [];
  const all = () => props.col.values ?? [];
  /** The chosen values and those matching the search, in the model's order, cut at VALUES_SHOWN (chosen ones always stay: a checkbox that moved would lose focus). */
  const shown = createMemo(() => {
    const q = search().trim().toLowerCase();
    const picked = new Set(chosen());
    let room = Math.max(0, VALUES_SHOWN - picked.size);
    let matching = 0;
    const list = all().filter((x) => {
      const on = picked.has(x);
      if (!on && q && !x.toLowerCase().includes(q)) return false;
      matching++;
      return on || room-- > 0;
    });
    return { list, matching };
  });
  const summary = () => (chosen().length === 0 ? t("any") : chosen().length <= 2 ? chosen().join(", ") : t("nValues", { count: chosen().length }));
  const toggle = (x: string, on: boolean) => {
    const next = on ? [...chosen(), x] : chosen().filter((y) => y !== x);
    props.onChange(next.length ? { kind: "in", values: next } : undefined);
  };
  return (
    <Popover label={t("valuesOf", { column: props.col.label })} summary={summary()} active={chosen().length > 0}>
      <Show when={all().length > VALUES_SHOWN}>
        <input
          type="search"
          class="dg-finput"
          aria-label={t("searchValues", { column: props.col.label })}
          placeholder={`${t("opContains")}…`}
          value={search()}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
      </Show>
      <For each={shown().list}>
        {(x) => (
          <label class="dg-pop-check">
            <input type="checkbox" checked={chosen().includes(x)} onChange={(e) => toggle(x, e.currentTarget.checked)} />
            <span class="dg-chip" data-value={x}>
              {x}
            </span>
          </label>
        )}
      </For>
      <Show when={shown().list.length === 0}>
        <p class="dg-pop-note">{t("noMatches")}</p>
      </Show>
      <Show when={shown().matching > shown().list.length}>
        <p class="dg-pop-note" role="status">
          {t("someValues", { shown: fmt.number(shown().list.length), total: fmt.number(shown().matching) })}
        </p>
      </Show>
    </Popover>
  );
}

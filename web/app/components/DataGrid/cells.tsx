// How a value shows in a cell: numbers and dates in the browser's locale, enum values as
// chips, booleans as ✓ / —, references by the referenced record's label, json as compact
// text, long text cut short (the full value in the title). Text only, never HTML; a cell
// is one line of fixed height, so a huge value cannot stretch a row.
import { For, type JSX, Match, Show, Switch } from "solid-js";
import { fmt } from "../../lib/i18n";
import { recordLabel } from "../../lib/source";
import type { ColumnDefinition, EntityRecord } from "../../lib/types";
import type { Labels } from "./labels";
import { t } from "./messages";

/** Characters a cell renders; the rest is in the title. */
const SHOWN = 200;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The value as plain text (for titles, and what a cell shows of text-like types). */
export function valueText(col: ColumnDefinition, v: unknown): string {
  if (v === undefined || v === null || v === "") return "";
  switch (col.type) {
    case "integer":
    case "number":
      return typeof v === "number" ? fmt.number(v) : String(v);
    case "date":
      return typeof v === "string" ? fmt.date(v) : String(v);
    case "datetime":
      return typeof v === "string" ? fmt.datetime(v) : String(v);
    case "boolean":
      return v ? t("yes") : t("no");
    case "multienum":
      return Array.isArray(v) ? v.join(", ") : String(v);
    case "json":
    case "file":
      return typeof v === "string" ? v : JSON.stringify(v);
    default:
      return String(v);
  }
}

export function CellValue(props: { col: ColumnDefinition; rec: EntityRecord; labels: Labels }): JSX.Element {
  const v = () => props.rec.data[props.col.field];
  const empty = () => v() === undefined || v() === null || v() === "";
  return (
    <Show when={!empty()}>
      <Switch fallback={<span class="dg-text">{cut(valueText(props.col, v()), SHOWN)}</span>}>
        <Match when={props.col.type === "enum"}>
          <span class="dg-chip" data-value={String(v())}>
            {String(v())}
          </span>
        </Match>
        <Match when={props.col.type === "multienum" && Array.isArray(v())}>
          <span class="dg-chips">
            <For each={v() as unknown[]}>{(x) => <span class="dg-chip">{String(x)}</span>}</For>
          </span>
        </Match>
        <Match when={props.col.type === "boolean"}>
          <span class="dg-bool" classList={{ on: !!v() }} aria-hidden="true">
            {v() ? "✓" : "—"}
          </span>
          <span class="visually-hidden">{v() ? t("yes") : t("no")}</span>
        </Match>
        <Match when={props.col.type === "reference"}>
          <RefLabel col={props.col} rec={props.rec} labels={props.labels} />
        </Match>
      </Switch>
    </Show>
  );
}

function RefLabel(props: { col: ColumnDefinition; rec: EntityRecord; labels: Labels }) {
  const id = () => String(props.rec.data[props.col.field]);
  const label = () => {
    const rel = props.rec.related?.[props.col.field];
    if (rel && !Array.isArray(rel)) return recordLabel(rel, props.col.display);
    if (rel === null) return id(); // referenced record gone
    return props.col.entity ? props.labels.get(props.col.entity, id()) : id();
  };
  return (
    <Show when={label() !== undefined} fallback={<span class="dg-skel" />}>
      <span class="dg-ref">{cut(label()!, SHOWN)}</span>
    </Show>
  );
}

/** The title of a cell: its full value, for text that does not fit. */
export function cellTitle(col: ColumnDefinition, rec: EntityRecord): string | undefined {
  if (col.type === "reference" || col.type === "boolean") return undefined;
  return valueText(col, rec.data[col.field]) || undefined;
}

// The editor of one cell, fitting its field type: a text, number, date or date-time input,
// a select for an enum, a checkbox for a boolean. Enter saves, Escape cancels, leaving the
// cell saves a changed value. After a refused save it stays open with what was typed and
// the server's message beside it.
import { createEffect, createSignal, For, Match, on, onMount, Show, Switch } from "solid-js";
import type { ColumnDefinition, FieldType } from "../../lib/types";
import { t } from "./messages";

/** Types a cell can edit in place; the others open the record. */
const EDITABLE = new Set<FieldType>(["text", "longtext", "email", "url", "integer", "number", "date", "datetime", "enum", "boolean"]);
export const canEdit = (col: ColumnDefinition) => EDITABLE.has(col.type);

const pad = (n: number) => String(n).padStart(2, "0");
/** An ISO date-time as a datetime-local input's value (the browser's time zone). */
function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function editText(col: ColumnDefinition, v: unknown): string {
  if (v === undefined || v === null) return "";
  if (col.type === "datetime" && typeof v === "string") return localDateTime(v);
  return String(v);
}

/** The typed text as the field's value (null clears it); the server checks the rest. */
export function parseEdit(col: ColumnDefinition, s: string | boolean): unknown {
  if (typeof s === "boolean") return s;
  if (s.trim() === "") return null;
  switch (col.type) {
    case "integer":
    case "number": {
      const n = Number(s);
      return Number.isFinite(n) ? n : s;
    }
    case "datetime": {
      const d = new Date(s);
      return Number.isNaN(d.getTime()) ? s : d.toISOString();
    }
    default:
      return s;
  }
}

const INPUT_TYPE: Partial<Record<FieldType, string>> = {
  email: "email",
  url: "url",
  integer: "number",
  number: "number",
  date: "date",
  datetime: "datetime-local",
};

export function CellEditor(props: {
  col: ColumnDefinition;
  value: unknown;
  error?: string;
  errorId: string;
  saving: boolean;
  onSave: (v: unknown) => void;
  onCancel: () => void;
}) {
  const start = props.col.type === "boolean" ? !!props.value : editText(props.col, props.value);
  const [text, setText] = createSignal<string | boolean>(start);
  // The value last sent: leaving the cell does not send the same refused value again.
  let sent: string | boolean | undefined;
  let done = false;
  let el!: HTMLInputElement | HTMLSelectElement;
  onMount(() => {
    el.focus();
    if (el instanceof HTMLInputElement && (el.type === "text" || el.type === "email" || el.type === "url")) el.select();
  });
  // Back from a refused save: the field is enabled again and takes focus for the correction.
  createEffect(
    on(
      () => props.saving,
      (saving, was) => was && !saving && el.focus(),
      { defer: true },
    ),
  );
  const save = () => {
    if (done || props.saving) return;
    sent = text();
    props.onSave(parseEdit(props.col, text()));
  };
  const cancel = () => {
    done = true;
    props.onCancel();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      save();
    } else if (e.key === "Escape") {
      e.preventDefault();
      cancel();
    } else if (e.key === "Tab") {
      e.preventDefault();
      if (text() === start) cancel();
      else save();
    }
  };
  const onBlur = () => {
    if (done || props.saving) return;
    if (text() === start) cancel();
    else if (text() !== sent) save();
  };
  const common = () => ({
    class: "dg-editor",
    "aria-label": t("editing", { column: props.col.label }),
    "aria-invalid": props.error ? ("true" as const) : undefined,
    "aria-describedby": props.error ? props.errorId : undefined,
    disabled: props.saving,
    onKeyDown,
    onBlur,
  });
  return (
    <>
      <Switch
        fallback={
          <input
            ref={(x) => (el = x)}
            {...common()}
            type={INPUT_TYPE[props.col.type] ?? "text"}
            step={props.col.type === "integer" ? "1" : props.col.type === "number" ? "any" : undefined}
            value={text() as string}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        }
      >
        <Match when={props.col.type === "enum"}>
          <select ref={(x) => (el = x)} {...common()} value={text() as string} onChange={(e) => setText(e.currentTarget.value)}>
            <option value="">—</option>
            <For each={props.col.values ?? []}>{(v) => <option value={v}>{v}</option>}</For>
          </select>
        </Match>
        <Match when={props.col.type === "boolean"}>
          <input
            ref={(x) => (el = x)}
            {...common()}
            class="dg-editor dg-check"
            type="checkbox"
            checked={text() as boolean}
            onChange={(e) => setText(e.currentTarget.checked)}
          />
        </Match>
      </Switch>
      <Show when={props.error}>
        <span class="dg-cell-error" id={props.errorId} role="alert">
          {props.error}
        </span>
      </Show>
    </>
  );
}

// Inputs choosing from a field's values: a <select> for an enum, a searchable combobox
// when the enum is too long for one (10,000 options would freeze a select and nobody can
// scroll them), a checkbox for a boolean, and for a multienum a checkbox group or, when it
// has many values, chips with a combobox to add more.
import { For, Show } from "solid-js";
import { Combobox } from "../Combobox";
import { t } from "../messages";
import { common } from "./text";
import type { InputProps } from "./types";

/** Enums with more values than this get a searchable combobox instead of a select. */
export const ENUM_COMBO_FROM = 100;
/** Multienums with more values than this get chips instead of a checkbox group. */
export const MULTI_CHIPS_FROM = 24;
const SHOWN_MATCHES = 50;

/** The first matches of a list of values, found by any part of the text. */
function searchValues(values: string[], text: string, exclude: string[] = []) {
  const q = text.trim().toLowerCase();
  const options: { value: string; label: string }[] = [];
  for (const v of values) {
    if ((q && !v.toLowerCase().includes(q)) || exclude.includes(v)) continue;
    if (options.length === SHOWN_MATCHES) return { options, more: true };
    options.push({ value: v, label: v });
  }
  return { options };
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);

export function EnumSelect(p: InputProps) {
  const values = () => p.field.def.values ?? [];
  // A stored value the model no longer lists stays choosable, so opening the record loses nothing.
  const extra = () => (str(p.value) && !values().includes(str(p.value)) ? [str(p.value)] : []);
  return (
    <select {...common(p)} onChange={(e) => p.set(e.currentTarget.value)}>
      <Show when={!p.field.def.required || !str(p.value)}>
        <option value="" selected={!str(p.value)} disabled={p.field.def.required}>
          {p.field.def.required ? t("choose") : t("none")}
        </option>
      </Show>
      <For each={[...values(), ...extra()]}>
        {(v) => (
          <option value={v} selected={v === str(p.value)}>
            {v}
          </option>
        )}
      </For>
    </select>
  );
}

export function EnumCombobox(p: InputProps) {
  return (
    <Combobox
      id={p.field.controlId}
      labelledBy={p.field.labelId}
      value={str(p.value)}
      label={str(p.value)}
      search={(text) => searchValues(p.field.def.values ?? [], text)}
      onSelect={(o) => p.set(o?.value ?? "")}
      required={p.field.def.required}
      invalid={p.invalid}
      describedBy={p.describedBy}
      clearLabel={p.field.def.required ? undefined : t("clear", { label: p.field.label })}
      placeholder={t("typeToSearch")}
      debounceMs={60}
    />
  );
}

export function CheckboxInput(p: InputProps) {
  return (
    <input
      id={p.field.controlId}
      name={p.field.name}
      type="checkbox"
      role="switch"
      checked={p.value === true}
      aria-checked={p.value === true}
      aria-invalid={p.invalid || undefined}
      aria-describedby={p.describedBy}
      onChange={(e) => p.set(e.currentTarget.checked)}
    />
  );
}

/** The checkboxes of a multienum (the row wraps them in a fieldset). */
export function MultiEnumChecks(p: InputProps) {
  const chosen = () => list(p.value);
  const values = () => [...(p.field.def.values ?? []), ...chosen().filter((v) => !(p.field.def.values ?? []).includes(v))];
  const toggle = (v: string, on: boolean) => p.set(on ? [...chosen().filter((x) => x !== v), v] : chosen().filter((x) => x !== v));
  return (
    <div class="tq-checks">
      <For each={values()}>
        {(v, i) => (
          <label class="tq-check">
            <input
              type="checkbox"
              id={i() === 0 ? p.field.controlId : undefined}
              name={p.field.name}
              value={v}
              checked={chosen().includes(v)}
              aria-invalid={p.invalid || undefined}
              onChange={(e) => toggle(v, e.currentTarget.checked)}
            />
            <span>{v}</span>
          </label>
        )}
      </For>
    </div>
  );
}

export function MultiEnumChips(p: InputProps) {
  const chosen = () => list(p.value);
  return (
    <div class="tq-chips-input">
      <Show when={chosen().length}>
        <ul class="tq-chips" aria-label={p.field.label}>
          <For each={chosen()}>
            {(v) => (
              <li class="tq-chip">
                <span>{v}</span>
                <button type="button" aria-label={t("remove", { value: v })} onClick={() => p.set(chosen().filter((x) => x !== v))}>
                  ×
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Combobox
        id={p.field.controlId}
        labelledBy={p.field.labelId}
        value=""
        label=""
        search={(text) => searchValues(p.field.def.values ?? [], text, chosen())}
        onSelect={(o) => o && p.set([...chosen(), o.value])}
        invalid={p.invalid}
        describedBy={p.describedBy}
        placeholder={t("addValue", { label: p.field.label })}
        debounceMs={60}
      />
    </div>
  );
}

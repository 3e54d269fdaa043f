// Inputs typed as text: single-line text, email, url, numbers, dates, long text and JSON.
// Each writes every keystroke to the form's store; the element's value is only set from
// the store when they differ, so a half-typed number the browser cannot parse yet (its
// value reads "") is never wiped.
import { createEffect } from "solid-js";
import type { InputProps } from "./types";

type Editable = HTMLInputElement | HTMLTextAreaElement;

function syncValue(el: Editable, get: () => string) {
  createEffect(() => {
    const v = get();
    if (el.value !== v) el.value = v;
  });
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** Attributes every control shares: id, state and description (getters, so the spread stays reactive). */
export function common(p: InputProps) {
  return {
    get id() {
      return p.field.controlId;
    },
    get name() {
      return p.field.name;
    },
    get "aria-invalid"() {
      return p.invalid || undefined;
    },
    get "aria-describedby"() {
      return p.describedBy;
    },
    get "aria-required"() {
      return p.field.def.required || undefined;
    },
    get required() {
      return p.field.def.required;
    },
  };
}

export function TextInput(p: InputProps) {
  const type = () => (p.field.def.type === "email" ? "email" : p.field.def.type === "url" ? "url" : "text");
  return (
    <input
      ref={(el) => syncValue(el, () => str(p.value))}
      {...common(p)}
      type={type()}
      maxLength={p.field.def.maxLength}
      minLength={p.field.def.minLength}
      autocomplete={p.field.def.type === "email" ? "email" : p.field.def.type === "url" ? "url" : "off"}
      onInput={(e) => p.set(e.currentTarget.value)}
    />
  );
}

export function NumberInput(p: InputProps) {
  return (
    <input
      ref={(el) => syncValue(el, () => str(p.value))}
      {...common(p)}
      type="number"
      inputMode={p.field.def.type === "integer" ? "numeric" : "decimal"}
      step={p.field.def.type === "integer" ? 1 : "any"}
      min={p.field.def.min}
      max={p.field.def.max}
      onInput={(e) => p.set(e.currentTarget.value)}
    />
  );
}

export function DateInput(p: InputProps) {
  const local = () => p.field.def.type === "datetime";
  return (
    <input
      ref={(el) => syncValue(el, () => str(p.value))}
      {...common(p)}
      type={local() ? "datetime-local" : "date"}
      // A stored time with seconds keeps them editable.
      step={local() && str(p.value).length > 16 ? 1 : undefined}
      onInput={(e) => p.set(e.currentTarget.value)}
    />
  );
}

export function LongTextInput(p: InputProps) {
  return (
    <textarea
      ref={(el) => syncValue(el, () => str(p.value))}
      {...common(p)}
      class="tq-grow"
      rows={3}
      maxLength={p.field.def.maxLength}
      onInput={(e) => p.set(e.currentTarget.value)}
    />
  );
}

export function JsonInput(p: InputProps) {
  return (
    <textarea
      ref={(el) => syncValue(el, () => str(p.value))}
      {...common(p)}
      class="tq-grow tq-code"
      rows={4}
      spellcheck={false}
      autocomplete="off"
      onInput={(e) => p.set(e.currentTarget.value)}
    />
  );
}

// A small non-modal panel under a button (a filter's values or date range): the button
// says what is chosen and whether the panel is open; the panel takes focus when it opens;
// Escape, a click outside or leaving it by keyboard closes it.
import { createSignal, createUniqueId, type JSX, onCleanup, Show } from "solid-js";

export function Popover(props: { summary: string; label: string; active: boolean; children: JSX.Element }) {
  const [open, setOpen] = createSignal(false);
  const id = createUniqueId();
  let root!: HTMLDivElement;
  let button!: HTMLButtonElement;
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.focus();
  };
  const outside = (e: PointerEvent) => {
    if (open() && !root.contains(e.target as Node)) close(false);
  };
  document.addEventListener("pointerdown", outside);
  onCleanup(() => document.removeEventListener("pointerdown", outside));
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape and leaving by Tab close the panel from whichever control inside has focus
    <div
      class="dg-pop"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === "Escape" && open()) {
          e.stopPropagation();
          close(true);
        }
      }}
      onFocusOut={(e) => {
        if (open() && e.relatedTarget && !root.contains(e.relatedTarget as Node)) close(false);
      }}
    >
      <button
        ref={button}
        type="button"
        class="dg-pop-button"
        classList={{ active: props.active }}
        aria-label={`${props.label}: ${props.summary}`}
        aria-expanded={open()}
        aria-controls={id}
        onClick={() => setOpen(!open())}
      >
        <span class="dg-pop-summary">{props.summary}</span>
        <span aria-hidden="true" class="dg-caret">
          ▾
        </span>
      </button>
      <Show when={open()}>
        <fieldset class="dg-pop-panel" id={id} ref={(el) => queueMicrotask(() => el.querySelector<HTMLElement>("input, select, button")?.focus())}>
          <legend class="visually-hidden">{props.label}</legend>
          {props.children}
        </fieldset>
      </Show>
    </div>
  );
}

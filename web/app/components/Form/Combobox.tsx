// A searchable single-choice input following the ARIA 1.2 combobox pattern: an input
// (role=combobox) controlling a listbox; arrows move the active option (announced through
// aria-activedescendant while focus stays in the input), Enter picks it, Escape closes the
// list (and only then lets a dialog close). Options come from `search`, debounced and with
// stale requests aborted, so it serves both the reference picker (server queries) and
// enums too large for a <select>.
import { createEffect, createSignal, For, on, onCleanup, Show } from "solid-js";
import { messageOf } from "../../ui/Status";
import { t } from "./messages";

export interface ComboOption {
  value: string;
  label: string;
}

export interface SearchResult {
  options: ComboOption[];
  /** More matches exist than were listed. */
  more?: boolean;
}

export interface ComboboxProps {
  id: string;
  /** The element naming the input and its list. */
  labelledBy: string;
  /** The chosen option's value ("" = none). */
  value: string;
  /** What the input shows for the chosen value. */
  label: string;
  search(text: string, signal: AbortSignal): Promise<SearchResult> | SearchResult;
  onSelect(o: ComboOption | null): void;
  required?: boolean;
  invalid?: boolean;
  describedBy?: string;
  /** Accessible name of the clear button; no button when absent. */
  clearLabel?: string;
  placeholder?: string;
  debounceMs?: number;
}

export function Combobox(props: ComboboxProps) {
  let input!: HTMLInputElement;
  let list!: HTMLDivElement;
  const listId = `${props.id}-list`;
  const [text, setText] = createSignal(props.label);
  const [open, setOpen] = createSignal(false);
  const [options, setOptions] = createSignal<ComboOption[]>([]);
  const [active, setActive] = createSignal(-1);
  const [state, setState] = createSignal<{ kind: "idle" | "loading" | "done" | "error"; more?: boolean; message?: string }>({ kind: "idle" });
  /** The user typed since the text last showed the chosen value's label. */
  let editing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: AbortController | undefined;
  onCleanup(() => {
    clearTimeout(timer);
    running?.abort();
  });

  // The chosen value's label arrives or changes (a reset, a label fetched): show it unless the user is typing.
  createEffect(
    on(
      () => [props.value, props.label],
      () => {
        if (!editing) setText(props.label);
      },
    ),
  );

  async function runSearch(q: string) {
    running?.abort();
    const ctl = new AbortController();
    running = ctl;
    setState({ kind: "loading" });
    try {
      const r = await props.search(q, ctl.signal);
      if (ctl.signal.aborted) return;
      setOptions(r.options);
      // Opened without typing: the chosen option is the active one, as in a select.
      setActive(editing ? -1 : r.options.findIndex((o) => o.value === props.value));
      setState({ kind: "done", more: r.more });
    } catch (e) {
      if (ctl.signal.aborted || (e as Error).name === "AbortError") return;
      setOptions([]);
      setState({ kind: "error", message: messageOf(e) });
    }
  }
  const schedule = (q: string, ms = props.debounceMs ?? 200) => {
    clearTimeout(timer);
    timer = setTimeout(() => void runSearch(q), ms);
  };
  const openList = () => {
    if (open()) return;
    setOpen(true);
    setActive(-1);
    schedule(editing ? text() : "", 0);
  };
  const close = () => {
    clearTimeout(timer);
    running?.abort();
    setOpen(false);
    setActive(-1);
  };
  const choose = (o: ComboOption | null) => {
    editing = false;
    close();
    props.onSelect(o);
    // The caller may keep its label (a multi-choice clears it); show whatever it shows now.
    setText(o && props.value === o.value ? o.label : props.label);
  };
  const revert = () => {
    editing = false;
    setText(props.label);
  };

  createEffect(() => {
    const i = active();
    if (i >= 0 && open()) list.querySelector(`#${CSS.escape(optionId(i))}`)?.scrollIntoView({ block: "nearest" });
  });
  const optionId = (i: number) => `${props.id}-opt-${i}`;

  const onKeyDown = (e: KeyboardEvent) => {
    const n = options().length;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open() || e.altKey) openList();
        else if (n) setActive((i) => Math.min(n - 1, i + 1));
        break;
      case "ArrowUp":
        e.preventDefault();
        if (e.altKey) close();
        else if (open() && n) setActive((i) => Math.max(0, i - 1));
        break;
      case "Enter":
        if (!open()) return; // a closed list lets Enter submit the form
        e.preventDefault();
        if (active() >= 0 && options()[active()]) choose(options()[active()]!);
        else close();
        break;
      case "Escape":
        if (open()) {
          e.preventDefault();
          e.stopPropagation();
          close();
        } else if (editing) {
          e.stopPropagation();
          revert();
        }
        break;
      case "Tab":
        close();
        break;
    }
  };
  const onBlur = () => {
    close();
    if (!editing) return;
    if (text().trim() === "" && props.value) choose(null);
    else revert();
  };

  return (
    <div class="tq-combo" classList={{ open: open() }}>
      <input
        ref={input}
        id={props.id}
        type="text"
        role="combobox"
        autocomplete="off"
        spellcheck={false}
        aria-autocomplete="list"
        aria-expanded={open()}
        aria-controls={listId}
        aria-activedescendant={open() && active() >= 0 ? optionId(active()) : undefined}
        aria-required={props.required || undefined}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.describedBy}
        placeholder={props.placeholder}
        value={text()}
        onInput={(e) => {
          editing = true;
          setText(e.currentTarget.value);
          setOpen(true);
          schedule(e.currentTarget.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={onBlur}
        onClick={() => (open() ? close() : openList())}
      />
      <Show when={props.clearLabel && props.value}>
        <button
          type="button"
          class="tq-combo-clear"
          aria-label={props.clearLabel}
          onClick={() => {
            choose(null);
            input.focus();
          }}
        >
          ×
        </button>
      </Show>
      <span class="tq-combo-chevron" aria-hidden="true" />
      <div class="tq-combo-pop" hidden={!open()}>
        <div ref={list} id={listId} role="listbox" aria-labelledby={props.labelledBy} hidden={!options().length}>
          <For each={options()}>
            {(o, i) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard stays in the combobox input (aria-activedescendant); a click is the mouse's way to pick.
              <div
                id={optionId(i())}
                role="option"
                tabIndex={-1}
                aria-selected={i() === active()}
                classList={{ active: i() === active(), chosen: o.value === props.value }}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(o)}
              >
                {o.label}
              </div>
            )}
          </For>
        </div>
        <div class="tq-combo-status" role="status">
          {state().kind === "loading"
            ? t("searching")
            : state().kind === "error"
              ? t("searchFailed", { message: state().message ?? "" })
              : state().kind === "done" && !options().length
                ? t("noMatches")
                : state().more
                  ? t("moreMatches", { n: options().length })
                  : ""}
        </div>
      </div>
    </div>
  );
}

// The filter of a reference column: the server cannot match the referenced record's label,
// so this is a search box over the referenced type (its display field contains the text);
// picking a record filters by its id. A combobox with a listbox of at most eight matches.
import { createSignal, createUniqueId, For, onCleanup, Show } from "solid-js";
import type { DataSource } from "../../lib/source";
import { recordLabel } from "../../lib/source";
import type { ColumnDefinition, EntityRecord } from "../../lib/types";
import { t } from "./messages";

const MATCHES = 8;

export function RefFilter(props: {
  col: ColumnDefinition;
  source: DataSource;
  picked: { id: string; label: string } | undefined;
  onPick: (v: { id: string; label: string } | undefined) => void;
}) {
  const listId = createUniqueId();
  const [text, setText] = createSignal("");
  const [open, setOpen] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [options, setOptions] = createSignal<EntityRecord[]>([]);
  const [active, setActive] = createSignal(-1);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ctrl: AbortController | undefined;
  onCleanup(() => {
    clearTimeout(timer);
    ctrl?.abort();
  });
  const display = () => props.col.display;

  const search = (q: string) => {
    ctrl?.abort();
    const entity = props.col.entity;
    if (!entity) return;
    ctrl = new AbortController();
    const signal = ctrl.signal;
    setBusy(true);
    const d = display();
    const filter = q.trim() ? (d ? { [d]: { contains: q.trim() } } : { id: { startsWith: q.trim() } }) : undefined;
    props.source
      .query(entity, { ...(filter && { filter }), ...(d && { sort: [{ field: d }], fields: [d] }), limit: MATCHES }, signal)
      .then((page) => {
        if (signal.aborted) return;
        setOptions(page.data);
        setActive(page.data.length ? 0 : -1);
        setBusy(false);
      })
      .catch(() => {
        if (!signal.aborted) {
          setOptions([]);
          setBusy(false);
        }
      });
  };
  const onInput = (v: string) => {
    setText(v);
    setOpen(true);
    // Matches of the earlier text are neither offered meanwhile nor shown when they arrive late.
    ctrl?.abort();
    setBusy(true);
    clearTimeout(timer);
    timer = setTimeout(() => search(v), 200);
  };
  const pick = (r: EntityRecord) => {
    props.onPick({ id: r.id, label: recordLabel(r, display()) });
    setText("");
    setOpen(false);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const n = options().length;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open()) {
        setOpen(true);
        search(text());
      } else if (n) setActive((active() + 1) % n);
    } else if (e.key === "ArrowUp" && open() && n) {
      e.preventDefault();
      setActive((active() - 1 + n) % n);
    } else if (e.key === "Enter" && open() && active() >= 0 && options()[active()]) {
      e.preventDefault();
      pick(options()[active()]!);
    } else if (e.key === "Escape" && open()) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    }
  };
  const optionId = (i: number) => `${listId}-${i}`;

  return (
    <Show
      when={!props.picked}
      fallback={
        <span class="dg-picked">
          <span class="dg-picked-label" title={props.picked!.label}>
            {props.picked!.label}
          </span>
          <button type="button" class="dg-x" aria-label={t("clearFilter", { column: props.col.label })} onClick={() => props.onPick(undefined)}>
            ×
          </button>
        </span>
      }
    >
      <div class="dg-combo">
        <input
          type="text"
          role="combobox"
          class="dg-finput"
          aria-label={t("filterFor", { column: props.col.label })}
          aria-autocomplete="list"
          aria-expanded={open()}
          aria-controls={open() && !busy() && options().length ? listId : undefined}
          aria-activedescendant={open() && active() >= 0 ? optionId(active()) : undefined}
          placeholder={t("searchRecords", { entity: props.col.label })}
          value={text()}
          onInput={(e) => onInput(e.currentTarget.value)}
          onFocus={() => !options().length && search("")}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
        />
        <div class="dg-listwrap" hidden={!open()}>
          <Show when={!busy() && options().length} fallback={<div class="dg-option-note">{busy() ? t("searching") : t("noMatches")}</div>}>
            <div class="dg-listbox" id={listId} role="listbox" aria-label={t("filterFor", { column: props.col.label })}>
              <For each={options()}>
                {(r, i) => (
                  // biome-ignore lint/a11y/useFocusableInteractive: options of a combobox are pointed at by aria-activedescendant; focus stays in the input
                  <div
                    id={optionId(i())}
                    role="option"
                    class="dg-option"
                    aria-selected={i() === active()}
                    onPointerDown={(e) => {
                      e.preventDefault();
                      pick(r);
                    }}
                  >
                    {recordLabel(r, display())}
                  </div>
                )}
              </For>
            </div>
          </Show>
        </div>
      </div>
    </Show>
  );
}

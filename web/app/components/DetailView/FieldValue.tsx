// One stored value shown for reading, formatted by its field's type: numbers and dates in
// the browser's locale, enums as badges, links only for web and mail addresses (a stored
// "javascript:" URL stays text), JSON pretty-printed, references as links that open the
// referenced record. Values are always text nodes, never HTML.
import { createResource, For, Match, Show, Switch } from "solid-js";
import { fmt } from "../../lib/i18n";
import type { FieldDefinition } from "../../lib/types";
import type { ComponentContext } from "../contract";
import { safeHref } from "../Form/inputs/FileValue";
import { t } from "./messages";

const isEmpty = (v: unknown) => v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
/** Longer texts scroll in their box. */
const LONG = 2000;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/** A link to a record: opens it through the page (middle-click opens the URL in a new tab). */
export function RecordLink(props: { entity: string; id: string; label: string; ctx: ComponentContext; class?: string }) {
  const href = () => {
    const q = new URLSearchParams(location.search);
    q.set("record", `${props.entity}/${props.id}`);
    return `?${q}`;
  };
  return (
    <a
      class={props.class ?? "tq-dv-link"}
      href={href()}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        props.ctx.openRecord({ entity: props.entity, id: props.id });
      }}
    >
      {props.label}
    </a>
  );
}

function Reference(props: { def: FieldDefinition; id: string; ctx: ComponentContext }) {
  const [label] = createResource(
    () => [props.def.entity ?? "", props.id] as const,
    ([entity, id]) => props.ctx.source.labels(entity, [id]).then((m) => m.get(id) ?? id),
  );
  return <RecordLink entity={props.def.entity ?? ""} id={props.id} label={label.error ? props.id : (label() ?? props.id)} ctx={props.ctx} />;
}

function FileLink(props: { file: { name?: unknown; url?: unknown } }) {
  const href = () => (typeof props.file.url === "string" ? safeHref(props.file.url) : undefined);
  return (
    <Show when={href()} fallback={<span>{String(props.file.name ?? "")}</span>}>
      <a href={href()} target="_blank" rel="noopener noreferrer">
        {String(props.file.name ?? "")}
      </a>
    </Show>
  );
}

export function FieldValue(props: { def: FieldDefinition; value: unknown; ctx: ComponentContext }) {
  const v = () => props.value;
  const s = () => (typeof v() === "string" ? (v() as string) : String(v()));
  return (
    <Show
      when={!isEmpty(v())}
      fallback={
        <span class="tq-dv-empty">
          <span aria-hidden="true">—</span>
          <span class="visually-hidden">{t("empty")}</span>
        </span>
      }
    >
      <Switch fallback={<span>{typeof v() === "object" ? JSON.stringify(v()) : s()}</span>}>
        <Match when={props.def.type === "integer" || props.def.type === "number"}>
          <span class="tq-dv-num">{typeof v() === "number" ? fmt.number(v() as number) : s()}</span>
        </Match>
        <Match when={props.def.type === "date"}>{fmt.date(s())}</Match>
        <Match when={props.def.type === "datetime"}>{fmt.datetime(s())}</Match>
        <Match when={props.def.type === "boolean"}>
          <span class="tq-dv-bool" classList={{ yes: v() === true }}>
            {v() === true ? t("yes") : t("no")}
          </span>
        </Match>
        <Match when={props.def.type === "enum"}>
          <span class="tq-dv-badge">{s()}</span>
        </Match>
        <Match when={props.def.type === "multienum" && Array.isArray(v())}>
          <span class="tq-dv-badges">
            <For each={v() as unknown[]}>{(x) => <span class="tq-dv-badge">{String(x)}</span>}</For>
          </span>
        </Match>
        <Match when={props.def.type === "email" && EMAIL.test(s())}>
          <a href={`mailto:${s()}`}>{s()}</a>
        </Match>
        <Match when={props.def.type === "url" && safeHref(s())}>
          <a href={safeHref(s())} target="_blank" rel="noopener noreferrer">
            {s()}
          </a>
        </Match>
        <Match when={props.def.type === "longtext"}>
          {/* A long text scrolls inside its box (focusable, to scroll by keyboard) instead of stretching the page. */}
          <span class="tq-dv-long" classList={{ "tq-dv-scroll": s().length > LONG }} tabindex={s().length > LONG ? 0 : undefined}>
            {s()}
          </span>
        </Match>
        <Match when={props.def.type === "json"}>
          <pre class="tq-dv-json">{JSON.stringify(v(), null, 2)}</pre>
        </Match>
        <Match when={props.def.type === "reference" && typeof v() === "string"}>
          <Reference def={props.def} id={s()} ctx={props.ctx} />
        </Match>
        <Match when={props.def.type === "file" && typeof v() === "object"}>
          <FileLink file={v() as { name?: unknown; url?: unknown }} />
        </Match>
      </Switch>
    </Show>
  );
}

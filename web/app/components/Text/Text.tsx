// Plain text from the model, never HTML: a body paragraph, a heading or a muted note,
// with line breaks kept. `{field}` placeholders take the open record's values ("Project:
// {name}"), formatted like everywhere else and kept current; a placeholder naming no
// field stays as written. A very long text scrolls inside its box: one text node, no
// per-character work.
import { createMemo, Match, Switch } from "solid-js";
import { fmt } from "../../lib/i18n";
import type { EntityRecord, FieldDefinition } from "../../lib/types";
import { type ComponentProps, prop } from "../contract";
import { liveQuery } from "../Kpi/liveQuery";
import { t } from "./messages";
import "./Text.css";

const PLACEHOLDER = /\{(\w+)\}/g;
/** Longer texts may scroll: their box can then be focused to scroll by keyboard. */
const SCROLLABLE_AFTER = 2000;

export default function Text(props: ComponentProps) {
  const text = () => prop.string(props.c, "text") ?? "";
  const variant = () => prop.string(props.c, "variant") ?? "body";
  const names = createMemo(() => new Set(Array.from(text().matchAll(PLACEHOLDER), (m) => m[1]!)));
  /** The fields of the open record's type that the text names. */
  const fields = createMemo(() => {
    const r = props.ctx.record();
    const ent = r && props.ctx.entityMeta(r.entity);
    return new Map((ent?.fields ?? []).filter((f) => names().has(f.name)).map((f) => [f.name, f]));
  });
  /** The open record and the labels of the records its reference fields point at. */
  const rec = liveQuery(
    props.ctx,
    () => {
      const r = props.ctx.record();
      return r && fields().size ? { entity: r.entity, id: r.id } : undefined;
    },
    async (k) => {
      const record = await props.ctx.source.get(k.entity, k.id);
      const labels = new Map<string, string>();
      for (const f of fields().values()) {
        const v = record.data[f.name];
        if (f.type === "reference" && f.entity && typeof v === "string") labels.set(f.name, (await props.ctx.source.labels(f.entity, [v])).get(v) ?? v);
      }
      return { record, labels };
    },
    (k, change) => change.entity === k.entity && change.id === k.id,
  );

  const show = (f: FieldDefinition, r: EntityRecord, labels: Map<string, string>): string => {
    const v = r.data[f.name];
    if (v === undefined || v === null || v === "") return t("empty");
    if (f.type === "reference") return labels.get(f.name) ?? String(v);
    if (typeof v === "boolean") return v ? t("yes") : t("no");
    if (typeof v === "number") return fmt.number(v);
    if (f.type === "date") return fmt.date(String(v));
    if (f.type === "datetime") return fmt.datetime(String(v));
    if (Array.isArray(v)) return v.join(", ");
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  };

  /** Without an open record a placeholder naming a field of any type shows "—"; others stay as written. */
  const anyField = createMemo(() => new Set((props.ctx.meta()?.entities ?? []).flatMap((e) => e.fields.map((f) => f.name))));

  const filled = createMemo(() => {
    const s = text();
    if (!names().size) return s;
    if (!props.ctx.record()) return s.replace(PLACEHOLDER, (m, name: string) => (anyField().has(name) ? t("empty") : m));
    const d = rec.data();
    const known = fields();
    return s.replace(PLACEHOLDER, (m, name: string) => {
      if (name === "id") return props.ctx.record()?.id ?? m;
      const f = known.get(name);
      if (!f) return m;
      if (!d) return rec.error() ? t("empty") : t("loading");
      return show(f, d.record, d.labels);
    });
  });
  const scrollable = () => text().length > SCROLLABLE_AFTER;

  return (
    <Switch>
      <Match when={variant() === "heading"}>
        <h2 class="text text-heading">{filled()}</h2>
      </Match>
      <Match when={true}>
        <p
          class="text"
          classList={{ "text-muted": variant() === "muted", "text-long": scrollable() }}
          tabindex={scrollable() ? 0 : undefined}
          aria-busy={rec.loading()}
        >
          {filled()}
        </p>
      </Match>
    </Switch>
  );
}

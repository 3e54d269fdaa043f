// One figure from the database: count, sum, avg, min or max of an entity type's records
// (optionally filtered), computed by aggregateEntities, never by loading rows. It stays
// current: re-queried when that type changes (at most twice a second) and after a
// reconnect. With `link` it is a button to another page.
import { createMemo, Match, Show, Switch } from "solid-js";
import type { AggregateParams, FieldDefinition } from "../../lib/types";
import { ErrorBox, messageOf } from "../../ui/Status";
import { type ComponentProps, prop } from "../contract";
import { aggregateSpec } from "./aggregate";
import { type FigureFormat, figure, figureOptions } from "./format";
import { liveQuery } from "./liveQuery";
import { t } from "./messages";
import "./Kpi.css";

interface KpiQuery {
  entity: string;
  params: AggregateParams;
}

type Spec = { error: string } | { query: KpiQuery; opts: Intl.NumberFormatOptions; field?: FieldDefinition };

export default function Kpi(props: ComponentProps) {
  const label = () => prop.string(props.c, "label") ?? props.c.entity?.label ?? "";
  const spec = createMemo((): Spec => {
    const name = prop.string(props.c, "entity") ?? "";
    const ent = props.ctx.entityMeta(name);
    if (!ent) return { error: t("unknownEntity", { entity: name }) };
    const agg = aggregateSpec(ent, props.c.props.aggregate, props.c.props.field);
    if ("error" in agg) return agg;
    const format = (prop.string(props.c, "format") ?? "number") as FigureFormat;
    let opts: Intl.NumberFormatOptions;
    try {
      opts = figureOptions(format, prop.string(props.c, "currency"));
    } catch {
      return { error: t("badCurrency", { currency: prop.string(props.c, "currency") ?? "" }) };
    }
    const filter = prop.object(props.c, "filter");
    return { query: { entity: ent.name, params: { aggregates: [agg.ok], ...(filter && { filter }) } }, opts, field: agg.field };
  });
  const q = liveQuery(
    props.ctx,
    () => {
      const s = spec();
      return "query" in s ? s.query : undefined;
    },
    (k) => props.ctx.source.aggregate(k.entity, k.params),
    (k, change) => change.entity === k.entity,
  );
  const value = createMemo(() => {
    const s = spec();
    const v = q.data()?.groups[0]?.values[0];
    if (!("query" in s) || v === undefined || v === null) return undefined;
    return figure(v, s.opts, s.field);
  });
  const link = () => prop.string(props.c, "link");

  const body = () => (
    <>
      <span class="kpi-label">{label()}</span>
      <Show when={q.data() !== undefined} fallback={<span class="kpi-skeleton" role="status" aria-label={t("loading", { label: label() })} />}>
        <Show
          when={value()}
          fallback={
            <span class="kpi-value kpi-empty" title={t("noValue")}>
              —
            </span>
          }
        >
          {(v) => (
            <span class="kpi-value" title={v().full}>
              {v().short}
            </span>
          )}
        </Show>
      </Show>
    </>
  );

  return (
    <Switch>
      <Match when={"error" in spec() && spec()}>{(s) => <ErrorBox message={(s() as { error: string }).error} />}</Match>
      <Match when={q.error() && q.data() === undefined}>
        <ErrorBox title={t("failed")} message={messageOf(q.error())} onRetry={q.retry} />
      </Match>
      <Match when={link()}>
        {(page) => (
          <button
            type="button"
            class="kpi card kpi-link"
            aria-busy={q.loading()}
            title={t("open", { page: page() })}
            onClick={() => props.ctx.navigate(page())}
          >
            {body()}
          </button>
        )}
      </Match>
      <Match when={true}>
        <div class="kpi card" aria-busy={q.loading()}>
          {body()}
        </div>
      </Match>
    </Switch>
  );
}

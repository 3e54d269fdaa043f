// A bar, line or pie chart of an aggregate grouped by a field, computed in the database
// (aggregateEntities), drawn as plain SVG sized to its slot and themed by the CSS tokens.
// For screen readers the drawing is one image whose label lists the data; a toggle shows
// the same data as a table. Live like Kpi: re-queried on changes (≤ 2/s) and reconnects.
// Loaded lazily (registry.ts), so pages without a chart do not load its code.
import { createMemo, createSignal, createUniqueId, For, type JSX, Match, onCleanup, Show, Switch, untrack } from "solid-js";
import { fmt } from "../../lib/i18n";
import { ErrorBox, messageOf, Skeleton } from "../../ui/Status";
import type { ComponentProps } from "../contract";
import { figure } from "../Kpi/format";
import { liveQuery } from "../Kpi/liveQuery";
import { Cartesian, type Formatters } from "./Cartesian";
import { type ChartData, type ChartSpec, chartSpec, loadChart } from "./data";
import { t } from "./messages";
import { Pie } from "./Pie";
import "./Chart.css";

const NUMBER = { maximumFractionDigits: 2 };
const f: Formatters = { short: (v) => figure(v, NUMBER).short, full: (v) => figure(v, NUMBER).full };
/** Data points named in the image's label; the table has them all. */
const SUMMARY_ITEMS = 12;

/** Renders its child with the width it is given, following resizes of the slot. */
function Sized(props: { children: (width: () => number) => JSX.Element }) {
  const [width, setWidth] = createSignal(0);
  const observe = (el: HTMLDivElement) => {
    const ro = new ResizeObserver((entries) => setWidth(Math.floor(entries[0]?.contentRect.width ?? 0)));
    ro.observe(el);
    onCleanup(() => ro.disconnect());
  };
  return (
    <div class="chart-sized" ref={observe}>
      <Show when={width() > 0}>{props.children(width)}</Show>
    </div>
  );
}

function DataTable(props: { spec: ChartSpec; data: ChartData }) {
  const total = () => props.data.points.reduce((s, p) => s + Math.max(0, p.value), 0);
  return (
    <section class="chart-table-wrap" aria-label={props.spec.title} tabindex="0">
      <table class="chart-table">
        <caption class="visually-hidden">{props.spec.title}</caption>
        <thead>
          <tr>
            <th scope="col">{props.spec.group.label}</th>
            <th scope="col" class="num">
              {props.spec.valueLabel}
            </th>
            <Show when={props.spec.kind === "pie"}>
              <th scope="col" class="num">
                %
              </th>
            </Show>
          </tr>
        </thead>
        <tbody>
          <For each={props.data.points}>
            {(p) => (
              <tr>
                <th scope="row">{p.label}</th>
                <td class="num">{f.full(p.value)}</td>
                <Show when={props.spec.kind === "pie"}>
                  <td class="num">{total() ? fmt.number(Math.max(0, p.value) / total(), { style: "percent", maximumFractionDigits: 1 }) : "—"}</td>
                </Show>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}

export default function Chart(props: ComponentProps) {
  const spec = createMemo(() => chartSpec(props.c, props.ctx.entityMeta));
  const ok = () => {
    const s = spec();
    return "error" in s ? undefined : s;
  };
  const q = liveQuery(
    props.ctx,
    () => {
      const s = ok();
      return s && { entity: s.entity.name, params: s.params, ref: s.group.type === "reference" ? s.group.entity : undefined };
    },
    () => loadChart(props.ctx.source, untrack(ok)!),
    (k, change) => change.entity === k.entity || change.entity === k.ref,
  );
  const [asTable, setAsTable] = createSignal(false);
  const titleId = createUniqueId();
  const height = () => Math.min(420, Math.max(180, (props.c.position?.height ?? 4) * 64));
  const kindName = () => {
    const k = ok()?.kind;
    return k === "pie" ? t("pieChart") : k === "line" ? t("lineChart") : t("barChart");
  };
  const summary = (s: ChartSpec, d: ChartData) => {
    const items = d.points.slice(0, SUMMARY_ITEMS).map((p) => `${p.label}: ${f.full(p.value)}`);
    if (d.points.length > SUMMARY_ITEMS) items.push(t("more", { n: d.points.length - SUMMARY_ITEMS }));
    return t("summary", { kind: kindName(), title: s.title, items: items.join("; ") });
  };

  return (
    <Show when={ok()} fallback={<ErrorBox message={(spec() as { error: string }).error} />}>
      {(s) => (
        <section class="chart card" aria-labelledby={titleId} aria-busy={q.loading()}>
          <div class="chart-head">
            <span class="chart-title" id={titleId}>
              {s().title}
            </span>
            <Show when={q.data()?.points.length}>
              <button type="button" class="chart-toggle" aria-pressed={asTable()} title={t("tableToggle")} onClick={() => setAsTable(!asTable())}>
                {t("showTable")}
              </button>
            </Show>
          </div>
          <Switch>
            <Match when={q.error() && !q.data()}>
              <ErrorBox title={t("failed")} message={messageOf(q.error())} onRetry={q.retry} />
            </Match>
            <Match when={!q.data()}>
              <div style={{ height: `${height() - 40}px` }}>
                <Skeleton lines={5} label={t("loading")} />
              </div>
            </Match>
            <Match when={q.data()?.points.every((p) => p.value === 0) && q.data()}>
              <div class="chart-empty" style={{ height: `${height()}px` }}>
                <strong>{t("noData")}</strong>
                <span>{t("noDataHint", { entity: s().entity.label })}</span>
              </div>
            </Match>
            <Match when={asTable() && q.data()}>{(d) => <DataTable spec={s()} data={d()} />}</Match>
            <Match when={q.data()}>
              {(d) => (
                <div class="chart-image" role="img" aria-label={summary(s(), d())}>
                  <Sized>
                    {(w) => (
                      <Show
                        when={s().kind === "pie"}
                        fallback={<Cartesian kind={s().kind as "bar" | "line"} points={d().points} width={w()} height={height()} f={f} />}
                      >
                        <Pie points={d().points} width={w()} height={height()} f={f} valueLabel={s().valueLabel} />
                      </Show>
                    )}
                  </Sized>
                </div>
              )}
            </Match>
          </Switch>
          <Show when={q.data()?.limited}>
            <p class="chart-note">{t("limited", { n: fmt.number(q.data()?.points.length ?? 0) })}</p>
          </Show>
        </section>
      )}
    </Show>
  );
}

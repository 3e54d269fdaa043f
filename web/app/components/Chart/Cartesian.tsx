// Bar and line charts as plain SVG sized in pixels to the slot (text stays crisp and
// readable at any width): a value axis with nice ticks and grid lines, one category per
// group with as many labels as fit, values above the bars when there is room, and a
// native tooltip (<title>) on every bar and point.
import { createMemo, For, Show } from "solid-js";
import type { Point } from "./data";
import { fit, labelStride, niceTicks } from "./scale";

export interface Formatters {
  short: (v: number) => string;
  full: (v: number) => string;
}

const TOP = 18;
const BOTTOM = 26;
const RIGHT = 8;

/** A category's name under its bar or point, moved inwards at the edges so it is never cut. */
function CategoryLabel(props: { text: string; x: number; y: number; width: number }) {
  const half = () => (props.text.length * 6.5) / 2;
  return (
    <text class="chart-tick" x={Math.min(Math.max(props.x, half()), props.width - half())} y={props.y} text-anchor="middle">
      {props.text}
    </text>
  );
}

export function Cartesian(props: { kind: "bar" | "line"; points: Point[]; width: number; height: number; f: Formatters }) {
  const l = createMemo(() => {
    const values = props.points.map((p) => p.value);
    const ticks = niceTicks(Math.min(...values), Math.max(...values));
    const lo = ticks[0]!;
    const hi = ticks.at(-1)!;
    const tickLabels = ticks.map((v) => props.f.short(v));
    const left = Math.min(90, Math.max(...tickLabels.map((s) => s.length)) * 6.5 + 14);
    const plotW = Math.max(10, props.width - left - RIGHT);
    const plotH = Math.max(10, props.height - TOP - BOTTOM);
    const y = (v: number) => TOP + plotH - ((v - lo) / (hi - lo)) * plotH;
    const band = plotW / Math.max(1, props.points.length);
    const longest = Math.max(...props.points.map((p) => p.label.length));
    const stride = labelStride(band, Math.min(120, longest * 6.5) + 10);
    return { ticks, tickLabels, left, plotW, y, band, stride, barW: Math.max(1, Math.min(56, band * 0.66)) };
  });
  const x = (i: number) => l().left + l().band * i + l().band / 2;
  const showValues = () => props.kind === "bar" && l().band >= 34 && props.points.length <= 24;
  const linePath = () => props.points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${l().y(p.value).toFixed(1)}`).join("");
  const areaPath = () => {
    const base = l().y(Math.max(0, l().ticks[0]!)).toFixed(1);
    return `${linePath()}L${x(props.points.length - 1).toFixed(1)},${base}L${x(0).toFixed(1)},${base}Z`;
  };

  return (
    <svg class="chart-svg" width={props.width} height={props.height} viewBox={`0 0 ${props.width} ${props.height}`} aria-hidden="true">
      <g class="chart-grid">
        <For each={l().ticks}>
          {(v, i) => (
            <>
              <line x1={l().left} x2={props.width - RIGHT} y1={l().y(v)} y2={l().y(v)} classList={{ "chart-zero": v === 0 }} />
              <text class="chart-tick" x={l().left - 8} y={l().y(v)} text-anchor="end" dominant-baseline="middle">
                {l().tickLabels[i()]}
              </text>
            </>
          )}
        </For>
      </g>
      <g class="chart-categories">
        <For each={props.points}>
          {(p, i) => (
            <Show when={i() % l().stride === 0}>
              <CategoryLabel text={fit(p.label, l().band * l().stride - 6)} x={x(i())} y={props.height - 8} width={props.width} />
            </Show>
          )}
        </For>
      </g>
      <Show when={props.kind === "bar"}>
        <g class="chart-bars">
          <For each={props.points}>
            {(p, i) => {
              const top = () => Math.min(l().y(p.value), l().y(0));
              const h = () => Math.max(p.value === 0 ? 0 : 1, Math.abs(l().y(p.value) - l().y(0)));
              return (
                <rect class="chart-bar" data-key={p.key} x={x(i()) - l().barW / 2} y={top()} width={l().barW} height={h()} rx={Math.min(4, l().barW / 4)}>
                  <title>{`${p.label}: ${props.f.full(p.value)}`}</title>
                </rect>
              );
            }}
          </For>
        </g>
        <Show when={showValues()}>
          <g class="chart-values">
            <For each={props.points}>
              {(p, i) => (
                <text class="chart-value" x={x(i())} y={Math.min(l().y(p.value), l().y(0)) - 5} text-anchor="middle">
                  {props.f.short(p.value)}
                </text>
              )}
            </For>
          </g>
        </Show>
      </Show>
      <Show when={props.kind === "line"}>
        <path class="chart-area" d={areaPath()} />
        <path class="chart-line" d={linePath()} />
        <Show when={l().band >= 12}>
          <g class="chart-points">
            <For each={props.points}>
              {(p, i) => (
                <circle class="chart-point" data-key={p.key} cx={x(i())} cy={l().y(p.value)} r={l().band >= 24 ? 4 : 3}>
                  <title>{`${p.label}: ${props.f.full(p.value)}`}</title>
                </circle>
              )}
            </For>
          </g>
        </Show>
      </Show>
    </svg>
  );
}

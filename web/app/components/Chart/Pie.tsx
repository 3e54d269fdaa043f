// A pie chart drawn as a donut (the total sits in the hole) with a legend naming each
// slice, its value and its share. Slices start at twelve o'clock, clockwise, in the
// order of the groups; groups of zero or less have no slice, and beyond eight slices the
// smallest are one "Other" slice (the data table lists them all).
import { createMemo, For } from "solid-js";
import { fmt } from "../../lib/i18n";
import type { Formatters } from "./Cartesian";
import type { Point } from "./data";
import { t } from "./messages";
import { fit } from "./scale";

export const PALETTE_SIZE = 8;

/** The path of a ring segment from angle a0 to a1 (radians, 0 = twelve o'clock). */
function segment(cx: number, cy: number, r: number, inner: number, a0: number, a1: number): string {
  const pt = (rad: number, a: number) => `${(cx + rad * Math.sin(a)).toFixed(2)},${(cy - rad * Math.cos(a)).toFixed(2)}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M${pt(r, a0)}A${r},${r} 0 ${large} 1 ${pt(r, a1)}L${pt(inner, a1)}A${inner},${inner} 0 ${large} 0 ${pt(inner, a0)}Z`;
}

/** At most PALETTE_SIZE slices, each its own colour: beyond that the largest stay (in their order) and the rest become "Other". */
function grouped(points: Point[]): Point[] {
  if (points.length <= PALETTE_SIZE) return points;
  const keep = new Set([...points].sort((a, b) => b.value - a.value).slice(0, PALETTE_SIZE - 1));
  const rest = points.filter((p) => !keep.has(p));
  return [...points.filter((p) => keep.has(p)), { key: "", label: t("other", { n: rest.length }), value: rest.reduce((sum, p) => sum + p.value, 0) }];
}

export function Pie(props: { points: Point[]; width: number; height: number; f: Formatters; valueLabel: string }) {
  const slices = createMemo(() => {
    const shown = grouped(props.points.filter((p) => p.value > 0)).map((p, i) => ({ ...p, color: i % PALETTE_SIZE }));
    const total = shown.reduce((s, p) => s + p.value, 0);
    let a = 0;
    return {
      total,
      list: shown.map((p) => {
        const a0 = a;
        a += (p.value / total) * 2 * Math.PI;
        // A full circle cannot be one arc: it ends where it starts; stop a hair short.
        return { ...p, a0, a1: Math.min(a, a0 + 2 * Math.PI - 1e-4), share: p.value / total };
      }),
    };
  });
  const size = () => Math.max(80, Math.min(props.height, props.width < 440 ? props.width : props.width * 0.5));
  const r = () => size() / 2 - 4;

  return (
    <div class="chart-pie">
      <svg class="chart-svg" width={size()} height={size()} viewBox={`0 0 ${size()} ${size()}`} aria-hidden="true">
        <For each={slices().list}>
          {(s) => (
            <path class={`chart-slice chart-c${s.color}`} data-key={s.key} d={segment(size() / 2, size() / 2, r(), r() * 0.62, s.a0, s.a1)}>
              <title>{`${s.label}: ${props.f.full(s.value)} (${fmt.number(s.share, { style: "percent", maximumFractionDigits: 1 })})`}</title>
            </path>
          )}
        </For>
        <text class="chart-total" x={size() / 2} y={size() / 2 - 2} text-anchor="middle">
          {props.f.short(slices().total)}
        </text>
        <text class="chart-total-label" x={size() / 2} y={size() / 2 + 16} text-anchor="middle">
          {fit(props.valueLabel, r() * 1.1)}
        </text>
      </svg>
      <ul class="chart-legend">
        <For each={slices().list}>
          {(s) => (
            <li>
              <span class={`chart-swatch chart-c${s.color}`} />
              <span class="chart-legend-label" title={s.label}>
                {s.label}
              </span>
              <span class="chart-legend-value">{props.f.short(s.value)}</span>
              <span class="chart-legend-share">{fmt.number(s.share, { style: "percent", maximumFractionDigits: 0 })}</span>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}

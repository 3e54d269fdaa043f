// Axis arithmetic for the bar and line charts: "nice" ticks (1, 2 or 5 times a power of
// ten) spanning the data and zero, and which category labels fit beside each other.

/** Ticks from at most zero to at least the largest value, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  let min = Math.min(0, lo);
  let max = Math.max(0, hi);
  if (min === max) max = min + 1;
  const rough = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const r = rough / mag;
  const step = (r >= 7.5 ? 10 : r >= 3.5 ? 5 : r >= 1.5 ? 2 : 1) * mag;
  min = Math.floor(min / step) * step;
  max = Math.ceil(max / step) * step;
  const out: number[] = [];
  // Rounded to the step's precision so 0.1 + 0.2 shows as 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  for (let v = min; v <= max + step / 2; v += step) out.push(Number(v.toFixed(digits)));
  return out;
}

/** Show every n-th category label so that labels of about `labelPx` never overlap. */
export function labelStride(bandPx: number, labelPx: number): number {
  return Math.max(1, Math.ceil(labelPx / Math.max(1, bandPx)));
}

/** A label cut to fit about `px` pixels (≈ 6.5 px a character at the chart's font size). */
export function fit(label: string, px: number): string {
  const chars = Math.max(1, Math.floor(px / 6.5));
  return label.length <= chars ? label : `${label.slice(0, Math.max(1, chars - 1))}…`;
}

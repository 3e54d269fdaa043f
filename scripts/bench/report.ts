// Benchmark figures, each printed beside the target it serves.
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The target, as a comparison the value must satisfy. */
  target?: { op: "<" | "<=" | ">="; value: number };
  note?: string;
}

const figures: Figure[] = [];

export function record(f: Figure): void {
  figures.push(f);
  console.log(line(f));
}

function line(f: Figure): string {
  const v = f.value >= 100 ? Math.round(f.value).toLocaleString("en-US") : f.value.toFixed(f.value < 1 ? 3 : 2);
  const target = f.target ? `target ${f.target.op} ${f.target.value.toLocaleString("en-US")} ${f.unit}` : "";
  const verdict = !f.target ? "" : met(f) ? "ok" : "MISSED";
  return `${f.name.padEnd(52)} ${(`${v} ${f.unit}`).padStart(16)}   ${target.padEnd(26)} ${verdict}${f.note ? `  (${f.note})` : ""}`;
}

const met = (f: Figure) =>
  !f.target || (f.target.op === "<" ? f.value < f.target.value : f.target.op === "<=" ? f.value <= f.target.value : f.value >= f.target.value);

export function summary(): boolean {
  const missed = figures.filter((f) => !met(f));
  console.log(
    `\n${figures.filter((f) => f.target).length - missed.length} of ${figures.filter((f) => f.target).length} targets met${missed.length ? `; missed: ${missed.map((f) => f.name).join(", ")}` : ""}`,
  );
  return missed.length === 0;
}

/** p50/p99 in milliseconds of an async operation run n times. */
export async function latency(n: number, op: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number; mean: number }> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await op(i);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(n * 0.5)]!, p99: t[Math.min(n - 1, Math.floor(n * 0.99))]!, mean: t.reduce((a, b) => a + b, 0) / n };
}

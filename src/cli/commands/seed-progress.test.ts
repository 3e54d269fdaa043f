// The seed's progress line: a bar over every record of the seed, drawn on a terminal only
// once the run has taken a moment, redrawn in place, cleared at the end.
import { afterEach, expect, test } from "bun:test";
import type { CommandContext } from "../command";
import { seedProgress } from "./seed-progress";

const tty = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
const write = process.stderr.write;
afterEach(() => {
  if (tty) Object.defineProperty(process.stderr, "isTTY", tty);
  else delete (process.stderr as { isTTY?: boolean }).isTTY;
  process.stderr.write = write;
});

function capture(isTTY: boolean): string[] {
  const out: string[] = [];
  Object.defineProperty(process.stderr, "isTTY", { value: isTTY, configurable: true });
  process.stderr.write = ((s: string) => out.push(s) > 0) as typeof process.stderr.write;
  return out;
}

const ctx = (json = false) => ({ opts: { json } }) as unknown as CommandContext;

test("on a terminal, a long seed draws one bar over all records, with the type at hand, and clears it", () => {
  const out = capture(true);
  let t = 0;
  const p = seedProgress(ctx(), () => t);
  p.onPlan({ a: 100, b: 0, c: 300 });
  p.onProgress("a", 100, 100); // within the first moment: nothing yet
  expect(out).toEqual([]);
  t = 1000;
  p.onProgress("c", 150, 300);
  p.end();
  const line = out[0]!;
  expect(line).toContain("250/400 records");
  expect(line).toContain("c (type 2 of 2)");
  expect(line).toContain(`[${"#".repeat(15)}${"-".repeat(9)}]`);
  expect(out.at(-1)).toBe("\r\x1b[K");
});

test("redraws at most every 100 ms, but always the last", () => {
  const out = capture(true);
  let t = 0;
  const p = seedProgress(ctx(), () => t);
  p.onPlan({ a: 1000 });
  t = 500;
  p.onProgress("a", 100, 1000);
  t = 550;
  p.onProgress("a", 200, 1000);
  t = 560;
  p.onProgress("a", 1000, 1000);
  expect(out.length).toBe(2);
  expect(out[1]).toContain("1,000/1,000 records");
});

test("nothing when stderr is not a terminal, or with --json", () => {
  for (const [isTTY, json] of [
    [false, false],
    [true, true],
  ] as const) {
    const out = capture(isTTY);
    let t = 0;
    const p = seedProgress(ctx(json), () => t);
    p.onPlan({ a: 10 });
    t = 5000;
    p.onProgress("a", 10, 10);
    p.end();
    expect(out).toEqual([]);
  }
});

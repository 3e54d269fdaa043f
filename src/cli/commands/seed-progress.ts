// Progress of `app seed` on stderr: on a terminal, once the run has taken more than a
// moment, one line redrawn in place: a bar over every record of the seed, the records done
// of all, and the entity type at hand with its place among the types. Nothing when stderr
// is not a terminal or with --json (the closing line says what was made).
import type { CommandContext } from "../command";

const WIDTH = 24;
/** A seed shorter than this draws nothing (most seeds of a small app). */
const QUIET_MS = 300;
/** Redraws at most this often. */
const EVERY_MS = 100;

export interface SeedProgress {
  onPlan(totals: Record<string, number>): void;
  onProgress(entity: string, done: number, total: number): void;
  /** Clear the line (before the closing line or an error). */
  end(): void;
}

export function seedProgress(ctx: CommandContext, now: () => number = performance.now.bind(performance)): SeedProgress {
  const on = !ctx.opts.json && !!process.stderr.isTTY;
  const t0 = now();
  let all = 0,
    before = 0, // records of the types finished
    types = 0,
    at = 0, // place of the type at hand
    last = 0,
    drawn = false,
    current = "";
  return {
    onPlan(totals) {
      const counts = Object.values(totals);
      all = counts.reduce((a, b) => a + b, 0);
      types = counts.filter((c) => c > 0).length;
    },
    onProgress(entity, done, total) {
      if (entity !== current) {
        current = entity;
        at++;
      }
      const sum = before + done;
      if (done >= total) before += total;
      if (!on || !all) return;
      const t = now();
      if (t - t0 < QUIET_MS || (t - last < EVERY_MS && sum < all)) return;
      last = t;
      const filled = Math.round(Math.min(1, sum / all) * WIDTH);
      const n = (x: number) => x.toLocaleString("en-US");
      process.stderr.write(
        `\r\x1b[Kseed [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${n(sum)}/${n(all)} records · ${entity} (type ${n(at)} of ${n(types)})`,
      );
      drawn = true;
    },
    end() {
      if (drawn) process.stderr.write("\r\x1b[K");
      drawn = false;
    },
  };
}

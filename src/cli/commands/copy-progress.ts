// Progress and report of a database copy (`migrate-data`, `backup` of a PostgreSQL
// database). Progress goes to stderr as `app seed` writes it: on a terminal one line
// redrawn in place (a bar, rows done / total of the table at hand); otherwise a plain
// line per table and step when it ends; nothing with --json.
import type { CopyProgress, CopyReport } from "../../services/system";
import type { CommandContext } from "../command";
import { table } from "../table";

const WIDTH = 24;
const DONE = { copy: "copied", rebuild: "rebuilt", verify: "verified" } as const;

export interface ProgressPrinter {
  onProgress(p: CopyProgress): void;
  /** Clear the bar (before the report is printed, or an error). */
  end(): void;
}

export function copyProgress(ctx: CommandContext): ProgressPrinter {
  const quiet = !!ctx.opts.json;
  const tty = !!process.stderr.isTTY;
  let drawn = false;
  return {
    onProgress(p) {
      if (quiet) return;
      if (tty) {
        const share = p.total ? Math.min(1, p.done / p.total) : 1;
        const filled = Math.round(share * WIDTH);
        const what = p.step === "rebuild" ? "rebuild indexes" : `${p.step} ${p.table}`;
        process.stderr.write(`\r\x1b[K${what.padEnd(26)} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${p.done}/${p.total}`);
        drawn = true;
      } else if (p.finished)
        process.stderr.write(
          p.step === "rebuild" ? `rebuilt indexes, full-text tables and rollups of ${p.total} app(s)\n` : `${DONE[p.step]} ${p.table}: ${p.done} row(s)\n`,
        );
    },
    end() {
      if (drawn) process.stderr.write("\r\x1b[K");
      drawn = false;
    },
  };
}

/** The report as JSON (--json) or as a table with a closing line. */
export function printCopyReport(ctx: CommandContext, r: CopyReport, headline: string): void {
  if (ctx.opts.json) {
    ctx.json(r);
    return;
  }
  ctx.out(headline);
  ctx.out(
    table(
      ["TABLE", "ROWS", "SHA-256", "COPY MS", "VERIFY MS"],
      r.tables.map((t) => [t.table, t.rows, t.checksum.slice(0, 16), t.ms, t.verifyMs]),
    ),
  );
  ctx.out(
    `rebuilt ${r.rebuilt.indexes} index(es), ${r.rebuilt.fullText} full-text table(s) and ${r.rebuilt.rollups} rollup(s) for ${r.rebuilt.apps} app(s) in ${r.rebuilt.ms} ms`,
  );
  ctx.out("verified: every table has the same rows and checksum on both sides");
}

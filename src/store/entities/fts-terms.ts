// Which trigrams a full-text query asks for (fts.ts `ftsMatch`). Any subset of a word's
// trigrams finds a superset of the rows holding the word, and the exact rule is always
// applied after, so the choice changes only the cost: FTS5 reads the whole document list
// of every term in an AND, and lists differ by orders of magnitude ("exa" of
// example.com is in almost every row, "234" in under one percent: 90 ms against 0.5 ms
// over a million rows). So each type keeps a small sample of its rows' text, refreshed
// now and then, and a query takes its rarest trigrams in that sample, as few as make the
// expected candidates few.

import type { Queryable } from "../driver";
import { rowidRange } from "./stats";

/** Rows in a type's sample, read in runs at spread-out rowids (one seek a run). */
const SAMPLE_RUNS = 8;
const RUN_ROWS = 40;
/** A sample is read again after this long (the data drifts slowly; a stale sample only costs speed). */
const SAMPLE_TTL_MS = 60_000;
/**
 * Terms a query asks for at most, and the sampled share from which a term is left out: a
 * term in a tenth of the rows narrows little and its list is long. (Shares multiply only
 * for independent terms, and neighbouring trigrams of one word are not: so no early stop
 * on a product; up to MAX_TERMS rare terms are cheap.)
 */
const MAX_TERMS = 4;
const COMMON = 0.1;

interface Sample {
  at: number;
  rows: number;
  /** Sampled rows holding each trigram (folded as the index folds). */
  df: Map<string, number>;
}

const samples = new Map<string, Sample>();
const key = (appId: number, type: string) => `${appId}/${type}`;

/** The fold FTS5's trigram tokenizer applies (case-insensitive): near enough for counting. */
const fold = (s: string) => s.toLowerCase();

/**
 * Read (or keep) the sample of one app's type: `bodySql` is the SQL of the text a row
 * gives the index. Cheap: a few seeks and a few hundred rows, at most once a minute.
 */
export async function sampleTerms(q: Queryable, appId: number, type: string, scopeSql: string, bodySql: string): Promise<void> {
  const k = key(appId, type);
  const have = samples.get(k);
  if (have && Date.now() - have.at < SAMPLE_TTL_MS) return;
  const range = await rowidRange(q);
  const df = new Map<string, number>();
  let rows = 0;
  if (range) {
    const starts = Array.from({ length: SAMPLE_RUNS }, (_, i) => range.lo + Math.floor(((range.hi - range.lo) * i) / SAMPLE_RUNS));
    for (const start of starts) {
      const got = await q.all<{ body: string | null }>(`SELECT ${bodySql} AS body FROM entities WHERE rowid >= ? AND ${scopeSql} LIMIT ?`, [start, RUN_ROWS]);
      for (const r of got) {
        rows++;
        const seen = new Set<string>();
        const cs = [...fold(r.body ?? "")];
        for (let i = 0; i + 3 <= cs.length; i++) seen.add(cs.slice(i, i + 3).join(""));
        for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
      }
    }
  }
  if (samples.size > 10_000) samples.clear();
  samples.set(k, { at: Date.now(), rows, df });
}

/** Forget a type's sample (its text fields changed). */
export function dropTermSample(appId: number, type: string): void {
  samples.delete(key(appId, type));
}

/**
 * The trigrams to ask for, from each word's trigrams (`perWord`, in the index's fold),
 * when the type has a sample (else undefined): the rarest, up to MAX_TERMS, leaving out
 * common ones (but for the rarest, if all are common). A trigram no sampled row holds is
 * the best there is.
 */
export function pickTerms(appId: number, type: string, perWord: readonly string[][]): string[] | undefined {
  const all = [...new Set(perWord.flat())];
  const s = samples.get(key(appId, type));
  if (!s || s.rows === 0) return undefined;
  const share = (t: string) => ((s.df.get(fold(t)) ?? 0) + 0.5) / (s.rows + 1);
  const ranked = all.map((t) => ({ t, p: share(t) })).sort((a, b) => a.p - b.p);
  return ranked
    .filter((x, i) => i === 0 || x.p < COMMON)
    .slice(0, MAX_TERMS)
    .map((x) => x.t);
}

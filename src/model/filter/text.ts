// How the filter language treats text, in one place. SQLite without ICU folds case only
// for ASCII letters (lower(), LIKE), and Bun's SQLite cannot register a function that
// would do more, so the rule is: text operators (contains, startsWith, endsWith) ignore
// the case of A–Z only; every other character, accented or not, matches exactly ("é" never
// matches "É"). The matcher uses these same functions, and another dialect must implement
// the same rule (e.g. translate() of A–Z in PostgreSQL rather than ILIKE).
// Text ordering is by Unicode code point, which is SQLite's BINARY collation of UTF-8.

/** Lower-case A–Z and nothing else. */
export function foldCase(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** Whether `subject` contains / starts with / ends with `foldedNeedle`, A–Z case ignored. */
export function textMatches(subject: string, foldedNeedle: string, mode: "contains" | "startsWith" | "endsWith"): boolean {
  const s = foldCase(subject);
  return mode === "contains" ? s.includes(foldedNeedle) : mode === "startsWith" ? s.startsWith(foldedNeedle) : s.endsWith(foldedNeedle);
}

/** The words of a search term: split on whitespace (JavaScript's \s), empty parts dropped. */
export function searchWords(term: string): string[] {
  return term.split(/\s+/).filter((w) => w !== "");
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Compare two strings by code point (UTF-8 byte order), not by UTF-16 unit as `<` does:
 * they differ when one side has a character above U+FFFF and the other one in U+E000–U+FFFF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  const x = [...a],
    y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

// The store writes SQL with `?` placeholders (SQLite's); PostgreSQL wants `$1, $2, …`.
// Rewritten once per statement text and remembered: the store builds a small set of
// statement shapes, and the rewrite must not touch a `?` inside a quoted string, a quoted
// identifier, a comment or a dollar-quoted body.

const rewritten = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

export function numbered(sql: string): string {
  const hit = rewritten.get(sql);
  if (hit !== undefined) return hit;
  const out = rewrite(sql);
  if (rewritten.size >= MAX_REMEMBERED) rewritten.clear();
  rewritten.set(sql, out);
  return out;
}

function rewrite(sql: string): string {
  let out = "";
  let n = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closing(sql, i + 1, c);
      out += sql.slice(i, end);
      i = end;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "$" && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 64))) {
      const tag = sql.slice(i).match(/^\$[A-Za-z_]*\$/)![0];
      const end = sql.indexOf(tag, i + tag.length);
      const stop = end < 0 ? sql.length : end + tag.length;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "?") {
      out += `$${++n}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the quote that closes a string opened before `from` (a doubled quote is an escaped one). */
function closing(sql: string, from: number, quote: string): number {
  let i = from;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

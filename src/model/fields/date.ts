import { bad, type FieldKind, ok } from "./kind";
import { describe } from "./text";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date stored as "YYYY-MM-DD" (sorts correctly as text). */
export const date: FieldKind = {
  type: "date",
  options: [],
  ordered: true,
  coerce(v, _f, lenient) {
    if (typeof v !== "string") return bad("type", `must be a date "YYYY-MM-DD" (got ${describe(v)})`);
    let s = v.trim();
    if (lenient && /^\d{4}-\d{2}-\d{2}T/.test(s)) s = s.slice(0, 10);
    const m = DATE.exec(s);
    if (!m) return bad("type", `must be a date "YYYY-MM-DD" (got ${describe(v)})`);
    const y = +m[1]!,
      mo = +m[2]!,
      d = +m[3]!;
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return bad("type", `${s} is not a calendar date`);
    return ok(s);
  },
  jsonSchema: () => ({ type: "string", format: "date" }),
  sample(_f, rng) {
    const t = Date.UTC(2024, 0, 1) + Math.floor(rng() * 3 * 365) * 86400000;
    return new Date(t).toISOString().slice(0, 10);
  },
};

function daysIn(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

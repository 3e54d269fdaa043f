import { describe } from "./text";
import { bad, ok, type FieldKind } from "./kind";

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
    const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
    if (d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) return bad("type", `${s} is not a calendar date`);
    return ok(s);
  },
  jsonSchema: () => ({ type: "string", format: "date" }),
  sample(_f, rng) {
    const t = Date.UTC(2024, 0, 1) + Math.floor(rng() * 3 * 365) * 86400000;
    return new Date(t).toISOString().slice(0, 10);
  },
};

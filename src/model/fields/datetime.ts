import { bad, type FieldKind, ok } from "./kind";
import { describe } from "./text";

// ISO 8601 with a time zone; stored normalised to UTC with milliseconds so text order is time order.
const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export const datetime: FieldKind = {
  type: "datetime",
  options: [],
  ordered: true,
  coerce(v) {
    if (typeof v !== "string" || !ISO.test(v.trim()))
      return bad("type", `must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T09:30:00Z (got ${describe(v)})`);
    const t = Date.parse(v.trim().replace(" ", "T"));
    if (Number.isNaN(t)) return bad("type", `${v} is not a valid date-time`);
    return ok(new Date(t).toISOString());
  },
  jsonSchema: () => ({ type: "string", format: "date-time" }),
  sample: (_f, rng) => new Date(Date.UTC(2024, 0, 1) + Math.floor(rng() * 3 * 365 * 86400) * 1000).toISOString(),
};

import { bad, checkRange, type FieldKind, rangeSettings } from "./kind";
import { describe } from "./text";

export const number: FieldKind = {
  type: "number",
  options: ["min", "max"],
  ordered: true,
  coerce(v, field, lenient) {
    let n = v;
    if (lenient && typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) n = Number(v);
    if (typeof n !== "number" || !Number.isFinite(n)) return bad("type", `must be a number (got ${describe(v)})`);
    return checkRange(n, field);
  },
  checkSettings: rangeSettings,
  jsonSchema: (f) => ({ type: "number", ...(f.min !== undefined && { minimum: f.min }), ...(f.max !== undefined && { maximum: f.max }) }),
  sample(f, rng) {
    const lo = f.min ?? 0,
      hi = f.max ?? Math.max(lo + 100, 1000);
    return Math.round((lo + rng() * (hi - lo)) * 100) / 100;
  },
};

import { bad, checkRange, type FieldKind, rangeSettings } from "./kind";
import { describe } from "./text";

export const integer: FieldKind = {
  type: "integer",
  options: ["min", "max"],
  ordered: true,
  coerce(v, field, lenient) {
    let n = v;
    if (lenient && typeof v === "string" && /^-?\d+$/.test(v.trim())) n = Number(v.trim());
    if (typeof n !== "number" || !Number.isInteger(n)) return bad("type", `must be an integer (got ${describe(v)})`);
    if (!Number.isSafeInteger(n)) return bad("type", `must be a safe integer (|n| ≤ 2^53−1)`);
    return checkRange(n, field);
  },
  checkSettings: rangeSettings,
  jsonSchema: (f) => ({ type: "integer", ...(f.min !== undefined && { minimum: f.min }), ...(f.max !== undefined && { maximum: f.max }) }),
  sample(f, rng) {
    const lo = f.min ?? 0,
      hi = f.max ?? Math.max(lo + 100, 1000);
    return Math.floor(lo + rng() * (hi - lo + 1));
  },
};

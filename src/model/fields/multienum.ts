import { list, valuesSettings } from "./enum";
import { bad, type FieldKind, ok } from "./kind";
import { describe } from "./text";

/** Several values from a fixed list, stored as a JSON array without duplicates, in list order. */
export const multienum: FieldKind = {
  type: "multienum",
  options: ["values", "minLength", "maxLength"],
  ordered: false,
  coerce(v, field, lenient) {
    let arr = v;
    if (lenient && typeof v === "string")
      arr = v
        .split(/[,;|]/)
        .map((s) => s.trim())
        .filter(Boolean);
    if (!Array.isArray(arr)) return bad("type", `must be a list of values from ${list(field)} (got ${describe(v)})`);
    const values = field.values ?? [];
    for (const x of arr) if (typeof x !== "string" || !values.includes(x)) return bad("enum", `every item must be one of ${list(field)} (got ${describe(x)})`);
    const out = values.filter((x) => arr.includes(x));
    if (field.minLength !== undefined && out.length < field.minLength) return bad("minLength", `needs at least ${field.minLength} items`);
    if (field.maxLength !== undefined && out.length > field.maxLength) return bad("maxLength", `takes at most ${field.maxLength} items`);
    return ok(out);
  },
  checkSettings: (f) => valuesSettings(f),
  jsonSchema: (f) => ({ type: "array", items: { type: "string", enum: f.values ?? [] }, uniqueItems: true }),
  sample: (f, rng) => (f.values ?? []).filter(() => rng() < 0.4),
};

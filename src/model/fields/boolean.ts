import { bad, type FieldKind, ok } from "./kind";
import { describe } from "./text";

const TRUE = new Set(["true", "1", "yes", "y"]),
  FALSE = new Set(["false", "0", "no", "n"]);

export const boolean: FieldKind = {
  type: "boolean",
  options: [],
  ordered: true,
  coerce(v, _f, lenient) {
    if (typeof v === "boolean") return ok(v);
    if (lenient && typeof v === "string") {
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) return ok(true);
      if (FALSE.has(s)) return ok(false);
    }
    return bad("type", `must be true or false (got ${describe(v)})`);
  },
  jsonSchema: () => ({ type: "boolean" }),
  sample: (_f, rng) => rng() < 0.5,
};

import { bad, ok, type FieldKind } from "./kind";

const MAX_JSON_BYTES = 256 * 1024;

/** Any JSON value. Size is capped so one field cannot bloat a row without bound. */
export const json: FieldKind = {
  type: "json",
  options: [],
  ordered: false,
  coerce(v, _f, lenient) {
    let val = v;
    if (lenient && typeof v === "string") {
      try {
        val = JSON.parse(v);
      } catch {
        return bad("type", "must be JSON");
      }
    }
    const size = JSON.stringify(val)?.length ?? 0;
    if (size > MAX_JSON_BYTES) return bad("maxLength", `JSON value is ${size} bytes; at most ${MAX_JSON_BYTES} are allowed`);
    return ok(val);
  },
  jsonSchema: () => ({}),
  sample: (_f, rng) => ({ score: Math.floor(rng() * 100), tags: rng() < 0.5 ? ["a"] : [] }),
};

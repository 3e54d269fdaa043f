import { bad, type FieldKind, ok } from "./kind";

const MAX_JSON_BYTES = 256 * 1024;
/** SQLite's JSON functions refuse documents nested past 1,000 levels; one such value would break every query of its type. */
const MAX_DEPTH = 64;

function depth(v: unknown, d: number): number {
  if (d > MAX_DEPTH || v === null || typeof v !== "object") return d;
  let max = d;
  for (const x of Array.isArray(v) ? v : Object.values(v)) max = Math.max(max, depth(x, d + 1));
  return max;
}

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
    if (depth(val, 0) > MAX_DEPTH) return bad("depth", `JSON value nests deeper than ${MAX_DEPTH} levels`);
    const size = JSON.stringify(val)?.length ?? 0;
    if (size > MAX_JSON_BYTES) return bad("maxLength", `JSON value is ${size} bytes; at most ${MAX_JSON_BYTES} are allowed`);
    return ok(val);
  },
  jsonSchema: () => ({}),
  sample: (_f, rng) => ({ score: Math.floor(rng() * 100), tags: rng() < 0.5 ? ["a"] : [] }),
};

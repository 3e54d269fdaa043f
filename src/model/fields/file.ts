import { isPlainObject } from "../../lib/json";
import { bad, type FieldKind, ok, pick } from "./kind";
import { describe } from "./text";

/**
 * A file described by {name, url, size?, type?}. Torque stores the description; the bytes
 * live at the URL. A bare URL string is accepted and turned into that shape.
 */
export const file: FieldKind = {
  type: "file",
  options: [],
  ordered: false,
  coerce(v) {
    if (typeof v === "string" && /^https?:\/\//.test(v)) return ok({ name: decodeURIComponent(v.split("/").pop() || "file"), url: v });
    if (!isPlainObject(v)) return bad("type", `must be a file {name, url, size?, type?} (got ${describe(v)})`);
    const { name, url, size, type, ...rest } = v;
    const extra = Object.keys(rest);
    if (extra.length) return bad("unknown", `unknown file properties: ${extra.join(", ")}`);
    if (typeof name !== "string" || !name) return bad("type", "file needs a name");
    if (typeof url !== "string" || !url) return bad("type", "file needs a url");
    if (size !== undefined && (typeof size !== "number" || !Number.isInteger(size) || size < 0))
      return bad("type", "file size must be a whole number of bytes");
    if (type !== undefined && typeof type !== "string") return bad("type", "file type must be a media type such as image/png");
    return ok({ name, url, ...(size !== undefined && { size }), ...(type !== undefined && { type }) });
  },
  jsonSchema: () => ({
    type: "object",
    required: ["name", "url"],
    additionalProperties: false,
    properties: { name: { type: "string" }, url: { type: "string" }, size: { type: "integer", minimum: 0 }, type: { type: "string" } },
  }),
  sample: (_f, rng) => {
    const n = `${pick(rng, ["report", "photo", "invoice", "contract"])}-${Math.floor(rng() * 1000)}.pdf`;
    return { name: n, url: `https://files.example.com/${n}`, size: Math.floor(rng() * 500000), type: "application/pdf" };
  },
};

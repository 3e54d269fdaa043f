import { bad, checkText, type FieldKind, pick, TEXT_OPTIONS, textSchema, textSettings } from "./kind";
import { describe, TEXT_LIMITS } from "./text";

export const url: FieldKind = {
  type: "url",
  options: TEXT_OPTIONS,
  ordered: true,
  coerce(v, field) {
    if (typeof v !== "string") return bad("type", `must be a URL (got ${describe(v)})`);
    const s = v.trim();
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return bad("format", `"${s.slice(0, 80)}" is not a URL`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") return bad("format", `URL must use http or https (got ${u.protocol})`);
    return checkText(s, field, TEXT_LIMITS.text); // a URL is text too: the same default maxLength
  },
  checkSettings: textSettings,
  jsonSchema: (f) => textSchema(f, { format: "uri" }),
  sample: (_f, rng) => `https://${pick(rng, ["example.com", "example.org"])}/${pick(rng, ["docs", "item", "p"])}/${Math.floor(rng() * 100000)}`,
};

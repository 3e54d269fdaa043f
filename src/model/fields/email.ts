import { bad, checkText, type FieldKind, pick, TEXT_OPTIONS, textSchema, textSettings } from "./kind";
import { describe } from "./text";

// Deliberately simple: one @, no spaces, a dot in the domain. Full RFC 5322 helps no user.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const email: FieldKind = {
  type: "email",
  options: TEXT_OPTIONS,
  ordered: true,
  coerce(v, field) {
    if (typeof v !== "string") return bad("type", `must be an email address (got ${describe(v)})`);
    const s = v.trim();
    if (!EMAIL.test(s) || s.length > 254) return bad("format", `"${s.slice(0, 60)}" is not an email address`);
    return checkText(s, field);
  },
  checkSettings: textSettings,
  jsonSchema: (f) => textSchema(f, { format: "email" }),
  sample: (_f, rng) =>
    `${pick(rng, ["ana", "li", "sam", "noor", "kai", "eva"])}.${Math.floor(rng() * 100000)}@${pick(rng, ["example.com", "example.org", "mail.example.net"])}`,
};

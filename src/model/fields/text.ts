import { bad, checkText, type FieldKind, pick, TEXT_OPTIONS, textSchema, textSettings } from "./kind";

const WORDS = [
  "alpha",
  "harbor",
  "quarterly",
  "review",
  "launch",
  "design",
  "budget",
  "north",
  "client",
  "report",
  "update",
  "migration",
  "draft",
  "final",
  "summer",
];

/**
 * Text lengths, in characters. Every stored value is read back whole by every query of its
 * type and every answer that holds it (a 20 MB text was accepted before these), so a
 * field without `maxLength` gets a default, and no field may set more than the ceiling.
 */
export const TEXT_LIMITS = {
  /** A text field that sets no maxLength. */
  text: 10_000,
  /** A longtext field that sets no maxLength. */
  longtext: 1_000_000,
  /** The largest maxLength a text or longtext field may set. */
  ceiling: 1_000_000,
} as const;

/** The text kinds' coerce, settings check and schema, with their default maxLength. */
export function textRules(maxDefault: number): Pick<FieldKind, "coerce" | "checkSettings" | "jsonSchema"> {
  return {
    coerce(v, field, lenient) {
      if (typeof v === "string") return checkText(v, field, maxDefault);
      if (lenient && (typeof v === "number" || typeof v === "boolean")) return checkText(String(v), field, maxDefault);
      return bad("type", `must be text (got ${describe(v)})`);
    },
    checkSettings(field) {
      const out = textSettings(field);
      if (field.maxLength !== undefined && field.maxLength > TEXT_LIMITS.ceiling)
        out.push({
          option: "maxLength",
          message: `maxLength ${field.maxLength.toLocaleString("en-US")} is over the ceiling of ${TEXT_LIMITS.ceiling.toLocaleString("en-US")} characters (keep larger content in files)`,
        });
      return out;
    },
    jsonSchema: (f) => textSchema({ ...f, maxLength: f.maxLength ?? maxDefault }),
  };
}

export const text: FieldKind = {
  type: "text",
  options: TEXT_OPTIONS,
  ordered: true,
  ...textRules(TEXT_LIMITS.text),
  sample(field, rng) {
    const s = `${pick(rng, WORDS)} ${pick(rng, WORDS)} ${Math.floor(rng() * 10000)}`;
    return field.maxLength !== undefined ? s.slice(0, field.maxLength) : s;
  },
};

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return `text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

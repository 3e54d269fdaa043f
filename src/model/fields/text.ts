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

export const text: FieldKind = {
  type: "text",
  options: TEXT_OPTIONS,
  ordered: true,
  coerce(v, field, lenient) {
    if (typeof v === "string") return checkText(v, field);
    if (lenient && (typeof v === "number" || typeof v === "boolean")) return checkText(String(v), field);
    return bad("type", `must be text (got ${describe(v)})`);
  },
  checkSettings: textSettings,
  jsonSchema: (f) => textSchema(f),
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

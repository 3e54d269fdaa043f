import { type FieldKind, pick } from "./kind";
import { TEXT_LIMITS, text, textRules } from "./text";

const SENTENCES = [
  "Follow up with the team before the next review.",
  "Numbers look good but the forecast needs another pass.",
  "Waiting on the supplier to confirm the delivery date.",
  "Customer asked for a summary of the open items.",
  "Blocked until the new environment is ready.",
];

/** Multi-line text: same rules as text (a larger default maxLength), rendered as a text area. */
export const longtext: FieldKind = {
  ...text,
  ...textRules(TEXT_LIMITS.longtext),
  type: "longtext",
  ordered: false,
  sample(field, rng) {
    const s = `${pick(rng, SENTENCES)} ${pick(rng, SENTENCES)}`;
    return field.maxLength !== undefined ? s.slice(0, field.maxLength) : s;
  },
};

// The contract every field type implements (one file per type, registered in registry.ts).
import type { Field, FieldType } from "../schema";

export type Rng = () => number; // uniform in [0, 1)

/** Result of turning an input value into the stored value: the value, or why it is not acceptable. */
export type Coerced = { ok: true; value: unknown } | { ok: false; rule: string; message: string };

export interface FieldKind {
  readonly type: FieldType;
  /** Options beyond the common ones (name, type, label, help, required, unique, indexed, default) this type accepts. */
  readonly options: readonly string[];
  /** Whether values can be compared with gt/lt and sorted (and so indexed usefully). */
  readonly ordered: boolean;
  /**
   * Check and normalise one non-null input value. `lenient` accepts text forms
   * ("42", "true") as they arrive from CSV or a command line; JSON input is strict.
   */
  coerce(value: unknown, field: Field, lenient: boolean): Coerced;
  /** Problems with the field's own settings (e.g. min > max), as messages about an option. */
  checkSettings?(field: Field): { option: string; message: string }[];
  /** JSON Schema of a value, for generated API/agent tool schemas. */
  jsonSchema(field: Field): Record<string, unknown>;
  /** A random plausible value, for seeding. Names are handled by services/seed. */
  sample(field: Field, rng: Rng): unknown;
}

export const ok = (value: unknown): Coerced => ({ ok: true, value });
export const bad = (rule: string, message: string): Coerced => ({ ok: false, rule, message });

/** Length and pattern rules shared by the text-like types; `maxDefault` applies when the field sets no maxLength. */
export function checkText(s: string, field: Field, maxDefault?: number): Coerced {
  // Half of a UTF-16 pair alone is no character: PostgreSQL refuses it, and SQLite keeps
  // it but can never match it again (a bound "\ud800" arrives as U+FFFD), so it is refused
  // on every database, at the field that holds it.
  if (!s.isWellFormed()) return bad("unicode", "must be Unicode text: it holds half of a UTF-16 surrogate pair (\ud800–\udfff) alone");
  const { minLength } = field;
  const maxLength = field.maxLength ?? maxDefault;
  // Lengths count characters (code points); s.length counts UTF-16 units, which is never
  // fewer, so the exact count is needed only when the quick bound is not conclusive.
  if ((minLength !== undefined && s.length < minLength * 2) || (maxLength !== undefined && s.length > maxLength)) {
    const len = codePoints(s);
    if (minLength !== undefined && len < minLength) return bad("minLength", `must be at least ${minLength} characters (got ${len})`);
    if (maxLength !== undefined && len > maxLength) return bad("maxLength", `must be at most ${maxLength} characters (got ${len})`);
  }
  if (field.pattern !== undefined && !compiledPattern(field.pattern).test(s)) return bad("pattern", `must match the pattern ${field.pattern}`);
  return ok(s);
}

/** Numeric range rules shared by integer and number. */
export function checkRange(n: number, field: Field): Coerced {
  if (field.min !== undefined && n < field.min) return bad("min", `must be at least ${field.min} (got ${n})`);
  if (field.max !== undefined && n > field.max) return bad("max", `must be at most ${field.max} (got ${n})`);
  return ok(n);
}

export function textSettings(field: Field): { option: string; message: string }[] {
  const out: { option: string; message: string }[] = [];
  if (field.minLength !== undefined && field.maxLength !== undefined && field.minLength > field.maxLength)
    out.push({ option: "minLength", message: `minLength ${field.minLength} is greater than maxLength ${field.maxLength}` });
  if (field.pattern !== undefined) {
    try {
      new RegExp(field.pattern, "u");
    } catch (e) {
      out.push({ option: "pattern", message: `pattern is not a valid regular expression: ${(e as Error).message}` });
    }
  }
  return out;
}

export function rangeSettings(field: Field): { option: string; message: string }[] {
  return field.min !== undefined && field.max !== undefined && field.min > field.max
    ? [{ option: "min", message: `min ${field.min} is greater than max ${field.max}` }]
    : [];
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

const patterns = new Map<string, RegExp>();
function compiledPattern(p: string): RegExp {
  let re = patterns.get(p);
  if (!re) patterns.set(p, (re = new RegExp(p, "u")));
  return re;
}

export const textSchema = (field: Field, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: "string",
  ...(field.minLength !== undefined && { minLength: field.minLength }),
  ...(field.maxLength !== undefined && { maxLength: field.maxLength }),
  ...(field.pattern !== undefined && { pattern: field.pattern }),
  ...extra,
});

export const TEXT_OPTIONS = ["minLength", "maxLength", "pattern"] as const;
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

import type { Field } from "../schema";
import { bad, type FieldKind, ok, pick } from "./kind";
import { describe } from "./text";

export const enumField: FieldKind = {
  type: "enum",
  options: ["values"],
  ordered: true,
  coerce(v, field) {
    const values = field.values ?? [];
    if (typeof v !== "string") return bad("type", `must be one of ${list(field)} (got ${describe(v)})`);
    if (!values.includes(v)) return bad("enum", `must be one of ${list(field)} (got "${v}")`);
    return ok(v);
  },
  checkSettings: (f) => valuesSettings(f),
  jsonSchema: (f) => ({ type: "string", enum: f.values ?? [] }),
  sample: (f, rng) => pick(rng, f.values ?? [""]),
};

export const list = (f: Field): string => (f.values ?? []).map((x) => `"${x}"`).join(", ");

export function valuesSettings(f: Field): { option: string; message: string }[] {
  if (!f.values?.length) return [{ option: "values", message: `a ${f.type} field needs a non-empty "values" list` }];
  const dup = f.values.find((x, i) => f.values!.indexOf(x) !== i);
  return dup !== undefined ? [{ option: "values", message: `value "${dup}" is listed twice` }] : [];
}

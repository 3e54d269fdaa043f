// One legacy field (`field_type: {type: "String", max_length: 100}`, `validation[]`,
// `ui_config`, `default_value`) → one canonical field. Every option is checked by the
// canonical field kind, so what comes out validates; what cannot be kept is reported.
import { fieldKinds } from "../fields/registry";
import type { Field, FieldType } from "../schema";
import { arr, clip, lookup, num, type Obj, obj, type Reporter, show, str, sub } from "./context";

/** Legacy field_type.type (lower-cased) → canonical type, for the ones that map directly. */
const SIMPLE_TYPES: Record<string, FieldType> = {
  string: "text",
  text: "text",
  varchar: "text",
  char: "text",
  longtext: "longtext",
  richtext: "longtext",
  integer: "integer",
  int: "integer",
  long: "integer",
  biginteger: "integer",
  float: "number",
  double: "number",
  decimal: "number",
  number: "number",
  money: "number",
  currency: "number",
  boolean: "boolean",
  bool: "boolean",
  date: "date",
  datetime: "datetime",
  timestamp: "datetime",
  enum: "enum",
  email: "email",
  url: "url",
  uri: "url",
  json: "json",
  object: "json",
  binary: "file",
  file: "file",
  reference: "reference",
  foreignkey: "reference",
};

const TEXT_LIKE = new Set<FieldType>(["text", "longtext", "email", "url"]);
const NUMERIC = new Set<FieldType>(["integer", "number"]);
const LONG_TEXT_WIDGETS = new Set(["textarea", "rich_text", "richtext", "markdown"]);
const NOW = /^(now|today|current_timestamp|current_date)(\(\))?$/i;

/** Resolves a legacy entity name to the converted entity's name. */
export type EntityResolver = (legacyName: string) => string | undefined;

export function convertField(lf: Obj, name: string, path: string, report: Reporter, resolveEntity: EntityResolver): Field {
  const ui = obj(lf.ui_config) ?? {};
  const ft = obj(lf.field_type) ?? (typeof lf.field_type === "string" ? { type: lf.field_type } : {});
  const field: Field = { name, ...fieldType(ft, ui, name, sub(path, "field_type"), report, resolveEntity) };

  const label = str(lf.display_name) ?? str(ui.label);
  if (label) field.label = clip(label, 200);
  // Placeholders that are only an example value ("0.0", "+1 (555) …") do not help as help text.
  const help = str(ui.help_text) ?? (/[a-z]{2}/i.test(String(ui.placeholder ?? "")) ? str(ui.placeholder) : undefined);
  if (help) field.help = clip(help, 4000);
  if (lf.required === true) field.required = true;

  applyValidation(field, arr(lf.validation), sub(path, "validation"), report);
  applyDefault(field, lf.default_value, sub(path, "default_value"), report);
  dropBadSettings(field, path, report);
  return tidy(field);
}

const KEY_ORDER = [
  "name",
  "type",
  "label",
  "help",
  "required",
  "unique",
  "indexed",
  "default",
  "values",
  "entity",
  "min",
  "max",
  "minLength",
  "maxLength",
  "pattern",
];

/** Options in the order people read them in the canonical templates. */
function tidy(field: Field): Field {
  const entries = Object.entries(field).sort(([a], [b]) => KEY_ORDER.indexOf(a) - KEY_ORDER.indexOf(b));
  return Object.fromEntries(entries) as Field;
}

/** The type and its type-specific options. */
function fieldType(ft: Obj, ui: Obj, name: string, path: string, report: Reporter, resolveEntity: EntityResolver): Omit<Field, "name"> {
  const legacy = str(ft.type) ?? "String";
  let type = lookup(SIMPLE_TYPES, legacy.toLowerCase());
  if (legacy.toLowerCase() === "array") return arrayType(ft, path, report);
  if (!type) {
    const closest: FieldType = /object|map|struct|array|list/i.test(legacy) ? "json" : "text";
    report.changed(sub(path, "type"), `field type "${legacy}" has no Torque equivalent; ${name} becomes a ${closest} field`);
    type = closest;
  }
  if (type === "text" && LONG_TEXT_WIDGETS.has(show(ui.component_type ?? "").toLowerCase())) type = "longtext";

  const out: Omit<Field, "name"> = { type };
  if (TEXT_LIKE.has(type)) {
    const maxLength = num(ft.max_length ?? ft.maxLength),
      minLength = num(ft.min_length ?? ft.minLength);
    if (maxLength !== undefined && Number.isInteger(maxLength) && maxLength >= 0) out.maxLength = maxLength;
    if (minLength !== undefined && Number.isInteger(minLength) && minLength >= 0) out.minLength = minLength;
    if (str(ft.pattern)) out.pattern = str(ft.pattern);
  }
  if (NUMERIC.has(type)) {
    if (num(ft.min) !== undefined) out.min = num(ft.min);
    if (num(ft.max) !== undefined) out.max = num(ft.max);
  }
  if (type === "enum") {
    const values = enumValues(ft.values);
    if (values.length) out.values = values;
    else {
      report.changed(sub(path, "values"), `enum ${name} lists no values; it becomes a text field`);
      out.type = "text";
    }
  }
  if (type === "reference") {
    const target = typeof ft.entity === "string" ? resolveEntity(ft.entity) : undefined;
    if (target) out.entity = target;
    else {
      report.changed(sub(path, "entity"), `${name} refers to entity "${show(ft.entity)}", which the model does not define; it becomes a text field`);
      out.type = "text";
    }
  }
  return out;
}

/** Arrays of enum values are a multienum; any other array is kept as JSON. */
function arrayType(ft: Obj, path: string, report: Reporter): Omit<Field, "name"> {
  const element = obj(ft.element_type);
  const values = enumValues(element?.values);
  if (show(element?.type ?? "").toLowerCase() === "enum" && values.length) return { type: "multienum", values };
  report.changed(path, `an array of ${show(element?.type ?? "values")} is kept as a json field`);
  return { type: "json" };
}

const enumValues = (v: unknown): string[] => [
  ...new Set(
    arr(v)
      .filter((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")
      .map(String)
      .filter((s) => s !== ""),
  ),
];

/** Legacy validation rules become options when they carry a value; rules without one are reported. */
function applyValidation(field: Field, rules: unknown[], path: string, report: Reporter): void {
  rules.forEach((raw, i) => {
    const rule = obj(raw);
    const kind = show(rule?.type ?? "").toLowerCase();
    const where = sub(path, i);
    const said = str(rule?.message) ? ` ("${str(rule?.message)}")` : "";
    const value = rule?.value;
    const lengthValue = typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
    const noValue = () => report.dropped(where, `${rule?.type} rule on ${field.name} has no value${said}; set it in Torque if it matters`);
    const notApplicable = () => report.dropped(where, `${rule?.type} rule does not apply to the ${field.type} field ${field.name}`);

    if (rule?.severity === "Warning" && value !== undefined) report.changed(where, `${rule.type} rule on ${field.name} was a warning; Torque enforces it`);
    switch (kind) {
      case "required":
        field.required = true;
        break;
      case "minlength":
      case "maxlength":
        if (!TEXT_LIKE.has(field.type)) notApplicable();
        else if (lengthValue === undefined) noValue();
        else field[kind === "minlength" ? "minLength" : "maxLength"] = lengthValue;
        break;
      case "pattern":
        if (!TEXT_LIKE.has(field.type)) notApplicable();
        else if (typeof value === "string" && value) field.pattern = value;
        else if (field.type === "text" && /e-?mail/i.test(String(rule?.message))) {
          // The rule was meant as email validation but lost its pattern: the email type does that job.
          field.type = "email";
          report.changed(where, `Pattern rule without a pattern${said}: ${field.name} becomes an email field`);
        } else noValue();
        break;
      case "email":
      case "url":
        if (field.type === "text") {
          field.type = kind;
          report.changed(where, `${field.name} becomes an ${kind} field`);
        } else if (field.type !== kind) notApplicable();
        break;
      case "min":
      case "max":
        if (!NUMERIC.has(field.type)) notApplicable();
        else if (typeof value === "number") field[kind] = value;
        else noValue();
        break;
      case "range": {
        const range = Array.isArray(value) ? { min: value[0], max: value[1] } : obj(value);
        if (!NUMERIC.has(field.type)) notApplicable();
        else if (!range) noValue();
        else {
          if (typeof range.min === "number") field.min = range.min;
          if (typeof range.max === "number") field.max = range.max;
        }
        break;
      }
      case "unique":
        field.unique = true;
        break;
      default:
        report.dropped(where, `${rule?.type ?? "untyped"} rule on ${field.name}${said} has no Torque equivalent`);
    }
  });
}

/** default_value → default, as a valid value of the field's type ("now()" → "now"). */
function applyDefault(field: Field, value: unknown, path: string, report: Reporter): void {
  if (value === undefined || value === null) return;
  if ((field.type === "date" || field.type === "datetime") && typeof value === "string" && NOW.test(value.trim())) {
    field.default = "now";
    return;
  }
  if (field.type === "reference") {
    report.dropped(path, `default ${JSON.stringify(value)} of ${field.name} is a legacy record id; references have no default in Torque`);
    return;
  }
  const c = fieldKinds[field.type].coerce(value, field, true);
  if (c.ok) field.default = c.value;
  else report.dropped(path, `default ${JSON.stringify(value)} of ${field.name} dropped: it ${c.message}`);
}

/** Options that contradict each other (min > max, a broken pattern, unique on an unordered type) are dropped. */
function dropBadSettings(field: Field, path: string, report: Reporter): void {
  const kind = fieldKinds[field.type];
  for (const s of kind.checkSettings?.(field) ?? []) {
    if (s.option === "values" || s.option === "entity") continue; // guaranteed by fieldType
    report.dropped(path, `${s.message}; ${s.option} dropped`);
    delete field[s.option as keyof Field];
  }
  if (field.unique && !kind.ordered) {
    report.dropped(path, `a ${field.type} field cannot be unique in Torque; unique dropped from ${field.name}`);
    delete field.unique;
  }
  if (field.default !== undefined && field.default !== "now" && !kind.coerce(field.default, field, false).ok) {
    report.dropped(sub(path, "default_value"), `default of ${field.name} does not satisfy its own rules; dropped`);
    delete field.default;
  }
}

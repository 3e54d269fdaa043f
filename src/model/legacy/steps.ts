// Legacy flow steps → script nodes. Only steps that act on the record being written map:
// DataUpdate (set fields when a condition holds) and Validation of state transitions.
// Both run in a before* flow: the script returns the input with changed `data`, or throws
// to reject the write.
import { fieldKinds } from "../fields/registry";
import { arr, type EntityInfo, fieldOf, lookup, type Obj, obj, type Reporter, show, str, sub } from "./context";
import { FUNCTIONS, translateCondition } from "./expressions";

/** What a step can act on: the record of an entity-triggered flow (absent for schedules, webhooks, manual runs). */
export interface StepScope {
  report: Reporter;
  entity?: EntityInfo;
  /** "create" | "update" | "delete" */
  action?: string;
}
type RecordScope = Required<StepScope>;

/** A script (with a note for the report when the translation deserves a look), or why the step cannot map. */
export type StepResult = { code: string; note?: string } | { reason: string };

/** Shared opening of every generated script: the record as it will be after the write. */
const PRELUDE = ["const previous = input.previous || {};", "const record = { ...previous, ...input.data };"];

export function stepToScript(step: Obj, path: string, scope: StepScope): StepResult {
  const type = str(step.type) ?? "";
  const configKey = obj(step.configuration) ? "configuration" : "config";
  const config = obj(step[configKey]) ?? {};
  if (/notification|email/i.test(type))
    return { reason: "Torque does not send notifications or email; a flow with an http node that calls a mail service can replace it" };
  const { entity, action, report } = scope;
  if (!entity || !action) return { reason: "it acts on the record of an entity event, and the flow is not triggered by one" };
  if (action === "delete") return { reason: `a ${type} step cannot act on a record that is being deleted` };
  const updatesKey = obj(config.update_fields) ? "update_fields" : "set_fields";
  const updates = obj(config[updatesKey]);
  if (updates) return dataUpdate(step, updates, sub(path, configKey, updatesKey), { entity, action, report });
  if (/validation/i.test(type) && arr(config.validation_rules).length) return transitions(step, arr(config.validation_rules), { entity, action, report });
  return { reason: `${type || "untyped"} steps have no Torque equivalent` };
}

// Comments in generated code must stay on one line, or legacy text would become code.
const oneLine = (s: string): string => s.replace(/\s+/g, " ");
const stepLabel = (step: Obj): string => oneLine(JSON.stringify(str(step.name) ?? "step"));

/** A JS condition for the step, or undefined when it has none; a string is the reason it failed. */
function condition(step: Obj, scope: RecordScope): { js?: string } | string {
  const src = str(step.condition);
  if (!src) return {};
  const t = translateCondition(src, (name) => identifier(name, scope.entity));
  return t.ok ? { js: t.js } : `its condition "${src}" cannot be translated (${t.reason})`;
}

/** Legacy identifiers: a field (optionally "entity.field"), `<field>_changed`, or `id`. */
function identifier(name: string, entity: EntityInfo): string | undefined {
  const parts = name.split(".");
  if (parts.length > 2 || (parts.length === 2 && parts[0] !== entity.legacyName && parts[0] !== entity.def.name)) return undefined;
  const bare = parts[parts.length - 1]!;
  if (bare === "id") return "input.id";
  const f = fieldOf(entity, bare);
  if (f) return `record.${f.name}`;
  const changed = /^(.+)_changed$/.exec(bare);
  const g = changed ? fieldOf(entity, changed[1]) : undefined;
  return g ? `(record.${g.name} !== previous.${g.name})` : undefined;
}

function dataUpdate(step: Obj, updates: Obj, path: string, scope: RecordScope): StepResult {
  const cond = condition(step, scope);
  if (typeof cond === "string") return { reason: cond };
  const assignments: string[] = [];
  for (const [legacyField, value] of Object.entries(updates)) {
    const f = fieldOf(scope.entity, legacyField);
    const js = f ? valueExpression(value, f.type, (v) => fieldKinds[f.type].coerce(v, f, true)) : undefined;
    if (f && js !== undefined) assignments.push(`${f.name}: ${js}`);
    else scope.report.dropped(sub(path, legacyField), `cannot set ${scope.entity.def.name}.${legacyField} to ${JSON.stringify(value)}`);
  }
  if (!assignments.length) return { reason: "none of the fields it sets can be set" };
  const when = str(step.condition);
  return {
    code: [
      `// Legacy step ${stepLabel(step)}${when ? `: when ${oneLine(when)}` : ""}`,
      ...PRELUDE,
      ...(cond.js ? [`if (!(${cond.js})) return input;`] : []),
      `return { ...input, data: { ...input.data, ${assignments.join(", ")} } };`,
    ].join("\n"),
  };
}

/** A value to assign: null, now()/today(), or a literal that the field accepts. */
function valueExpression(value: unknown, type: string, coerce: (v: unknown) => { ok: boolean; value?: unknown }): string | undefined {
  if (value === null) return "null";
  const call = typeof value === "string" ? /^\s*(\w+)\(\)\s*$/.exec(value) : null;
  if (call) {
    const fn = call[1]!.toLowerCase();
    if (type === "date" && (fn === "now" || fn === "today")) return FUNCTIONS.today;
    return type === "datetime" ? lookup(FUNCTIONS, fn) : undefined;
  }
  // Quoted literals ('Done') are how the legacy language wrote strings.
  const c = coerce(typeof value === "string" ? value.replace(/^'(.*)'$/s, "$1") : value);
  return c.ok ? JSON.stringify(c.value) : undefined;
}

/**
 * "Draft can transition to Pending, Cancelled" / "Delivered and Cancelled are final states":
 * the legacy engine read these sentences, so they are parsed strictly into a table of
 * allowed changes, and the script rejects any other change.
 */
function transitions(step: Obj, rules: unknown[], scope: RecordScope): StepResult {
  if (scope.action !== "update") return { reason: "state transitions can only be checked when a record is updated" };
  const allowed = new Map<string, string[]>();
  for (const r of rules) {
    const text = show(r).trim().replace(/\.$/, "");
    const move = /^(.+?) can (?:transition|change|move|go) to (.+)$/i.exec(text);
    const final = /^(.+?) (?:is|are) (?:a |the )?final(?: states?)?$/i.exec(text);
    if (move) allowed.set(move[1]!.trim(), [...(allowed.get(move[1]!.trim()) ?? []), ...states(move[2]!)]);
    else if (final) for (const s of states(final[1]!)) allowed.set(s, allowed.get(s) ?? []);
    else return { reason: `its rule "${text}" is not a state transition Torque can read` };
  }
  const field = transitionField(step, [...allowed.keys(), ...[...allowed.values()].flat()], scope.entity);
  if (!field) return { reason: "its states are not the values of one enum field" };
  // "<field>_changed" is implied by the check itself; any other condition narrows it.
  const cond = str(step.condition) === `${field}_changed` ? {} : condition(step, scope);
  if (typeof cond === "string") return { reason: cond };
  const table = JSON.stringify(Object.fromEntries(allowed));
  return {
    code: [
      `// Legacy step ${stepLabel(step)}: allowed changes of ${field}`,
      `const allowed = ${table};`,
      ...PRELUDE,
      `const from = previous.${field}, to = record.${field};`,
      `if (input.previous${cond.js ? ` && (${cond.js})` : ""} && from !== to && Object.prototype.hasOwnProperty.call(allowed, from) && !allowed[from].includes(to))`,
      `  throw new Error("${field} cannot change from " + from + " to " + to);`,
      `return input;`,
    ].join("\n"),
    note: `its ${rules.length} transition rules became a script that rejects any other change of ${field}`,
  };
}

const states = (list: string): string[] =>
  list
    .split(/,|\bor\b|\band\b/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The enum field the states belong to: named by a `<field>_changed` condition, else the one whose values hold them all. */
function transitionField(step: Obj, mentioned: string[], entity: EntityInfo): string | undefined {
  const named = /^(\w+)_changed$/.exec(str(step.condition) ?? "");
  const candidates = named ? [fieldOf(entity, named[1])].filter((f) => f !== undefined) : entity.def.fields;
  const fits = candidates.filter((f) => f.type === "enum" && mentioned.every((s) => f.values?.includes(s)));
  return fits.length === 1 ? fits[0]!.name : undefined;
}

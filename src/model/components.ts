// What each component type's props may name in the model, so the validator can check
// every reference (and the editor can offer pickers). Props not listed here are free-form.
import { isPlainObject } from "../lib/json";
import type { ComponentType } from "./schema";

/** A name a prop refers to, at a path relative to the component's props. */
export type PropRef =
  | { path: (string | number)[]; kind: "entity"; name: unknown }
  | { path: (string | number)[]; kind: "field"; name: unknown; entity: unknown }
  | { path: (string | number)[]; kind: "page" | "xflow" | "component"; name: unknown };

type RefFinder = (props: Record<string, unknown>) => PropRef[];

/** Column lists may be plain field names or {field, label?}. */
function fieldList(props: Record<string, unknown>, key: string, entity: unknown): PropRef[] {
  const v = props[key];
  if (!Array.isArray(v)) return [];
  return v.map((c, i) =>
    isPlainObject(c) ? { path: [key, i, "field"], kind: "field" as const, name: c.field, entity } : { path: [key, i], kind: "field" as const, name: c, entity },
  );
}

function sortRefs(props: Record<string, unknown>, entity: unknown): PropRef[] {
  const v = props.sort;
  if (!Array.isArray(v)) return [];
  return v.map((s, i) => ({ path: ["sort", i, "field"], kind: "field" as const, name: isPlainObject(s) ? s.field : s, entity }));
}

function filterRefs(props: Record<string, unknown>, entity: unknown): PropRef[] {
  const f = props.filter;
  if (!isPlainObject(f)) return [];
  return Object.keys(f)
    .filter((k) => k !== "and" && k !== "or" && k !== "not")
    .map((k) => ({ path: ["filter", k], kind: "field" as const, name: k, entity }));
}

const entityProp = (props: Record<string, unknown>): PropRef[] => [{ path: ["entity"], kind: "entity", name: props.entity }];
const optionalField = (props: Record<string, unknown>, key: string): PropRef[] =>
  props[key] === undefined ? [] : [{ path: [key], kind: "field", name: props[key], entity: props.entity }];

function actionRefs(props: Record<string, unknown>): PropRef[] {
  const a = props.action;
  if (!isPlainObject(a)) return [];
  const out: PropRef[] = [];
  if (a.entity !== undefined) out.push({ path: ["action", "entity"], kind: "entity", name: a.entity });
  if (a.page !== undefined) out.push({ path: ["action", "page"], kind: "page", name: a.page });
  if (a.xflow !== undefined) out.push({ path: ["action", "xflow"], kind: "xflow", name: a.xflow });
  if (a.modal !== undefined) out.push({ path: ["action", "modal"], kind: "component", name: a.modal });
  return out;
}

const childRefs = (props: Record<string, unknown>): PropRef[] =>
  Array.isArray(props.children) ? props.children.map((c, i) => ({ path: ["children", i], kind: "component" as const, name: c })) : [];

export const componentRefs: Record<ComponentType, RefFinder> = {
  DataGrid: (p) => [...entityProp(p), ...fieldList(p, "columns", p.entity), ...sortRefs(p, p.entity), ...filterRefs(p, p.entity)],
  Form: (p) => [...entityProp(p), ...fieldList(p, "fields", p.entity)],
  DetailView: (p) => [...entityProp(p), ...fieldList(p, "fields", p.entity)],
  Chart: (p) => [...entityProp(p), ...optionalField(p, "x"), ...optionalField(p, "y"), ...optionalField(p, "groupBy"), ...filterRefs(p, p.entity)],
  Kpi: (p) => [
    ...entityProp(p),
    ...optionalField(p, "field"),
    ...filterRefs(p, p.entity),
    ...(p.link === undefined ? [] : [{ path: ["link"], kind: "page" as const, name: p.link }]),
  ],
  ImportWizard: entityProp,
  Button: actionRefs,
  Container: childRefs,
  Modal: childRefs,
  Text: () => [],
};

export const ACTION_TYPES = ["openForm", "openModal", "navigate", "create", "update", "delete", "runXFlow"] as const;

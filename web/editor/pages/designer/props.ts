// One description of each component type's props (what the app runtime reads, see
// docs/app-runtime.md): the props panel is generated from it, with a picker per kind that
// knows the model (entity types, their fields in order, pages, flows, the page's modals
// and components). A prop not described here is kept as it is.
import type { ComponentType } from "../../../../src/model/schema";
import type { MessageKey } from "../../lib/i18n";

export type PropKind =
  | { kind: "text"; multiline?: boolean }
  | { kind: "number"; min?: number; max?: number }
  | { kind: "boolean"; initial: boolean }
  | { kind: "choice"; options: readonly string[] }
  /** An entity type; changing it drops what named the old type's fields. */
  | { kind: "entity" }
  /** One field of the component's entity type. */
  | { kind: "field" }
  /** Fields of the component's entity type, in order. */
  | { kind: "fields" }
  | { kind: "page" }
  /** Ids of other components of the page (a Container's or Modal's children). */
  | { kind: "children" }
  /** A Button's action: its type and what it opens, runs or changes. */
  | { kind: "action" }
  /** Sort keys of the component's entity type (DataGrid). */
  | { kind: "sort" }
  /** A filter on the component's entity type, built as rows (or JSON when rows cannot say it). */
  | { kind: "filter" };

export type PropSpec = PropKind & { name: string; label: MessageKey; required?: boolean };

const title: PropSpec = { name: "title", label: "propTitle", kind: "text" };
const entity: PropSpec = { name: "entity", label: "propEntity", kind: "entity", required: true };
const aggregates = ["count", "sum", "avg", "min", "max"] as const;

export const COMPONENT_PROPS: Record<ComponentType, readonly PropSpec[]> = {
  DataGrid: [
    entity,
    { name: "columns", label: "propColumns", kind: "fields" },
    { name: "sort", label: "propSort", kind: "sort" },
    { name: "filter", label: "propFilter", kind: "filter" },
    title,
    { name: "pageSize", label: "propPageSize", kind: "number", min: 20, max: 500 },
    { name: "selectable", label: "propSelectable", kind: "boolean", initial: true },
    { name: "editable", label: "propEditable", kind: "boolean", initial: true },
  ],
  Form: [
    entity,
    { name: "fields", label: "propFields", kind: "fields" },
    { name: "mode", label: "propMode", kind: "choice", options: ["create", "edit"] },
    { name: "submitLabel", label: "propSubmitLabel", kind: "text" },
    title,
  ],
  DetailView: [entity, { name: "fields", label: "propFields", kind: "fields" }, title],
  Button: [
    { name: "label", label: "propLabel", kind: "text" },
    { name: "variant", label: "propVariant", kind: "choice", options: ["primary", "secondary", "danger"] },
    { name: "confirm", label: "propConfirm", kind: "text" },
    { name: "action", label: "propAction", kind: "action" },
  ],
  Text: [
    { name: "text", label: "propText", kind: "text", multiline: true },
    { name: "variant", label: "propVariant", kind: "choice", options: ["body", "heading", "muted"] },
  ],
  Container: [
    { name: "children", label: "propChildren", kind: "children" },
    { name: "direction", label: "propDirection", kind: "choice", options: ["row", "column"] },
    title,
  ],
  Modal: [
    { name: "children", label: "propChildren", kind: "children" },
    title,
    { name: "size", label: "propSize", kind: "choice", options: ["sm", "md", "lg", "xl"] },
  ],
  Kpi: [
    { name: "label", label: "propLabel", kind: "text" },
    entity,
    { name: "aggregate", label: "propAggregate", kind: "choice", options: aggregates },
    { name: "field", label: "propField", kind: "field" },
    { name: "filter", label: "propFilter", kind: "filter" },
    { name: "format", label: "propFormat", kind: "choice", options: ["number", "currency", "percent"] },
    { name: "currency", label: "propCurrency", kind: "text" },
    { name: "link", label: "propLink", kind: "page" },
  ],
  Chart: [
    entity,
    { name: "kind", label: "propKind", kind: "choice", options: ["bar", "line", "pie"] },
    { name: "groupBy", label: "propGroupBy", kind: "field" },
    { name: "aggregate", label: "propAggregate", kind: "choice", options: aggregates },
    { name: "y", label: "propY", kind: "field" },
    { name: "filter", label: "propFilter", kind: "filter" },
    title,
  ],
  ImportWizard: [entity, title],
};

/** Button action types and what each one names (docs/app-runtime.md). */
export const ACTIONS: Record<string, readonly ("entity" | "page" | "modal" | "xflow")[]> = {
  openForm: ["entity"],
  openModal: ["modal"],
  navigate: ["page"],
  create: ["entity"],
  update: ["entity"],
  delete: ["entity"],
  runXFlow: ["xflow"],
};

/** Props that name fields of the component's entity type: dropped when the type changes. */
export const fieldProps = (type: ComponentType) =>
  COMPONENT_PROPS[type].filter((p) => p.kind === "field" || p.kind === "fields" || p.kind === "sort" || p.kind === "filter").map((p) => p.name);

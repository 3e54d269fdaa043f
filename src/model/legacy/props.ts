// Legacy component `properties` → canonical props, per component type. Every entity, field,
// page and flow a prop names is checked against the converted model: a broken name is
// removed (and reported) so the page validates. Keys a mapper does not read are collected
// by the caller and reported once per layout.
import type { ComponentType } from "../schema";
import { type Ctx, type EntityInfo, entityOf, fieldOf, num, type Obj, obj, show, str, sub, toName } from "./context";

/** A page a Button can navigate to, with what the legacy layout was about. */
export interface PageRef {
  name: string;
  legacyName: string;
  path: string;
  targets: string[];
}

export interface PropScope {
  ctx: Ctx;
  /** Pointer of the legacy component's properties object. */
  path: string;
  /** The layout's first target entity: the default for components that name none. */
  defaultEntity?: EntityInfo;
  pages: PageRef[];
  flows: Set<string>;
  /** Legacy settings that have no canonical prop, collected for one report per layout. */
  dropped: Set<string>;
}

/** Reads legacy props and remembers which keys were used. */
export class PropReader {
  readonly used = new Set<string>();
  constructor(readonly raw: Obj) {}
  /** The first of `keys` that is present. */
  get(...keys: string[]): unknown {
    for (const k of keys) this.used.add(k);
    for (const k of keys) if (this.raw[k] !== undefined) return this.raw[k];
    return undefined;
  }
  keyOf(...keys: string[]): string {
    return keys.find((k) => this.raw[k] !== undefined) ?? keys[0]!;
  }
  unused(): string[] {
    return Object.keys(this.raw).filter((k) => !this.used.has(k));
  }
}

const ENVELOPE_FIELDS = new Set(["id", "createdAt", "updatedAt"]);
const ENTITY_BOUND = new Set<ComponentType>(["DataGrid", "Form", "DetailView", "Chart", "Kpi"]);
const AGGREGATES = new Set(["count", "sum", "avg", "min", "max"]);

/** Props for one component, or the reason it cannot be kept. */
export function convertProps(type: ComponentType, p: PropReader, s: PropScope): Record<string, unknown> | { reason: string } {
  const out: Record<string, unknown> = {};
  let entity: EntityInfo | undefined;
  if (ENTITY_BOUND.has(type)) {
    const named = p.get("entity", "entity_name", "entityType");
    entity = named === undefined ? s.defaultEntity : entityOf(s.ctx, named);
    if (!entity)
      return { reason: named === undefined ? "it names no entity type" : `it shows entity type ${JSON.stringify(named)}, which the model does not define` };
    out.entity = entity.def.name;
  }
  const title = str(p.get("title", "heading"));
  if (title && type !== "Text" && type !== "Kpi") out.title = title;

  switch (type) {
    case "DataGrid":
      setFieldList(out, "columns", p.get("columns"), sub(s.path, "columns"), entity!, s);
      setPageSize(out, p.get("pageSize", "page_size"));
      setSort(out, p.get("defaultSort", "default_sort", "sort"), sub(s.path, p.keyOf("defaultSort", "default_sort", "sort")), entity!, s);
      break;
    case "Form":
    case "DetailView":
      setFieldList(out, "fields", p.get("fields"), sub(s.path, "fields"), entity!, s);
      break;
    case "Kpi": {
      const label = str(p.get("label", "title"));
      if (label) out.label = label;
      setField(out, "field", p.get("field", "valueField", "value_field"), s, entity!);
      const aggregate = show(p.get("aggregate", "aggregation", "metric") ?? "").toLowerCase();
      if (AGGREGATES.has(aggregate)) out.aggregate = aggregate;
      setFilter(out, p.get("filter"), s, entity!);
      break;
    }
    case "Chart":
      setField(out, "x", p.get("x", "xField", "x_field", "xAxis"), s, entity!);
      setField(out, "y", p.get("y", "yField", "y_field", "yAxis"), s, entity!);
      setField(out, "groupBy", p.get("groupBy", "group_by"), s, entity!);
      if (str(p.get("chartType", "chart_type"))) out.chartType = str(p.get("chartType", "chart_type"));
      setFilter(out, p.get("filter"), s, entity!);
      break;
    case "Button": {
      const label = str(p.get("label", "text"));
      if (label) out.label = label;
      const action = buttonAction(p, s);
      if (action) out.action = action;
      break;
    }
    case "Text": {
      const text = str(p.get("text", "content", "value", "label", "title"));
      if (text) out.text = text;
      break;
    }
  }
  return out;
}

/** Columns or form fields: names (or {name|field}) of fields the entity has. */
function setFieldList(out: Record<string, unknown>, key: string, raw: unknown, path: string, entity: EntityInfo, s: PropScope): void {
  if (!Array.isArray(raw)) return;
  const names: string[] = [];
  raw.forEach((item, k) => {
    const legacy = typeof item === "string" ? item : (obj(item)?.name ?? obj(item)?.field ?? obj(item)?.key);
    for (const extra of Object.keys(obj(item) ?? {})) if (!["name", "field", "key"].includes(extra)) s.dropped.add(`${key}[].${extra}`);
    if (legacy === "id") {
      s.ctx.report.warning(sub(path, k), `${key} "id" now shows Torque's record id, not the legacy ${entity.def.name} number`);
      return void names.push("id");
    }
    const f = fieldOf(entity, legacy);
    if (f) names.push(f.name);
    else if (typeof legacy === "string" && ENVELOPE_FIELDS.has(legacy)) names.push(legacy);
    else s.ctx.report.dropped(sub(path, k), `${key} entry ${JSON.stringify(legacy)} dropped: ${entity.def.name} has no such field`);
  });
  if (names.length) out[key] = [...new Set(names)];
}

function setField(out: Record<string, unknown>, key: string, raw: unknown, s: PropScope, entity: EntityInfo): void {
  if (raw === undefined) return;
  const f = fieldOf(entity, raw);
  if (f) out[key] = f.name;
  else s.ctx.report.dropped(s.path, `${key} ${JSON.stringify(raw)} dropped: ${entity.def.name} has no such field`);
}

function setPageSize(out: Record<string, unknown>, raw: unknown): void {
  const n = num(raw);
  if (n !== undefined && Number.isInteger(n) && n > 0) out.pageSize = Math.min(n, 1000);
}

/** Legacy defaultSort {field, direction} (or a list of them) → sort [{field, dir}]. */
function setSort(out: Record<string, unknown>, raw: unknown, path: string, entity: EntityInfo, s: PropScope): void {
  if (raw === undefined) return;
  const sort = (Array.isArray(raw) ? raw : [raw]).flatMap((item) => {
    const o = obj(item);
    const f = fieldOf(entity, o?.field ?? item);
    if (!f) {
      s.ctx.report.dropped(path, `sort on ${JSON.stringify(o?.field ?? item)} dropped: ${entity.def.name} has no such field`);
      return [];
    }
    const dir = show(o?.direction ?? o?.dir ?? "asc")
      .toLowerCase()
      .startsWith("desc")
      ? "desc"
      : "asc";
    return [{ field: f.name, dir }];
  });
  if (sort.length) out.sort = sort;
}

/** A plain equality filter is kept when every key is a field. */
function setFilter(out: Record<string, unknown>, raw: unknown, s: PropScope, entity: EntityInfo): void {
  const f = obj(raw);
  if (!f) return;
  const renamed = Object.entries(f).map(([k, v]) => [fieldOf(entity, k)?.name, v] as const);
  if (renamed.every(([k]) => k !== undefined)) out.filter = Object.fromEntries(renamed);
  else s.ctx.report.dropped(s.path, `filter ${JSON.stringify(f)} dropped: it names fields ${entity.def.name} does not have`);
}

/** Legacy button actions ("openModal" + modalConfig, "navigate" + navigationConfig, …) → a Torque action. */
function buttonAction(p: PropReader, s: PropScope): Record<string, unknown> | undefined {
  const raw = p.get("action", "onClick", "on_click");
  if (raw === undefined) return undefined;
  const config =
    obj(p.get("modalConfig", "modal_config", "formConfig", "form_config", "navigationConfig", "navigation_config", "flowConfig", "flow_config")) ??
    obj(raw) ??
    {};
  const name = (str(raw) ?? str(obj(raw)?.type) ?? "").toLowerCase().replace(/[^a-z]/g, "");
  const path = sub(s.path, p.keyOf("action", "onClick", "on_click"));
  const fail = (why: string) => void s.ctx.report.dropped(path, `button action ${JSON.stringify(raw)} dropped: ${why}`);

  if (/^(openmodal|openform|showform|create|new|add|edit)$/.test(name)) {
    const entity = config.entity !== undefined ? entityOf(s.ctx, config.entity) : s.defaultEntity;
    if (!entity) return fail(`it opens a form for ${JSON.stringify(config.entity)}, which the model does not define`);
    const mode = str(config.mode);
    if (mode && mode !== "create") s.ctx.report.changed(path, `button opens the ${entity.def.name} form; the legacy mode "${mode}" is not kept`);
    return { type: "openForm", entity: entity.def.name };
  }
  if (/^(navigate|navigation|link|goto|open(page)?)$/.test(name)) {
    const target = str(config.page) ?? str(config.route) ?? str(config.path) ?? str(config.url);
    const page = target ? resolvePage(target, s.pages) : undefined;
    if (!page) return fail(`it goes to ${JSON.stringify(target)}, which is not a page of the model`);
    if (target !== page.name && target !== page.legacyName && target !== page.path)
      s.ctx.report.changed(path, `button goes to ${JSON.stringify(target)}: mapped to page ${page.name}`);
    return { type: "navigate", page: page.name };
  }
  if (/^(run|execute|trigger|start)x?flow$/.test(name)) {
    const flow = str(config.flow) ?? str(config.xflow) ?? str(config.name);
    const xflow = flow ? toName(flow) : undefined;
    if (!xflow || !s.flows.has(xflow)) return fail(`it runs flow ${JSON.stringify(flow)}, which was not converted`);
    return { type: "runXFlow", xflow };
  }
  return fail("Torque buttons open forms, navigate or run flows");
}

/**
 * A legacy route ("/categories") names a page loosely: try the page's name and path, then
 * a page about the entity the route is named after ("categories" → category_management).
 */
export function resolvePage(route: string, pages: PageRef[]): PageRef | undefined {
  const seg = route.replace(/^[#/]+/, "").split(/[?#/]/)[0] ?? "";
  const exact = pages.find((pg) => pg.path === route || pg.name === seg || pg.legacyName === seg || pg.name === toName(seg));
  if (exact) return exact;
  const one = singular(toName(seg));
  return pages.find((pg) => pg.targets.includes(one) || pg.name === one || pg.name.startsWith(`${one}_`));
}

function singular(w: string): string {
  if (w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (/(ses|xes|ches|shes)$/.test(w)) return w.slice(0, -2);
  return w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w;
}

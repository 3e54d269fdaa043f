// Legacy layouts → pages: one page per layout, its components placed on the 12-column
// grid with ids, canonical types and checked props. Styling and per-component settings
// Torque does not have are reported once per layout, not once per component.
import type { Component, ComponentType, Page } from "../schema";
import { arr, type Ctx, clip, entityOf, humanise, lookup, num, type Obj, obj, str, sub, toName, uniqueName } from "./context";
import { convertProps, type PageRef, PropReader, type PropScope } from "./props";

/** Legacy component type (lower-cased, without a "Torque" prefix) → canonical type. */
const COMPONENT_TYPES: Record<string, ComponentType> = {
  datagrid: "DataGrid",
  grid: "DataGrid",
  table: "DataGrid",
  list: "DataGrid",
  form: "Form",
  button: "Button",
  text: "Text",
  label: "Text",
  heading: "Text",
  markdown: "Text",
  container: "Container",
  section: "Container",
  card: "Container",
  modal: "Modal",
  dialog: "Modal",
  chart: "Chart",
  kpi: "Kpi",
  metric: "Kpi",
  stat: "Kpi",
  statistic: "Kpi",
  detailview: "DetailView",
  detail: "DetailView",
  details: "DetailView",
};

/** Component keys that only dressed the legacy UI. */
const DECORATION = ["styling", "style", "metadata", "className"];
const LAYOUT_KEYS = new Set(["id", "name", "title", "type", "target_entities", "components"]);

type LayoutRef = PageRef & { layout: Obj; legacyPath: string };

export function convertLayouts(legacy: unknown[], ctx: Ctx, flows: Set<string>): Page[] {
  // Every page's name first: buttons may navigate to layouts defined later.
  const taken = new Set<string>();
  const refs: LayoutRef[] = [];
  legacy.forEach((raw, i) => {
    const layout = obj(raw),
      path = sub("", "layouts", i);
    const legacyName = str(layout?.name);
    if (!layout || !legacyName) return ctx.report.dropped(path, "layout without a name dropped");
    const name = uniqueName(toName(legacyName), taken);
    if (name !== legacyName) ctx.report.changed(sub(path, "name"), `layout "${legacyName}" renamed to page "${name}"`);
    const targets = arr(layout.target_entities).flatMap((t) => entityOf(ctx, t)?.def.name ?? []);
    refs.push({ name, legacyName, path: `/${name}`, targets, layout, legacyPath: path });
  });
  return refs.map((r) => convertLayout(r, ctx, refs, flows));
}

function convertLayout(ref: LayoutRef, ctx: Ctx, pages: PageRef[], flows: Set<string>): Page {
  const { layout, legacyPath: path } = ref;
  const page: Page = { name: ref.name, title: clip(str(layout.title) ?? humanise(ref.legacyName), 200), path: ref.path, components: [] };
  const dropped = new Set<string>(),
    decoration = new Set<string>();
  const ids = new Set<string>();
  let nextRow = 0;
  arr(layout.components).forEach((raw, j) => {
    const c = obj(raw),
      cpath = sub(path, "components", j);
    const legacyType = str(c?.type) ?? "";
    const type = lookup(COMPONENT_TYPES, legacyType.replace(/^Torque/, "").toLowerCase());
    if (!c || !type) return ctx.report.dropped(cpath, `component of type ${JSON.stringify(legacyType)} dropped: Torque has no such component`);
    for (const k of DECORATION) if (c[k] !== undefined) decoration.add(k);

    const propsKey = ["properties", "props", "config", "settings"].find((k) => obj(c[k])) ?? "properties";
    const reader = new PropReader(obj(c[propsKey]) ?? {});
    const scope: PropScope = { ctx, path: sub(cpath, propsKey), defaultEntity: entityOf(ctx, ref.targets[0]), pages, flows, dropped };
    const props = convertProps(type, reader, scope);
    if ("reason" in props) return ctx.report.dropped(cpath, `${legacyType} component dropped: ${props.reason}`);
    if (arr(c.children).length || arr(reader.get("children")).length)
      ctx.report.dropped(cpath, `nested components of this ${legacyType} dropped: place them on the page grid instead`);
    for (const k of reader.unused()) dropped.add(k);

    const position = place(obj(c.position) ?? c, nextRow, sub(cpath, "position"), ctx);
    nextRow = Math.max(nextRow, position.row + position.height);
    const id = componentId(c.id, type, j, ids);
    const component: Component = { id, type, position };
    if (Object.keys(props).length) component.props = props;
    page.components.push(component);
  });

  for (const k of Object.keys(layout)) if (!LAYOUT_KEYS.has(k)) decoration.add(k);
  if (decoration.size)
    ctx.report.dropped(
      path,
      `${[...decoration].sort().join(", ")} of layout ${ref.legacyName} dropped: Torque draws pages on its own responsive 12-column grid`,
    );
  if (dropped.size)
    ctx.report.dropped(path, `component settings of layout ${ref.legacyName} with no Torque equivalent dropped: ${[...dropped].sort().join(", ")}`);
  return page;
}

/** A legacy id when it is usable, else `${type}_${index}`; unique on the page. */
function componentId(legacyId: unknown, type: ComponentType, index: number, ids: Set<string>): string {
  const wanted = typeof legacyId === "string" && /^[A-Za-z0-9_-]{1,90}$/.test(legacyId) ? legacyId : `${type.toLowerCase()}_${index}`;
  return uniqueName(wanted, ids);
}

const int = (v: unknown): number | undefined => (num(v) === undefined ? undefined : Math.round(num(v)!));

/** {row, column|col, width, height} on the 12-column grid; out-of-grid values are clamped and reported. */
function place(pos: Obj, nextRow: number, path: string, ctx: Ctx): Component["position"] {
  const raw = {
    row: int(pos.row ?? pos.y),
    col: int(pos.col ?? pos.column ?? pos.x),
    width: int(pos.width ?? pos.w ?? pos.colspan),
    height: int(pos.height ?? pos.h ?? pos.rowspan),
  };
  if (raw.row === undefined && raw.col === undefined) ctx.report.changed(path, `component had no position; placed at row ${nextRow}`);
  const row = Math.max(0, raw.row ?? nextRow);
  const col = Math.min(11, Math.max(0, raw.col ?? 0));
  const width = Math.min(12 - col, Math.max(1, raw.width ?? 12 - col));
  const height = Math.max(1, raw.height ?? 1);
  const clamped =
    (raw.row !== undefined && raw.row !== row) ||
    (raw.col !== undefined && raw.col !== col) ||
    (raw.width !== undefined && raw.width !== width) ||
    (raw.height !== undefined && raw.height !== height);
  if (clamped) ctx.report.changed(path, `position ${JSON.stringify(raw)} clamped to the 12-column grid: ${JSON.stringify({ row, col, width, height })}`);
  return { row, col, width, height };
}

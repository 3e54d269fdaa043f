// What a DataGrid shows, read from its resolved definition: the entity type, the columns
// (loadPage's definitions, in the order the props name them), the model's sort and filter,
// the page size and the switches. A name the model does not know becomes an error naming
// it, shown inside the grid's box instead of a broken grid.
import type { ColumnDefinition, Filter, ResolvedComponent, SortKey } from "../../lib/types";
import type { ComponentContext } from "../contract";
import { may, prop } from "../contract";
import { t } from "./messages";

export interface GridConfig {
  entity: string;
  /** The entity type's label ("Task"). */
  label: string;
  title: string;
  /** The entity type's display field: the record's label. */
  display: string | null;
  columns: ColumnDefinition[];
  sort: SortKey[];
  filter: Filter | undefined;
  pageSize: number;
  /** Rows can be selected (for deleting them): off when the user may not delete the type's records. */
  selectable: boolean;
  /** Cells can be edited in place: off when the user may not update the type's records. */
  editable: boolean;
}

/** Names the server sorts and filters by besides the fields. */
const SYSTEM = new Set(["id", "createdAt", "updatedAt"]);

const DEFAULT_PAGE = 150;

const fieldName = (c: unknown): string | undefined =>
  typeof c === "string" ? c : c && typeof c === "object" && typeof (c as { field?: unknown }).field === "string" ? (c as { field: string }).field : undefined;

export function gridConfig(c: ResolvedComponent, ctx: ComponentContext): GridConfig | { error: string } {
  const name = prop.string(c, "entity");
  if (!name) return { error: t("noEntity") };
  const meta = ctx.entityMeta(name);
  if (!c.entity || !meta) return { error: t("unknownEntity", { entity: name }) };
  const fields = new Map(meta.fields.map((f) => [f.name, f]));
  for (const col of prop.list(c, "columns")) {
    const f = fieldName(col);
    if (f === undefined || !fields.has(f)) return { error: t("unknownField", { entity: c.entity.label, field: String(f ?? JSON.stringify(col)) }) };
  }
  const sort: SortKey[] = [];
  for (const k of prop.list(c, "sort")) {
    const field = typeof k === "string" ? k.replace(/^-/, "") : fieldName(k);
    if (field === undefined) continue;
    const f = fields.get(field);
    if (!f && !SYSTEM.has(field)) return { error: t("unknownField", { entity: c.entity.label, field }) };
    if (f && !f.sortable) return { error: t("unsortable", { type: f.type, field }) };
    const dir = typeof k === "string" ? (k.startsWith("-") ? "desc" : "asc") : (k as SortKey).dir === "desc" ? "desc" : "asc";
    sort.push({ field, dir });
  }
  const size = prop.number(c, "pageSize");
  return {
    entity: c.entity.name,
    label: c.entity.label,
    title: prop.string(c, "title") ?? c.entity.label,
    display: c.entity.display ?? meta.display,
    columns: c.columns ?? [],
    sort,
    filter: prop.object(c, "filter") as Filter | undefined,
    pageSize: size === undefined ? DEFAULT_PAGE : Math.min(500, Math.max(20, Math.round(size))),
    selectable: c.props.selectable !== false && may(ctx, c.entity.name, "delete"),
    editable: c.props.editable !== false && may(ctx, c.entity.name, "update"),
  };
}

/** The same order backwards: every key flipped. The server breaks ties by id in the last key's direction, so this is the exact mirror. */
export function reversed(sort: SortKey[]): SortKey[] {
  if (!sort.length) return [{ field: "id", dir: "desc" }];
  return sort.map((k) => ({ field: k.field, dir: k.dir === "desc" ? "asc" : "desc" }));
}

/** The next sort after a header click: asc → desc → off; with shift the key is added to (or changed in) the others. */
export function nextSort(sort: SortKey[], field: string, add: boolean): SortKey[] {
  const at = sort.findIndex((k) => k.field === field);
  const cur = at < 0 ? undefined : (sort[at]!.dir ?? "asc");
  const next: SortKey | undefined = cur === undefined ? { field, dir: "asc" } : cur === "asc" ? { field, dir: "desc" } : undefined;
  if (!add) return next ? [next] : [];
  if (at < 0) return [...sort, next!];
  return next ? sort.map((k, i) => (i === at ? next : k)) : sort.filter((_, i) => i !== at);
}

// What a generated UI needs from an app, shaped for rendering: the model's metadata, a
// page with its components resolved against the model, grid data with column
// definitions, and form definitions. Shared by JSON-RPC, the runtime and agents.
import { notFound } from "../lib/errors";
import { isPlainObject } from "../lib/json";
import type { CompiledEntity, CompiledModel } from "../model/compile";
import { fieldKinds } from "../model/fields/registry";
import type { Component, Field } from "../model/schema";
import { type EntityOp, entityRights, hiddenFields, requireApp } from "./access/policy";
import type { Actor } from "./actor";
import type { AppService } from "./apps";
import { checkFields, entityOf } from "./entities/context";
import type { EntityService } from "./entities/service";
import type { EntityRecord, Page, QueryOptions } from "./entities/types";

export interface FieldDefinition {
  name: string;
  label: string;
  type: Field["type"];
  required: boolean;
  unique: boolean;
  help?: string;
  default?: unknown;
  values?: string[];
  /** For references: the entity type referred to, and its display field. */
  entity?: string;
  display?: string;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  sortable: boolean;
  /** JSON Schema of the value, for clients that validate before sending. */
  schema: Record<string, unknown>;
}

export interface ColumnDefinition extends FieldDefinition {
  field: string;
}

/** A field as getModelMetadata lists it: its definition less the JSON Schema of its value (getFormDefinition and loadPage carry that). */
export type FieldSummary = Omit<FieldDefinition, "schema">;

const humanise = (name: string) => name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

export function fieldDefinition(m: CompiledModel, f: Field): FieldDefinition {
  return { ...fieldSummary(m, f), schema: fieldKinds[f.type].jsonSchema(f) };
}

function fieldSummary(m: CompiledModel, f: Field): FieldSummary {
  const kind = fieldKinds[f.type];
  const target = f.entity ? m.entities.get(f.entity) : undefined;
  return {
    name: f.name,
    label: f.label ?? humanise(f.name),
    type: f.type,
    required: !!f.required,
    unique: !!f.unique,
    ...(f.help !== undefined && { help: f.help }),
    ...(f.default !== undefined && { default: f.default }),
    ...(f.values && { values: f.values }),
    ...(f.entity && { entity: f.entity, display: target?.def.display ?? target?.def.fields.find((x) => x.type === "text")?.name }),
    ...(f.min !== undefined && { min: f.min }),
    ...(f.max !== undefined && { max: f.max }),
    ...(f.minLength !== undefined && { minLength: f.minLength }),
    ...(f.maxLength !== undefined && { maxLength: f.maxLength }),
    ...(f.pattern !== undefined && { pattern: f.pattern }),
    sortable: kind.ordered,
  };
}

const OPS: EntityOp[] = ["list", "read", "create", "update", "delete"];

/** What the actor may do with the type's records, for a UI to offer only that (the services decide regardless). */
function allowed(actor: Actor | undefined, app: string, e: CompiledEntity): Record<EntityOp, boolean> {
  const out = {} as Record<EntityOp, boolean>;
  for (const op of OPS) {
    try {
      entityRights(actor ?? { kind: "system" }, app, e, op);
      out[op] = true;
    } catch {
      out[op] = false;
    }
  }
  return out;
}

function entityMeta(m: CompiledModel, e: CompiledEntity, app: string, actor?: Actor) {
  const hidden = hiddenFields(actor, e);
  return {
    ...entityHeader(e),
    fields: e.def.fields.filter((f) => !hidden.has(f.name)).map((f) => fieldDefinition(m, f)),
    access: allowed(actor, app, e),
  };
}

function entityHeader(e: CompiledEntity) {
  return {
    name: e.name,
    label: e.def.label ?? humanise(e.name),
    ...(e.def.description && { description: e.def.description }),
    display: e.def.display ?? e.def.fields.find((f) => f.type === "text")?.name ?? null,
  };
}

/**
 * Each entity type's header and field summaries, made once per compiled model version (its
 * entity map, which the apps of a model share) for every request and actor: on a model of
 * 300 types × 30 fields that is 9,000 field definitions, which every getModelMetadata built
 * anew. Read-only.
 */
const summaries = new WeakMap<CompiledModel["entities"], Map<string, { header: ReturnType<typeof entityHeader>; fields: FieldSummary[] }>>();

function summariesOf(m: CompiledModel) {
  let out = summaries.get(m.entities);
  if (!out) {
    out = new Map();
    for (const e of m.entities.values())
      out.set(e.name, {
        header: entityHeader(e),
        fields: e.def.fields.map((f) => fieldSummary(m, f)),
      });
    summaries.set(m.entities, out);
  }
  return out;
}

/** Column definitions for a list of field names (or all fields). */
export function columnsFor(m: CompiledModel, e: CompiledEntity, names?: unknown[], hidden: ReadonlySet<string> = new Set()): ColumnDefinition[] {
  const list = names?.length
    ? names.map((c) => (isPlainObject(c) ? c.field : c)).filter((n): n is string => typeof n === "string")
    : e.def.fields.map((f) => f.name);
  const out: ColumnDefinition[] = [];
  for (const n of list) {
    const f = e.fields.get(n);
    if (f && !hidden.has(n)) out.push({ field: n, ...fieldDefinition(m, f) });
  }
  return out;
}

export class UiService {
  constructor(
    private readonly apps: AppService,
    private readonly entities: EntityService,
  ) {}

  async getModelMetadata(app: string, actor?: Actor) {
    if (actor) requireApp(actor, app);
    const rt = await this.apps.runtime(app);
    const d = rt.model.doc;
    return {
      app: rt.slug,
      model: { id: rt.model.id, name: d.name, version: rt.model.version, ...(d.description && { description: d.description }) },
      entities: [...summariesOf(rt.model)].map(([name, { header, fields }]) => {
        const e = rt.model.entities.get(name)!;
        const hidden = hiddenFields(actor, e);
        return { ...header, fields: hidden.size ? fields.filter((f) => !hidden.has(f.name)) : fields, access: allowed(actor, rt.slug, e) };
      }),
      relationships: d.relationships ?? [],
      pages: (d.pages ?? []).map((p) => ({ name: p.name, title: p.title ?? humanise(p.name), path: p.path ?? `/${p.name}` })),
      navigation: d.navigation ?? [],
      startPage: d.startPage ?? d.pages?.[0]?.name ?? null,
      xflows: (d.xflows ?? []).map((x) => ({ name: x.name, trigger: x.trigger?.type ?? "manual", ...(x.description && { description: x.description }) })),
    };
  }

  /** A page ready to render: its components with the entity and field definitions they name. No page = the start page. */
  async loadPage(app: string, page?: string, actor?: Actor) {
    if (actor) requireApp(actor, app);
    const rt = await this.apps.runtime(app);
    const d = rt.model.doc;
    const pages = d.pages ?? [];
    const name = page ?? d.startPage ?? pages[0]?.name;
    // By name, or by path with or without its leading slash (as it stands in an app's URL).
    const p = pages.find((x) => x.name === name || x.path === name || (name !== undefined && x.path === `/${name}`));
    if (!p) throw notFound(`page in app ${rt.slug}`, name ?? "(the app has no pages)");
    return {
      app: rt.slug,
      version: rt.model.version,
      page: {
        name: p.name,
        title: p.title ?? humanise(p.name),
        path: p.path ?? `/${p.name}`,
        components: p.components.map((c) => this.resolve(rt.model, c, actor)),
      },
      navigation: d.navigation ?? [],
      startPage: d.startPage ?? pages[0]?.name ?? null,
    };
  }

  private resolve(m: CompiledModel, c: Component, actor?: Actor) {
    const props = c.props ?? {};
    const ent = typeof props.entity === "string" ? m.entities.get(props.entity) : undefined;
    const out: Record<string, unknown> = { id: c.id, type: c.type, position: c.position, props };
    if (ent) out.entity = { name: ent.name, label: ent.def.label ?? humanise(ent.name), display: ent.def.display ?? null };
    const hidden = ent ? hiddenFields(actor, ent) : undefined;
    if (ent && c.type === "DataGrid") out.columns = columnsFor(m, ent, props.columns as unknown[] | undefined, hidden);
    if (ent && (c.type === "Form" || c.type === "DetailView")) out.fields = columnsFor(m, ent, props.fields as unknown[] | undefined, hidden);
    return out;
  }

  /** Grid data: a page of rows, pagination and the column definitions for them. */
  async loadEntityData(
    app: string,
    entity: string,
    opts: QueryOptions & { columns?: string[] },
    actor?: Actor,
  ): Promise<Page & { columns: ColumnDefinition[] }> {
    const rt = await this.apps.runtime(app);
    const ent = entityOf(rt, entity);
    // Columns are field names, checked like a projection's (a misspelt column is an error, not a silently missing one).
    checkFields(ent, opts.columns, "columns");
    const page = await this.entities.query(app, entity, opts, actor);
    return { ...page, columns: columnsFor(rt.model, ent, opts.fields ?? opts.columns, hiddenFields(actor, ent)) };
  }

  async getFormDefinition(
    app: string,
    entity: string,
    id?: string,
    actor?: Actor,
  ): Promise<{ entity: ReturnType<typeof entityMeta>; record: EntityRecord | null }> {
    if (actor) requireApp(actor, app);
    const rt = await this.apps.runtime(app);
    const ent = entityOf(rt, entity);
    const record = id === undefined ? null : await this.entities.get(app, entity, id, {}, actor);
    return { entity: entityMeta(rt.model, ent, rt.slug, actor), record };
  }
}

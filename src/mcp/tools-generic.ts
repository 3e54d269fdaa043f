// The tools every MCP server has: apps and their data, workflows.

import { TorqueError } from "../lib/errors";
import type { CompiledModel } from "../model/compile";
import { fieldKinds } from "../model/fields/registry";
import { requireApp } from "../services/access/policy";
import { AGGREGATE_OPS, BUCKETS, MAX_AGGREGATES } from "../services/entities/aggregate";
import { LIMITS } from "../services/limits";
import { runSummary } from "../services/xflow/service";
import { FILTER_DOC } from "./docs";
import { count, forRole, obj, str, type Tool, type ToolContext } from "./tool";

const app = str("the app's slug (see list_apps)");
const entity = str("the entity type name (see describe_app)");
const id = str("the record's id");
const query = {
  filter: { type: "object", description: "JSON filter (see the description)" },
  sort: {
    type: "array",
    items: { type: "object", properties: { field: { type: "string" }, dir: { enum: ["asc", "desc"] } }, required: ["field"] },
    description: 'e.g. [{"field": "due", "dir": "asc"}]',
  },
  limit: count(LIMITS.pageSize, "page size"),
  cursor: { type: ["string", "null"], description: "pagination.nextCursor of the previous answer" },
  fields: { type: "array", items: { type: "string" }, description: "return only these fields" },
  include: { type: "array", items: { type: "string" }, description: "reference fields or relationship names whose records to add under `related`" },
  total: { type: "boolean", description: "also count all matches (pagination.total; totalExact false when it is an estimate)" },
};

/** The JSON Schema of an entity type's data, for agents (also used by typed tools). */
export function dataSchema(m: CompiledModel, entityName: string, forUpdate = false): Record<string, unknown> {
  const ent = m.entities.get(entityName)!;
  const properties: Record<string, unknown> = {};
  for (const f of ent.def.fields) {
    const s: Record<string, unknown> = { ...fieldKinds[f.type].jsonSchema(f) };
    const desc = [
      f.label,
      f.help,
      f.type === "reference" ? `id of a ${f.entity}` : "",
      f.default !== undefined ? `default ${JSON.stringify(f.default)}` : "",
      f.unique ? "unique" : "",
    ]
      .filter(Boolean)
      .join("; ");
    if (desc) s.description = desc;
    properties[f.name] = forUpdate && !f.required ? { anyOf: [s, { type: "null" }] } : s;
  }
  const required = forUpdate ? [] : ent.def.fields.filter((f) => f.required && f.default === undefined).map((f) => f.name);
  return { type: "object", properties, required, additionalProperties: false };
}

/**
 * The data schemas of an app's types are described together while they take at most
 * this many bytes; past it (a model of hundreds of types made a 1 MB answer, more than an
 * agent's context) the types are summarised and one is described at a time.
 */
export const DESCRIBE_SCHEMAS_MAX_BYTES = 32 * 1024;

export async function describeApp(ctx: ToolContext, slug: string, only?: string) {
  if (ctx.actor.grant) requireApp(ctx.actor, slug);
  const rt = await ctx.services.apps.runtime(slug);
  const d = rt.model.doc;
  if (only !== undefined && !rt.model.entities.has(only))
    throw new TorqueError("not_found", `app ${rt.slug} has no entity type ${JSON.stringify(only.slice(0, 100))}`);
  const types = only === undefined ? d.entities : d.entities.filter((e) => e.name === only);
  const described = types.map((e) => ({
    name: e.name,
    ...(e.label && { label: e.label }),
    ...(e.description && { description: e.description }),
    dataSchema: dataSchema(rt.model, e.name),
  }));
  const whole = only !== undefined || Buffer.byteLength(JSON.stringify(described)) <= DESCRIBE_SCHEMAS_MAX_BYTES;
  const relationships = (d.relationships ?? []).filter((r) => only === undefined || r.from === only || r.to === only);
  return {
    app: rt.slug,
    model: { id: rt.model.id, name: d.name, version: rt.model.version, ...(d.description && { description: d.description }) },
    entities: whole ? described : described.map(({ dataSchema: s, ...e }) => ({ ...e, fields: Object.keys((s.properties as object) ?? {}).length })),
    ...(!whole && {
      note: `${d.entities.length.toLocaleString("en-US")} entity types are too many to describe at once: describe_app with {"app": "${rt.slug}", "entity": "<name>"} gives one type's data schema.`,
    }),
    relationships: whole ? relationships : relationships.length,
    pages: (d.pages ?? []).map((p) => ({ name: p.name, title: p.title, components: p.components.map((c) => c.type) })),
    workflows: (d.xflows ?? []).map((x) => ({
      name: x.name,
      trigger: x.trigger ?? { type: "manual" },
      ...(x.description && { description: x.description }),
      ...(x.input && { inputSchema: x.input }),
    })),
  };
}

export const genericTools: Tool[] = [
  {
    name: "list_apps",
    description: "List the apps on this Torque server: slug, model name and version, and entity type names. Start here.",
    inputSchema: obj({}),
    run: async (_, ctx) =>
      Promise.all(
        (await ctx.services.apps.list(ctx.actor)).map(async (a) => ({
          slug: a.slug,
          model: a.model.name,
          modelId: a.model.id,
          version: a.version,
          entities: [...(await ctx.services.apps.runtime(a.slug)).model.entities.keys()],
        })),
      ),
  },
  {
    name: "describe_app",
    description:
      'Describe an app: each entity type with the JSON Schema of its data (field types, enums, required), relationships, pages and workflows. Read this before writing data. An app of many types is summarised (names, labels, field counts); `entity` describes one type whole. Example: {"app": "crm"} or {"app": "crm", "entity": "deal"}',
    inputSchema: obj({ app, entity: str("only this entity type, described whole") }, ["app"]),
    run: (a, ctx) => describeApp(ctx, String(a.app), a.entity === undefined ? undefined : String(a.entity)),
  },
  {
    name: "query_entities",
    description: `Find records of one entity type. Returns {data: [{id, entity, data, version, createdAt, updatedAt}], pagination: {nextCursor}}.\n${FILTER_DOC}`,
    inputSchema: obj({ app, entity, ...query }, ["app", "entity"]),
    run: (a, ctx) => ctx.services.entities.query(String(a.app), String(a.entity), a, ctx.actor),
  },
  {
    name: "aggregate_entities",
    description:
      'Count, sum, avg, min, max over one entity type, computed in the database: for KPIs and charts. `aggregates` e.g. [{op: "count"}, {op: "sum", field: "amount"}] (sum/avg need a number or integer field; min/max also take date/datetime). Optional `groupBy`: an enum, boolean, reference, date or datetime field name, or {field, bucket: "day"|"week"|"month"} (weeks start Monday). Returns {groups: [{key, values}], limited} (values in the order of aggregates; at most 1,000 groups, limited true when more exist).\n' +
      FILTER_DOC,
    inputSchema: obj(
      {
        app,
        entity,
        filter: query.filter,
        groupBy: {
          anyOf: [
            { type: "string" },
            { type: "object", properties: { field: { type: "string" }, bucket: { enum: [...BUCKETS] } }, required: ["field"], additionalProperties: false },
          ],
        },
        aggregates: {
          type: "array",
          minItems: 1,
          maxItems: MAX_AGGREGATES,
          items: {
            type: "object",
            properties: { op: { enum: [...AGGREGATE_OPS] }, field: { type: "string" } },
            required: ["op"],
            additionalProperties: false,
          },
        },
      },
      ["app", "entity", "aggregates"],
    ),
    run: (a, ctx) => ctx.services.entities.aggregate(String(a.app), String(a.entity), a, ctx.actor),
  },
  {
    name: "get_entity",
    description: "One record by id: {id, entity, data, version, createdAt, updatedAt}.",
    inputSchema: obj({ app, entity, id, include: query.include }, ["app", "entity", "id"]),
    run: (a, ctx) => ctx.services.entities.get(String(a.app), String(a.entity), String(a.id), { include: a.include }, ctx.actor),
  },
  {
    name: "create_entity",
    description:
      "Create a record. `data` holds field values by field name (see describe_app for the schema). Validation problems come back as an error listing each field, rule and message. Returns the new record with its id.",
    inputSchema: obj({ app, entity, data: { type: "object", description: "field values" } }, ["app", "entity", "data"]),
    offered: forRole("editor"),
    run: (a, ctx) => ctx.services.entities.create(String(a.app), String(a.entity), a.data, { actor: ctx.actor }),
  },
  {
    name: "update_entity",
    description:
      "Change some fields of a record (fields not given stay; null clears one). Pass expectedVersion (the version you read) to refuse the change if someone else changed the record meanwhile. Returns the updated record.",
    inputSchema: obj({ app, entity, id, data: { type: "object", description: "field values to change" }, expectedVersion: { type: "integer", minimum: 1 } }, [
      "app",
      "entity",
      "id",
      "data",
    ]),
    offered: forRole("editor"),
    run: (a, ctx) =>
      ctx.services.entities.update(String(a.app), String(a.entity), String(a.id), a.data, {
        actor: ctx.actor,
        expectedVersion: a.expectedVersion as number | undefined,
      }),
  },
  {
    name: "delete_entity",
    description: "Delete a record. Relationships' onDelete rules apply (cascade, restrict, setNull); the answer lists what else was deleted or changed.",
    inputSchema: obj({ app, entity, id }, ["app", "entity", "id"]),
    offered: forRole("editor"),
    run: (a, ctx) => ctx.services.entities.delete(String(a.app), String(a.entity), String(a.id), { actor: ctx.actor }),
  },
  {
    name: "execute_xflow",
    description:
      'Run a workflow of the app (see describe_app → workflows) with an input. Returns {runId, status, output} or {runId, status: "failed", error: {node, message}}.',
    inputSchema: obj({ app, xflow: str("the workflow's name"), input: { description: "the workflow's input (JSON)" } }, ["app", "xflow"]),
    offered: forRole("editor"),
    run: async (a, ctx) => runSummary(await ctx.services.xflows.execute(String(a.app), String(a.xflow), a.input ?? {}, { actor: ctx.actor })),
  },
];

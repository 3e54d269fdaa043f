// Tools to design an app: models, entity types, fields, relationships, pages, flows, and
// apps to run them. Every change goes through ModelService (a broken model is refused
// with each problem's JSON path; nothing is saved).
import type { ModelEdit } from "../model/edit";
import { COMPONENT_TYPES, FIELD_TYPES } from "../model/schema";
import { LIMITS } from "../services/limits";
import { checkModel } from "../services/models";
import { seedApp } from "../services/seed/seed";
import { count, forRole, obj, str, type Tool, type ToolContext } from "./tool";

const model = str("the model's id or name (see list_models); when this server is scoped to an app, defaults to its model");
const saved = (m: { id: string; name: string; version: number }) => ({ model: m.id, name: m.name, version: m.version });

async function modelOf(a: Record<string, unknown>, ctx: ToolContext): Promise<string> {
  if (typeof a.model === "string") return a.model;
  if (ctx.app) return (await ctx.services.apps.runtime(ctx.app)).model.id;
  throw new Error('"model" is required (the model id or name)');
}

const edit = (build: (a: Record<string, unknown>) => ModelEdit) => async (a: Record<string, unknown>, ctx: ToolContext) =>
  saved(await ctx.services.models.edit(await modelOf(a, ctx), build(a), ctx.actor));

const FIELD_HELP = `A field: {"name": "snake_case", "type": one of ${FIELD_TYPES.join(", ")}, "required"?, "unique"?, "indexed"?, "default"?, "label"?, "help"?, "min"?/"max"? (numbers), "minLength"?/"maxLength"?/"pattern"? (text), "values": [...] (enum, multienum), "entity": "type" (reference)}.`;

export const designTools: Tool[] = [
  {
    name: "list_models",
    description: "List models (designs): id, name, version and the apps running each.",
    inputSchema: obj({}),
    run: (_, ctx) => ctx.services.models.list(),
  },
  {
    name: "get_model",
    description: "The whole model document (canonical JSON: entities, relationships, pages, navigation, xflows) at its current or a given version.",
    inputSchema: obj({ model, version: { type: "integer", minimum: 1 } }),
    run: async (a, ctx) => {
      const m = await ctx.services.models.get(await modelOf(a, ctx), a.version as number | undefined);
      return { model: m.id, name: m.name, version: m.version, document: m.doc };
    },
  },
  {
    name: "create_model",
    offered: forRole("admin"),
    description:
      "Create an empty model (then add entity types, fields, pages) — or pass a whole `document` to create it at once (a file of the original Torque is converted). Returns its id.",
    inputSchema: obj(
      {
        name: str("the model's name, e.g. Inventory"),
        description: str("what the app is for"),
        document: { type: "object", description: "optional complete model document" },
      },
      ["name"],
    ),
    run: async (a, ctx) =>
      saved(
        await ctx.services.models.create(
          {
            ...(a.document as object | undefined),
            name: a.name,
            ...(a.description !== undefined && { description: a.description }),
            entities: (a.document as { entities?: unknown })?.entities ?? [],
          },
          ctx.actor,
        ),
      ),
  },
  {
    name: "add_entity_type",
    offered: forRole("admin"),
    description: `Add an entity type (a kind of record) to a model: name (lower_snake_case), label, and optionally fields. ${FIELD_HELP}`,
    inputSchema: obj(
      {
        model,
        name: str("lower_snake_case, e.g. customer"),
        label: str("human name"),
        description: str("what it holds"),
        fields: { type: "array", items: { type: "object" } },
      },
      ["name"],
    ),
    run: edit((a) => ({
      op: "addEntityType",
      entity: {
        name: a.name,
        ...(a.label !== undefined && { label: a.label }),
        ...(a.description !== undefined && { description: a.description }),
        fields: a.fields ?? [],
      },
    })),
  },
  {
    name: "add_field",
    offered: forRole("admin"),
    description: `Add a field to an entity type. ${FIELD_HELP}`,
    inputSchema: obj({ model, entity: str("the entity type"), field: { type: "object", description: "the field definition" } }, ["entity", "field"]),
    run: edit((a) => ({ op: "addField", entity: String(a.entity), field: a.field })),
  },
  {
    name: "update_field",
    offered: forRole("admin"),
    description: "Change a field's settings: `patch` replaces the settings it names (null removes one). Existing data stays.",
    inputSchema: obj({ model, entity: str("the entity type"), name: str("the field"), patch: { type: "object" } }, ["entity", "name", "patch"]),
    run: edit((a) => ({ op: "updateField", entity: String(a.entity), name: String(a.name), patch: a.patch })),
  },
  {
    name: "remove_field",
    offered: forRole("admin"),
    description: "Remove a field from an entity type. Its stored values stay in the database (hidden) until purged.",
    inputSchema: obj({ model, entity: str("the entity type"), name: str("the field") }, ["entity", "name"]),
    run: edit((a) => ({ op: "removeField", entity: String(a.entity), name: String(a.name) })),
  },
  {
    name: "add_relationship",
    offered: forRole("admin"),
    description:
      'Relate two entity types: {"name", "from", "to", "kind": "1:1"|"1:n"|"n:m", "inverse"?: the reference field on "to" that points to "from" (1:1, 1:n; add that reference field first), "onDelete"?: "cascade"|"restrict"|"setNull"}.',
    inputSchema: obj({ model, relationship: { type: "object" } }, ["relationship"]),
    run: edit((a) => ({ op: "addRelationship", relationship: a.relationship })),
  },
  {
    name: "add_page",
    offered: forRole("admin"),
    description: `Add a page: {"name", "title", "path"?: "/x", "components": [{"id", "type": one of ${COMPONENT_TYPES.join(", ")}, "position": {"row", "col" (0-11), "width" (1-12), "height"}, "props": {...}}]}. A DataGrid's props: {"entity", "columns": [field names], "sort"?: [{"field", "dir"}]}; a Form's: {"entity", "fields"?}; a Button's: {"label", "action": {"type": "openForm"|"navigate"|"runXFlow"|…, "entity"?|"page"?|"xflow"?}}.`,
    inputSchema: obj({ model, page: { type: "object" }, navigation: { type: "boolean", description: "also add it to the menu (default true)" } }, ["page"]),
    run: async (a, ctx) => {
      const ref = await modelOf(a, ctx);
      let m = await ctx.services.models.edit(ref, { op: "addPage", page: a.page }, ctx.actor);
      const p = a.page as { name?: string; title?: string };
      if (a.navigation !== false && typeof p.name === "string")
        m = await ctx.services.models.save(
          m.id,
          { ...m.doc, navigation: [...(m.doc.navigation ?? []), { label: p.title ?? p.name, page: p.name }] },
          ctx.actor,
          { note: "add_page navigation" },
        );
      return saved(m);
    },
  },
  {
    name: "add_component",
    offered: forRole("admin"),
    description: "Add a component to an existing page (see add_page for component shapes).",
    inputSchema: obj({ model, page: str("the page name"), component: { type: "object" } }, ["page", "component"]),
    run: edit((a) => ({ op: "addComponent", page: String(a.page), component: a.component })),
  },
  {
    name: "add_xflow",
    offered: forRole("admin"),
    description:
      'Add a workflow: {"name", "trigger"?: {"type": "manual"|"entity"|"webhook"|"schedule", "entity"?, "event"? (beforeCreate, afterCreate, …), "cron"?}, "nodes": [{"id", "type": start|end|error|script|condition|transform|entityQuery|entityWrite|http|subflow|parallel|join|delay|log, …}], "edges": [{"from", "to", "when"?: "true"|"false"}]}. A script node has "code": the body of async (input, ctx) (ctx.entities.query/get/create/update/delete, ctx.log).',
    inputSchema: obj({ model, xflow: { type: "object" } }, ["xflow"]),
    run: edit((a) => ({ op: "addXFlow", xflow: a.xflow })),
  },
  {
    name: "validate_model",
    description:
      "Check a model document without saving it: every problem with its JSON path, e.g. a grid column naming a field that does not exist. A file of the original Torque is converted first.",
    inputSchema: obj({ document: { type: "object" } }, ["document"]),
    run: async (a) => {
      const issues = checkModel(a.document);
      return { valid: issues.length === 0, issues };
    },
  },
  {
    name: "create_app",
    offered: forRole("admin"),
    description: "Create an app (a running instance with its own data) of a model. Returns its slug; then use the data tools with that slug.",
    inputSchema: obj({ model, slug: str("lowercase-with-hyphens; default from the model name") }),
    run: async (a, ctx) => {
      const m = await ctx.services.models.get(await modelOf(a, ctx));
      const slug = typeof a.slug === "string" ? a.slug : await ctx.services.apps.freeSlug(m.name);
      await ctx.services.apps.create(m.id, slug, ctx.actor);
      return { app: slug, model: m.name, version: m.version };
    },
  },
  {
    name: "seed_app",
    offered: forRole("admin"),
    description: "Fill every entity type of an app with plausible sample records (count per type).",
    inputSchema: obj({ app: str("the app's slug"), count: count(LIMITS.seedCount, "records per entity type") }, ["app"]),
    run: (a, ctx) => seedApp(ctx.services, String(a.app), { count: (a.count as number | undefined) ?? LIMITS.seedCount.default, actor: ctx.actor }),
  },
  {
    name: "query_audit",
    offered: forRole("admin"),
    description:
      'Read the audit log, newest first: every change and every refused attempt, with the actor, the door it came through (rpc, ws, graphql, mcp, cli, webhook, workflow, schedule, http) and the values before and after. Example: {"app": "crm", "action": "denied.*", "limit": 20}.',
    inputSchema: obj({
      app: str("one app's entries"),
      entity: str("one entity type's entries"),
      id: str("one record's entries"),
      actor: str("user, token, agent, workflow, cli or system, optionally with :ID (agent:claude)"),
      action: str("an action (entity.update), or a prefix ending in * (denied.*)"),
      door: str("the door the change came through"),
      since: str("from this time on (ISO 8601)"),
      until: str("before this time (ISO 8601)"),
      before: { type: "integer", minimum: 1, description: "entries older than this entry id (the next page)" },
      limit: count(LIMITS.auditEntries, "how many"),
    }),
    run: (a, ctx) =>
      ctx.services.audit.query(
        { ...(a as Record<string, never>), entityType: a.entity as string | undefined, entityId: a.id as string | undefined },
        ctx.actor,
      ),
  },
];

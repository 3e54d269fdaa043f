// Typed tools for one app, generated from its model: <entity>_query/_get/_create/_update/
// _delete with argument schemas built from the fields, and xflow_<name> per manual flow.
// Descriptions are bounded whatever the model: at most FIELDS_SHOWN fields are named (the
// rest are counted and left to the schema and describe_entity_type), each description
// carries an example argument, and none is longer than MAX_DESCRIPTION characters.
import type { Field } from "../model/schema";
import { type EntityOp, entityRights } from "../services/access/policy";
import type { Actor } from "../services/actor";
import type { AppRuntime } from "../services/apps";
import { LIMITS } from "../services/limits";
import { runSummary } from "../services/xflow/service";
import { count, forRole, obj, str, type Tool } from "./tool";
import { dataSchema } from "./tools-generic";

/** Fields named in a typed tool's description; the others are counted. */
export const FIELDS_SHOWN = 12;
/** Fields in an example argument. */
const EXAMPLE_FIELDS = 6;
/** No description is longer than this (a workflow's own description is cut to fit). */
export const MAX_DESCRIPTION = 1500;

export const TYPED_OPS = ["query", "get", "create", "update", "delete"] as const;
export type TypedOp = (typeof TYPED_OPS)[number];

/** The typed tools of one app runtime, by name and by entity type. */
export interface TypedTools {
  /** Every typed tool: five per entity type in model order, then the workflow tools. */
  all: Tool[];
  byName: Map<string, Tool>;
  /** Entity type name → its five tools (query, get, create, update, delete). */
  byEntity: Map<string, Tool[]>;
  xflows: Tool[];
}

const bounded = (text: string): string => (text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`);

/** A short word for one field: `due (date, required)`, `owner (reference to person)`, `status (enum: open|doing|done)`. */
export function fieldWord(f: Field): string {
  const parts: string[] = [f.type === "reference" ? `reference to ${f.entity}` : f.type];
  if ((f.type === "enum" || f.type === "multienum") && f.values?.length)
    parts[0] += `: ${f.values.slice(0, 6).join("|")}${f.values.length > 6 ? `|… (${f.values.length} values)` : ""}`;
  if (f.required && f.default === undefined) parts.push("required");
  return `${f.name} (${parts.join(", ")})`;
}

/** The fields of a type for a description, at most FIELDS_SHOWN of them named. */
export function fieldSummary(entity: string, fields: readonly Field[]): string {
  if (!fields.length) return "no fields";
  const shown = fields.slice(0, FIELDS_SHOWN).map(fieldWord).join(", ");
  const more = fields.length - FIELDS_SHOWN;
  return more > 0 ? `${shown} and ${more} more (describe_entity_type {"entity": "${entity}"} lists them all)` : shown;
}

/** A plausible value of a field for an example (not random: the same model gives the same text). */
export function exampleValue(f: Field): unknown {
  const bound = (n: number) => Math.min(f.max ?? n, Math.max(f.min ?? n, n));
  switch (f.type) {
    case "integer":
      return Math.ceil(bound(1));
    case "number":
      return bound(1.5);
    case "boolean":
      return true;
    case "date":
      return "2026-01-31";
    case "datetime":
      return "2026-01-31T09:00:00Z";
    case "email":
      return "ada@example.com";
    case "url":
      return "https://example.com";
    case "enum":
      return f.values?.[0] ?? "";
    case "multienum":
      return f.values?.slice(0, 1) ?? [];
    case "json":
      return { note: "any JSON" };
    case "reference":
      return `<id of a ${f.entity}>`;
    case "file":
      return { name: "report.pdf", url: "https://files.example.com/report.pdf" };
    default:
      return f.pattern ? `<text matching ${f.pattern}>` : (f.label ?? "Example");
  }
}

/** Example data for a create: the required fields (and a few others when there are few), at most EXAMPLE_FIELDS. */
export function exampleData(fields: readonly Field[]): Record<string, unknown> {
  const needed = fields.filter((f) => f.required && f.default === undefined);
  const others = fields.filter((f) => !(f.required && f.default === undefined));
  const chosen = [...needed.slice(0, EXAMPLE_FIELDS), ...others.slice(0, Math.max(0, Math.min(3, EXAMPLE_FIELDS) - needed.length))];
  return Object.fromEntries(chosen.map((f) => [f.name, exampleValue(f)]));
}

/** Example arguments of a query: a filter on a text field (else the first field), newest first. */
export function exampleQuery(fields: readonly Field[]): Record<string, unknown> {
  const text = fields.find((f) => f.type === "text" || f.type === "longtext");
  const filter = text ? { [text.name]: { contains: "report" } } : fields[0] ? { [fields[0].name]: exampleValue(fields[0]) } : undefined;
  return { ...(filter && { filter }), sort: [{ field: "updatedAt", dir: "desc" }], limit: 10 };
}

const json = (v: unknown) => JSON.stringify(v);

/** `taken`: names already in use (generic and design tools); a clashing workflow tool is left out. */
export function typedTools(rt: AppRuntime, taken: Set<string> = new Set()): TypedTools {
  const app = rt.slug;
  const all: Tool[] = [];
  const byEntity = new Map<string, Tool[]>();
  for (const e of rt.model.entities.values()) {
    const may = (op: EntityOp) => (actor: Actor) => {
      try {
        entityRights(actor, app, e, op);
        return true;
      } catch {
        return false;
      }
    };
    const label = e.def.label ?? e.name;
    const fields = e.def.fields;
    const summary = fieldSummary(e.name, fields);
    const sample = exampleData(fields);
    const firstOptional = fields.find((f) => !f.required);
    const change = firstOptional ? { [firstOptional.name]: exampleValue(firstOptional) } : Object.fromEntries(Object.entries(sample).slice(0, 1));
    const create = dataSchema(rt.model, e.name);
    const update = dataSchema(rt.model, e.name, true);
    const id = "<the record's id>";
    const tools: Tool[] = [
      {
        name: `${e.name}_query`,
        description: bounded(
          `Find ${label} records of app ${app}: a page of {id, entity, data, version, createdAt, updatedAt} and pagination.nextCursor. Fields: ${summary}. Filter like {"field": value} or {"field": {"gte": 3}} (query_entities describes the whole language). Example: ${json(exampleQuery(fields))}`,
        ),
        inputSchema: obj({
          filter: { type: "object" },
          sort: { type: "array", items: { type: "object" } },
          limit: count(LIMITS.pageSize, "page size"),
          cursor: { type: ["string", "null"] },
          total: { type: "boolean" },
        }),
        offered: may("list"),
        run: (a, ctx) => ctx.services.entities.query(app, e.name, a, ctx.actor),
      },
      {
        name: `${e.name}_get`,
        description: bounded(`One ${label} record of app ${app} by id: {id, entity, data, version, createdAt, updatedAt}. Example: ${json({ id })}`),
        inputSchema: obj({ id: str("the record's id") }, ["id"]),
        offered: may("read"),
        run: (a, ctx) => ctx.services.entities.get(app, e.name, String(a.id), {}, ctx.actor),
      },
      {
        name: `${e.name}_create`,
        description: bounded(
          `Create one ${label} record in app ${app}; the arguments are its fields: ${summary}. Returns the record with its id. Example: ${json(sample)}`,
        ),
        inputSchema: create as Tool["inputSchema"],
        offered: may("create"),
        run: (a, ctx) => ctx.services.entities.create(app, e.name, a, { actor: ctx.actor }),
      },
      {
        name: `${e.name}_update`,
        description: bounded(
          `Change fields of a ${label} record in app ${app} (fields not given stay; null clears one). expectedVersion refuses the change if the record changed since you read it. Fields: ${summary}. Example: ${json({ id, expectedVersion: 1, ...change })}`,
        ),
        inputSchema: {
          ...update,
          type: "object",
          properties: { id: str("the record's id"), expectedVersion: { type: "integer", minimum: 1 }, ...(update.properties as object) },
          required: ["id"],
        },
        offered: may("update"),
        run: (a, ctx) => {
          const { id, expectedVersion, ...data } = a;
          return ctx.services.entities.update(app, e.name, String(id), data, { actor: ctx.actor, expectedVersion: expectedVersion as number | undefined });
        },
      },
      {
        name: `${e.name}_delete`,
        description: bounded(
          `Delete a ${label} record of app ${app} (relationships' onDelete rules apply; the answer lists what else changed). Example: ${json({ id })}`,
        ),
        inputSchema: obj({ id: str("the record's id") }, ["id"]),
        offered: may("delete"),
        run: (a, ctx) => ctx.services.entities.delete(app, e.name, String(a.id), { actor: ctx.actor }),
      },
    ];
    byEntity.set(e.name, tools);
    all.push(...tools);
  }
  const names = new Set([...taken, ...all.map((t) => t.name)]);
  const xflows: Tool[] = [];
  for (const x of rt.model.doc.xflows ?? []) {
    if ((x.trigger?.type ?? "manual") !== "manual") continue;
    // An entity type "xflow" with a "query" tool would clash with workflow "query": the
    // workflow stays reachable through execute_xflow.
    const name = `xflow_${x.name}`.slice(0, 64);
    if (names.has(name)) continue;
    names.add(name);
    const about = x.description ? `: ${x.description.length > 400 ? `${x.description.slice(0, 399)}…` : x.description}` : "";
    xflows.push({
      name,
      description: bounded(`Run workflow ${x.name} of app ${app}${about}. Returns {runId, status, output | error}. Example: ${json({ input: {} })}`),
      inputSchema: obj({ input: x.input ?? { description: "the workflow's input (JSON)" } }),
      offered: forRole("editor"),
      run: async (a, ctx) => runSummary(await ctx.services.xflows.execute(app, x.name, a.input ?? {}, { actor: ctx.actor })),
    });
  }
  all.push(...xflows);
  return { all, byName: new Map(all.map((t) => [t.name, t])), byEntity, xflows };
}

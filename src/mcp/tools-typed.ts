// Typed tools for one app, generated from its model: <entity>_query/_get/_create/_update/
// _delete with argument schemas built from the fields, and xflow_<name> per manual flow.
import { type EntityOp, entityRights } from "../services/access/policy";
import type { Actor } from "../services/actor";
import type { AppRuntime } from "../services/apps";
import { LIMITS } from "../services/limits";
import { runSummary } from "../services/xflow/service";
import { count, forRole, obj, str, type Tool } from "./tool";
import { dataSchema } from "./tools-generic";

/** `taken`: names already in use (generic and design tools); a clashing workflow tool is left out. */
export function typedTools(rt: AppRuntime, taken: Set<string> = new Set()): Tool[] {
  const app = rt.slug;
  const tools: Tool[] = [];
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
    const create = dataSchema(rt.model, e.name);
    const update = dataSchema(rt.model, e.name, true);
    tools.push(
      {
        name: `${e.name}_query`,
        description: `Find ${label} records of app ${app}. Fields: ${e.def.fields.map((f) => `${f.name} (${f.type})`).join(", ")}. Filter like {"field": value} or {"field": {"gte": 3}}; see query_entities for the whole language.`,
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
        description: `One ${label} record of app ${app} by id.`,
        inputSchema: obj({ id: str("the record's id") }, ["id"]),
        offered: may("read"),
        run: (a, ctx) => ctx.services.entities.get(app, e.name, String(a.id), {}, ctx.actor),
      },
      {
        name: `${e.name}_create`,
        description: `Create a ${label} record in app ${app}; the arguments are its fields. Returns the record with its id.`,
        inputSchema: create as Tool["inputSchema"],
        offered: may("create"),
        run: (a, ctx) => ctx.services.entities.create(app, e.name, a, { actor: ctx.actor }),
      },
      {
        name: `${e.name}_update`,
        description: `Change fields of a ${label} record in app ${app} (null clears a field). expectedVersion refuses the change if the record changed since you read it.`,
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
        description: `Delete a ${label} record of app ${app} (relationships' onDelete rules apply).`,
        inputSchema: obj({ id: str("the record's id") }, ["id"]),
        offered: may("delete"),
        run: (a, ctx) => ctx.services.entities.delete(app, e.name, String(a.id), { actor: ctx.actor }),
      },
    );
  }
  const names = new Set([...taken, ...tools.map((t) => t.name)]);
  for (const x of rt.model.doc.xflows ?? []) {
    if ((x.trigger?.type ?? "manual") !== "manual") continue;
    // An entity type "xflow" with a "query" tool would clash with workflow "query": the
    // workflow stays reachable through execute_xflow.
    if (names.has(`xflow_${x.name}`.slice(0, 64))) continue;
    tools.push({
      name: `xflow_${x.name}`.slice(0, 64),
      description: `Run workflow ${x.name} of app ${app}${x.description ? `: ${x.description}` : ""}. Returns {runId, status, output | error}.`,
      inputSchema: obj({ input: x.input ?? { description: "the workflow's input (JSON)" } }),
      offered: forRole("editor"),
      run: async (a, ctx) => runSummary(await ctx.services.xflows.execute(app, x.name, a.input ?? {}, { actor: ctx.actor })),
    });
  }
  return tools;
}

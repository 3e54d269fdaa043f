// One MCP server definition over the service layer, for both transports (stdio and
// Streamable HTTP). Tools: generic data tools, model-design tools, and (when scoped to an
// app) typed tools generated from the model, all of them listed for a small app and, for a
// large one, on demand (toolsets.ts); resources: models, app schemas, entity types (a
// template), the filter language. A model change tells the client its tool list changed.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { TorqueError } from "../lib/errors";
import type { Services } from "../services";
import type { Actor, Door, Grant } from "../services/actor";
import { VERSION } from "../version";
import { FILTER_DOC } from "./docs";
import { argumentProblems, type Tool, type ToolContext } from "./tool";
import { describeApp } from "./tools-generic";
import { baseTools, describeEntityType, listed, SessionToolset } from "./toolsets";

/** Arguments larger than this are refused before anything is parsed further. */
export const MAX_ARGUMENT_BYTES = 1024 * 1024;

/** The MCP spec's error for a resource that does not exist (the SDK has no constant for it). */
export const RESOURCE_NOT_FOUND = -32002;

const resourceNotFound = (uri: string) => new McpError(RESOURCE_NOT_FOUND, `resource not found: ${uri}; list resources to see them`, { uri });

const text = (value: unknown, isError = false) => ({ content: [{ type: "text" as const, text: JSON.stringify(value) }], ...(isError && { isError: true }) });

function errorResult(e: unknown) {
  if (e instanceof TorqueError && e.code !== "internal")
    return text({ error: e.message, code: e.code, ...(e.data !== undefined && { details: e.data }) }, true);
  // Anything else is a fault of ours: its message may hold SQL or a file path, so it goes to the log, not to the agent.
  console.error("torque: MCP tool failed:", e);
  return text({ error: "internal error (details are in the server's log)", code: "internal" }, true);
}

export interface McpOptions {
  /** Scope the server to one app: its typed tools appear, design tools default to its model. */
  app?: string;
  /**
   * Entity types of that app whose typed tools are listed from the start, when the app is
   * too large to list them all (`--entities a,b`, `?entities=a,b`); unknown names are refused.
   */
  entities?: readonly string[];
  /** The rights of the user or token the session authenticated as (none: trusted, as on stdio or a loopback server without users). */
  grant?: Grant;
  door?: Door;
}

const BASE_INSTRUCTIONS =
  "Torque runs model-driven apps. Use list_apps and describe_app first; data tools take an app slug and an entity type; design tools change a model (each change is validated and versioned).";
const SHORT_LIST_INSTRUCTIONS = (app: string) =>
  ` App ${app} has too many entity types to list every typed tool (describe_app only summarises them): list_entity_types finds a type by name, describe_entity_type shows its fields, and enable_entity_tools adds its typed tools (<entity>_query, _get, _create, _update, _delete) to your list. Any type's typed tools can also be called without being listed, and the generic tools (query_entities, create_entity, …) reach every type.`;

const ENTITY_RESOURCE = /^torque:\/\/apps\/([^/]+)\/entities\/([^/]+)$/;

export async function createMcpServer(services: Services, opts: McpOptions = {}): Promise<{ server: Server; close(): void }> {
  if (opts.app && opts.grant?.apps && !opts.grant.apps.includes(opts.app))
    throw new TorqueError("forbidden", `this token is limited to the apps ${opts.grant.apps.join(", ")}; it may not reach ${opts.app}`);
  if (opts.entities?.length && !opts.app)
    throw new TorqueError("bad_request", "entities (typed tools to list) need an app: --app S, or ?app=S with ?entities=");
  if (opts.app) await services.apps.runtime(opts.app); // an unknown app is an error now, not at the first call
  let named: Server | undefined; // the server, once made: the client's name is the agent's id
  const actor = (): Actor => ({
    kind: "agent",
    id: named?.getClientVersion()?.name ?? "mcp",
    ...(opts.door && { door: opts.door }),
    ...(opts.grant && { grant: opts.grant }),
  });
  const toolset = opts.app ? new SessionToolset(services, opts.app, actor) : undefined;
  if (toolset && opts.entities?.length) await toolset.choose(opts.entities);
  const typedNow = await toolset?.typed();
  const shortList = toolset && typedNow && !toolset.listsAll(typedNow);
  const server = new Server(
    { name: "torque", version: VERSION },
    {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true } },
      instructions: BASE_INSTRUCTIONS + (shortList ? SHORT_LIST_INSTRUCTIONS(opts.app!) : ""),
    },
  );
  named = server;
  const ctx = (extra?: { sendNotification(n: { method: "notifications/tools/list_changed" }): Promise<void> }): ToolContext => ({
    services,
    actor: actor(),
    app: opts.app,
    ...(toolset && { toolset }),
    ...(extra && { toolListChanged: () => extra.sendNotification({ method: "notifications/tools/list_changed" }) }),
  });
  const allowed = (t: Tool) => !t.offered || t.offered(actor());

  // The tools listed: every tool of a small app; of a large one, the generic and design
  // tools, the tools to find entity types and the typed tools of the types this session chose.
  const offered = async (): Promise<Tool[]> => (toolset ? toolset.offered() : baseTools.filter(allowed));

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: (await offered()).map(listed) }));

  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const { name } = req.params;
    const args = req.params.arguments ?? {};
    // Any tool of the app can be called, listed or not; the grant decides as it decides the list.
    const tool = toolset ? await toolset.find(name) : baseTools.find((t) => t.name === name);
    if (!tool || !allowed(tool)) {
      const typed = tool ? undefined : await toolset?.typed();
      const short = typed && !toolset!.listsAll(typed);
      return text(
        {
          error: tool
            ? `tool "${name}" is not available to ${opts.grant?.user} (${opts.grant?.role})`
            : `unknown tool "${name}"; call tools/list to see the tools${short ? " (or list_entity_types: every entity type's <entity>_query, _get, _create, _update and _delete can be called)" : ""}`,
        },
        true,
      );
    }
    if (Buffer.byteLength(JSON.stringify(args)) > MAX_ARGUMENT_BYTES)
      return text({ error: `arguments are larger than ${MAX_ARGUMENT_BYTES} bytes; send less at once` }, true);
    const problems = argumentProblems(tool, args);
    if (problems.length) return text({ error: `wrong arguments for ${name}: ${problems.join("; ")}`, problems }, true);
    try {
      return text(await tool.run(args, ctx(extra)));
    } catch (e) {
      return errorResult(e);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const apps = await services.apps.list(actor());
    const models = await services.models.list();
    // A scoped server of a small app lists each entity type's schema; a large app's are
    // read through the template (resources/templates/list), so the list stays short.
    const typed = await toolset?.typed();
    const types = toolset && typed && toolset.listsAll(typed) ? [...typed.byEntity.keys()] : [];
    return {
      resources: [
        { uri: "torque://docs/filters", name: "Filter language", description: "How to filter, sort and page records", mimeType: "text/plain" },
        ...models.map((m) => ({
          uri: `torque://models/${m.id}`,
          name: `Model ${m.name}`,
          description: `The model document, version ${m.version}`,
          mimeType: "application/json",
        })),
        ...apps
          .filter((a) => !opts.app || a.slug === opts.app)
          .map((a) => ({
            uri: `torque://apps/${a.slug}/schema`,
            name: `App ${a.slug}`,
            description: "Entity types with the JSON Schema of their data, relationships, pages and workflows",
            mimeType: "application/json",
          })),
        ...types.map((e) => ({
          uri: `torque://apps/${opts.app}/entities/${e}`,
          name: `Entity type ${e} of ${opts.app}`,
          description: "Its fields, relationships, typed tools and example calls",
          mimeType: "application/json",
        })),
      ],
    };
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: "torque://apps/{app}/entities/{entity}",
        name: "Entity type",
        description:
          "One entity type of an app: its fields, relationships, the typed tools that reach it and example calls (what describe_entity_type returns)",
        mimeType: "application/json",
      },
    ],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const uri = req.params.uri;
    try {
      if (uri === "torque://docs/filters") return { contents: [{ uri, mimeType: "text/plain", text: FILTER_DOC }] };
      const model = /^torque:\/\/models\/(.+)$/.exec(uri);
      if (model)
        return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify((await services.models.get(decodeURIComponent(model[1]!))).doc) }] };
      const app = /^torque:\/\/apps\/([^/]+)\/schema$/.exec(uri);
      if (app) return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(await describeApp(ctx(), decodeURIComponent(app[1]!))) }] };
      const entity = ENTITY_RESOURCE.exec(uri);
      if (entity) {
        const described = await describeEntityType(ctx(), decodeURIComponent(entity[1]!), decodeURIComponent(entity[2]!));
        return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(described) }] };
      }
    } catch (e) {
      // A model or app that does not exist (any more), or a mangled %-escape, is a missing resource, not a server fault.
      // A URI PostgreSQL cannot even look up (a NUL in it) names nothing either.
      if ((e instanceof TorqueError && (e.code === "not_found" || e.code === "bad_request")) || e instanceof URIError) throw resourceNotFound(uri);
      throw e;
    }
    throw resourceNotFound(uri);
  });

  // Tools and resources follow the models: a saved model or a new app changes the lists.
  const changed = () => {
    void server.sendToolListChanged().catch(() => {});
    void server.sendResourceListChanged().catch(() => {});
  };
  // Another process (the server's Model Editor beside a desktop agent's `torque mcp`) may
  // change models too: the driver reports outside writes; a change of model versions or
  // apps among them is announced like a local one.
  let known = await services.models.signature();
  const outside = async () => {
    const now = await services.models.signature();
    if (now !== known) {
      known = now;
      changed();
    }
  };
  const off = [
    services.events.on("modelChanged", changed),
    services.events.on("appsChanged", changed),
    services.system.onExternalChange(() => void outside().catch(() => {})),
  ];
  return { server, close: () => off.forEach((f) => f()) };
}

// One MCP server definition over the service layer, for both transports (stdio and
// Streamable HTTP). Tools: generic data tools, model-design tools, and (when scoped to an
// app) typed tools generated from the model; resources: models, app schemas, the filter
// language. A model change tells the client its tool list changed.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
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
import { designTools } from "./tools-design";
import { describeApp, genericTools } from "./tools-generic";
import { typedTools } from "./tools-typed";

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
  /** The rights of the user or token the session authenticated as (none: trusted, as on stdio or a loopback server without users). */
  grant?: Grant;
  door?: Door;
}

export async function createMcpServer(services: Services, opts: McpOptions = {}): Promise<{ server: Server; close(): void }> {
  if (opts.app && opts.grant?.apps && !opts.grant.apps.includes(opts.app))
    throw new TorqueError("forbidden", `this token is limited to the apps ${opts.grant.apps.join(", ")}; it may not reach ${opts.app}`);
  if (opts.app) await services.apps.runtime(opts.app); // an unknown app is an error now, not at the first call
  const server = new Server(
    { name: "torque", version: VERSION },
    {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true } },
      instructions:
        "Torque runs model-driven apps. Use list_apps and describe_app first; data tools take an app slug and an entity type; design tools change a model (each change is validated and versioned).",
    },
  );
  const actor = (): Actor => ({
    kind: "agent",
    id: server.getClientVersion()?.name ?? "mcp",
    ...(opts.door && { door: opts.door }),
    ...(opts.grant && { grant: opts.grant }),
  });
  const ctx = (): ToolContext => ({ services, actor: actor(), app: opts.app });

  // Typed tools are built once per compiled model (their argument validators are compiled
  // once per tool), and rebuilt when the app's model changes.
  const typedCache = new WeakMap<object, Tool[]>();
  const offered = async (): Promise<Tool[]> => {
    const a = actor();
    return (await tools()).filter((t) => !t.offered || t.offered(a));
  };
  const tools = async (): Promise<Tool[]> => {
    if (!opts.app) return [...genericTools, ...designTools];
    let rt;
    try {
      rt = await services.apps.runtime(opts.app);
    } catch (e) {
      // The app was deleted: the generic and design tools still work (and say so when used).
      if (e instanceof TorqueError && e.code === "not_found") return [...genericTools, ...designTools];
      throw e;
    }
    let typed = typedCache.get(rt.model);
    if (!typed) typedCache.set(rt.model, (typed = typedTools(rt, new Set([...genericTools, ...designTools].map((t) => t.name)))));
    return [...genericTools, ...designTools, ...typed];
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await offered()).map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const { name } = req.params;
    const args = req.params.arguments ?? {};
    const tool = (await offered()).find((t) => t.name === name);
    if (!tool) {
      const exists = (await tools()).some((t) => t.name === name);
      return text(
        {
          error: exists
            ? `tool "${name}" is not available to ${opts.grant?.user} (${opts.grant?.role})`
            : `unknown tool "${name}"; call tools/list to see the tools`,
        },
        true,
      );
    }
    if (Buffer.byteLength(JSON.stringify(args)) > MAX_ARGUMENT_BYTES)
      return text({ error: `arguments are larger than ${MAX_ARGUMENT_BYTES} bytes; send less at once` }, true);
    const problems = argumentProblems(tool, args);
    if (problems.length) return text({ error: `wrong arguments for ${name}: ${problems.join("; ")}`, problems }, true);
    try {
      return text(await tool.run(args, ctx()));
    } catch (e) {
      return errorResult(e);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const apps = await services.apps.list(actor());
    const models = await services.models.list();
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
      ],
    };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const uri = req.params.uri;
    try {
      if (uri === "torque://docs/filters") return { contents: [{ uri, mimeType: "text/plain", text: FILTER_DOC }] };
      const model = /^torque:\/\/models\/(.+)$/.exec(uri);
      if (model)
        return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify((await services.models.get(decodeURIComponent(model[1]!))).doc) }] };
      const app = /^torque:\/\/apps\/([^/]+)\/schema$/.exec(uri);
      if (app) return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(await describeApp(ctx(), decodeURIComponent(app[1]!))) }] };
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

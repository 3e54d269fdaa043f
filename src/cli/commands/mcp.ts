// `torque mcp`: MCP on stdin/stdout for desktop agents (no HTTP server is started).
import { openServices } from "../../services";
import { type Command, UsageError } from "../command";
import { resolveDb } from "../config";

export const mcpCommand: Command = {
  name: "mcp",
  summary: "serve MCP (for AI agents) on stdin/stdout",
  usage: "[--app S [--entities a,b]] [--db FILE]",
  help: "Speaks the Model Context Protocol on stdin/stdout, for desktop agents that launch Torque themselves.\nWith --app, typed tools for that app's entity types and workflows are offered too: all of them for a small app; for a large one, tools to find entity types and list their typed tools on demand, plus those of the types named by --entities.",
  positionals: [0, 0],
  options: {
    app: { type: "string", description: "scope to one app (adds <entity>_query, <entity>_create, … tools)" },
    entities: { type: "string", description: "with --app: entity types (comma-separated) whose typed tools are listed from the start" },
  },
  async run(ctx) {
    const app = ctx.opts.app as string | undefined;
    const raw = ctx.opts.entities as string | undefined;
    if (raw !== undefined && !app) throw new UsageError("--entities needs --app (the app whose entity types they are)", mcpCommand);
    // Loaded here so the other commands never load the MCP SDK.
    const [{ runStdio }, { parseEntityList }] = await Promise.all([import("../../mcp/stdio"), import("../../mcp/toolsets")]);
    const services = await openServices(resolveDb(ctx.opts.db as string | undefined));
    try {
      await runStdio(services, app, raw === undefined ? undefined : parseEntityList(raw));
    } finally {
      await services.close();
    }
  },
};

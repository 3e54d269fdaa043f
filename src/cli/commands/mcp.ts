// `torque mcp`: MCP on stdin/stdout for desktop agents (no HTTP server is started).
import { openServices } from "../../services";
import type { Command } from "../command";
import { resolveDb } from "../config";

export const mcpCommand: Command = {
  name: "mcp",
  summary: "serve MCP (for AI agents) on stdin/stdout",
  usage: "[--app S] [--db FILE]",
  help: "Speaks the Model Context Protocol on stdin/stdout, for desktop agents that launch Torque themselves.\nWith --app, typed tools for that app's entity types and workflows are offered too.",
  positionals: [0, 0],
  options: { app: { type: "string", description: "scope to one app (adds <entity>_query, <entity>_create, … tools)" } },
  async run(ctx) {
    // Loaded here so the other commands never load the MCP SDK.
    const { runStdio } = await import("../../mcp/stdio");
    const services = await openServices(resolveDb(ctx.opts.db as string | undefined));
    try {
      await runStdio(services, ctx.opts.app as string | undefined);
    } finally {
      await services.close();
    }
  },
};

// `torque mcp`: MCP on stdin/stdout for desktop agents. Nothing but protocol may reach
// stdout, so console output is sent to stderr while it runs.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Services } from "../services";
import { createMcpServer } from "./server";

export async function runStdio(services: Services, app?: string): Promise<void> {
  console.log = console.info = console.debug = (...a: unknown[]) => console.error(...a);
  const { server, close } = await createMcpServer(services, { app });
  const transport = new StdioServerTransport();
  await new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.on("end", () => resolve());
    process.on("SIGINT", () => resolve());
    process.on("SIGTERM", () => resolve());
    void server.connect(transport);
  });
  close();
  await server.close().catch(() => {});
}

// `torque mcp`: MCP on stdin/stdout for desktop agents. Nothing but protocol may reach
// stdout, so console output is sent to stderr while it runs.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ErrorCode, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Services } from "../services";
import { guardIncoming } from "./guard";
import { createMcpServer } from "./server";

/**
 * The SDK's stdio transport reports a line it cannot read to `onerror` and answers
 * nothing, so a client that sent garbage waits forever. JSON-RPC says: -32700 for text
 * that is not JSON, -32600 for JSON that is not a JSON-RPC message (id null: none can be read).
 */
function unreadableLineReply(e: Error): JSONRPCMessage | undefined {
  const error =
    e instanceof SyntaxError
      ? { code: ErrorCode.ParseError, message: `parse error: ${e.message}` }
      : e.name === "ZodError"
        ? { code: ErrorCode.InvalidRequest, message: "invalid request: each line must be one JSON-RPC 2.0 message" }
        : undefined;
  return error && ({ jsonrpc: "2.0", id: null, error } as unknown as JSONRPCMessage);
}

export async function runStdio(services: Services, app?: string): Promise<void> {
  console.log = console.info = console.debug = (...a: unknown[]) => console.error(...a);
  const { server, close } = await createMcpServer(services, { app });
  const transport = new StdioServerTransport();
  // Set before connect: the SDK keeps this handler and calls its own after it.
  transport.onerror = (e) => {
    const reply = unreadableLineReply(e);
    if (reply) void transport.send(reply).catch(() => {});
  };
  await new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.on("end", () => resolve());
    process.on("SIGINT", () => resolve());
    process.on("SIGTERM", () => resolve());
    // Lines are read on later turns of the event loop, so the guard is in place before the first.
    void server.connect(transport).then(() => guardIncoming(transport));
  });
  close();
  await server.close().catch(() => {});
}

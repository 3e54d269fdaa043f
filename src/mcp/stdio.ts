// `torque mcp`: MCP on stdin/stdout for desktop agents. Nothing but protocol may reach
// stdout, so console output is sent to stderr while it runs.
import { Transform } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ErrorCode, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_ANSWER_BUDGET } from "../rpc/protocol";
import type { Services } from "../services";
import { capAnswers } from "./answers";
import { guardIncoming } from "./guard";
import { RawIds } from "./ids";
import { createMcpServer } from "./server";

/** A number of 16 or more digits as an id: the only lines worth a second look for an id above 2^53. */
const LONG_ID = /"id"\s*:\s*-?\d{16}/;

/**
 * stdin, line by line, with number ids above 2^53 replaced by tokens (ids.ts) before the
 * SDK's transport reads them; other lines pass untouched.
 */
function keepingIds(ids: RawIds): Transform {
  let rest = "";
  const line = (text: string): string => {
    if (!LONG_ID.test(text)) return text;
    try {
      const msg = ids.parse(text);
      return ids.pending ? JSON.stringify(msg) : text;
    } catch {
      return text; // not JSON: the SDK's transport reports it
    }
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop()!;
      done(null, lines.length ? `${lines.map(line).join("\n")}\n` : undefined);
    },
    flush(done) {
      done(null, rest ? line(rest) : undefined);
    },
  });
}

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

/** `entities`: types whose typed tools are listed from the start (`--entities a,b`). */
export async function runStdio(services: Services, app?: string, entities?: readonly string[]): Promise<void> {
  console.log = console.info = console.debug = (...a: unknown[]) => console.error(...a);
  const { server, close } = await createMcpServer(services, { app, entities });
  const ids = new RawIds();
  const transport = new StdioServerTransport(process.stdin.pipe(keepingIds(ids)), process.stdout);
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
    void server.connect(transport).then(() => {
      guardIncoming(transport);
      capAnswers(transport, DEFAULT_ANSWER_BUDGET.answerBytes, (id) => ids.restoreId(id));
    });
  });
  close();
  await server.close().catch(() => {});
}

// MCP over Streamable HTTP at /mcp: one MCP server and transport per session (created by
// an initialize request, found again by the mcp-session-id header), scoped to an app
// with ?app=S. Sessions end on DELETE or after an hour without requests.
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Services } from "../services";
import { TorqueError } from "../lib/errors";
import { createMcpServer } from "./server";

const IDLE_MS = 60 * 60 * 1000;
const MAX_SESSIONS = 1000;

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  close(): void;
  seen: number;
}

/**
 * The GET event stream carries server notifications; Bun sends a streamed response's
 * headers with its first chunk, so without one the client cannot tell the stream is open
 * until the first notification. An SSE comment opens it at once.
 */
function opened(req: Request, res: Response): Response {
  if (req.method !== "GET" || !res.body || !(res.headers.get("content-type") ?? "").includes("text/event-stream")) return res;
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(new TextEncoder().encode(": open\n\n")),
    pull: async (c) => {
      const { value, done } = await reader.read();
      if (done) c.close();
      else c.enqueue(value);
    },
    cancel: (why) => reader.cancel(why),
  });
  return new Response(body, { status: res.status, headers: res.headers });
}

const jsonError = (status: number, message: string) =>
  Response.json({ jsonrpc: "2.0", id: null, error: { code: -32000, message } }, { status });

export function mcpHandler(services: Services) {
  const sessions = new Map<string, Session>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, s] of sessions) if (now - s.seen > IDLE_MS) void s.transport.close();
  }, 60_000);
  (sweep as unknown as { unref?(): void }).unref?.();

  async function handle(req: Request): Promise<Response> {
    const id = req.headers.get("mcp-session-id");
    if (id) {
      const s = sessions.get(id);
      if (!s) return jsonError(404, "unknown or expired MCP session; initialize again");
      s.seen = Date.now();
      return opened(req, await s.transport.handleRequest(req));
    }
    if (req.method !== "POST") return jsonError(400, "no MCP session: start with an initialize request (POST)");
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return jsonError(400, "the body is not valid JSON");
    }
    if (!isInitializeRequest(body)) return jsonError(400, "no MCP session: the first request must be initialize");
    if (sessions.size >= MAX_SESSIONS) return jsonError(503, "too many MCP sessions; try again later");
    const app = new URL(req.url).searchParams.get("app") ?? undefined;
    let made;
    try {
      made = await createMcpServer(services, { app });
    } catch (e) {
      return jsonError(404, e instanceof TorqueError ? e.message : String(e));
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (sid) => void sessions.set(sid, { transport, close: made.close, seen: Date.now() }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      made.close();
    };
    await made.server.connect(transport);
    const res = await transport.handleRequest(req, { parsedBody: body });
    // The SDK refused the initialize (a bad Accept header, …): no session, so nothing may stay behind.
    if (!transport.sessionId || !sessions.has(transport.sessionId)) {
      made.close();
      await transport.close().catch(() => {});
    }
    return res;
  }

  return {
    handle,
    close() {
      clearInterval(sweep);
      for (const s of sessions.values()) void s.transport.close();
    },
  };
}

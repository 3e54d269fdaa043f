// MCP over Streamable HTTP at /mcp: one MCP server and transport per session (created by
// an initialize request, found again by the mcp-session-id header), scoped to an app
// with ?app=S (?entities=a,b lists those types' typed tools from the start; unknown names
// are a 400 before any session exists). Sessions end on DELETE, after `idleMs` without
// requests, or when room is needed: one client (a remote address) holds at most
// `perClient` sessions and the server at most `max`; a new initialize past either bound
// ends the least recently used session in that scope, preferring one that never made a
// call after initialize. So a client that floods initialize only pushes out its own idle
// sessions, and a new client always gets in.
// New sessions are also rate limited per address (a token bucket: `burst`, then
// `perSecond`; past it 429 with Retry-After), because one ping marks a session as used:
// 100 × (initialize, initialized, ping) in 0.2 s used to push out a working agent's
// session. Once users exist, a session belongs to the user or token that opened it: a
// request of the session that authenticates as anyone else is refused. Batches run member by member and
// answers are capped in bytes (answers.ts); ids above 2^53 are kept exact (ids.ts).
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { isInitializeRequest, isJSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { TokenBuckets } from "../lib/bucket";
import { TorqueError } from "../lib/errors";
import { type AnswerBudget, DEFAULT_ANSWER_BUDGET } from "../rpc/protocol";
import type { Services } from "../services";
import type { Actor } from "../services/actor";
import { capAnswers, isPacedBatch, runBatch } from "./answers";
import { guardIncoming } from "./guard";
import { RawIds } from "./ids";
import { createMcpServer } from "./server";
import { parseEntityList } from "./toolsets";

export interface McpSessionLimits {
  /** Sessions on this server. */
  max: number;
  /** Sessions of one remote address. */
  perClient: number;
  /** A session without a request for this long ends. */
  idleMs: number;
  /** New sessions one address may open at once… */
  burst: number;
  /** …and then per second. */
  perSecond: number;
}

export const DEFAULT_SESSION_LIMITS: McpSessionLimits = { max: 1000, perClient: 100, idleMs: 60 * 60 * 1000, burst: 20, perSecond: 1 };

interface Session {
  id: string;
  client: string;
  /** Who opened it: every later request of the session must authenticate as the same. */
  principal: string;
  transport: WebStandardStreamableHTTPServerTransport;
  seen: number;
  /** Made a request other than initialize: an agent at work, not an abandoned or flooding handshake. */
  used: boolean;
}

/**
 * The GET event stream carries server notifications; Bun sends a streamed response's
 * headers with its first chunk, so without one the client cannot tell the stream is open
 * until the first notification. An SSE comment opens it at once.
 */
function withOpenStream(req: Request, res: Response): Response {
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

/** Who an actor is, for binding a session to it: the user or token, or the local user. */
const principalOf = (a: Actor): string => (a.grant ? `${a.kind}:${a.id}` : "local");

const jsonError = (status: number, message: string, code = -32000, headers?: Record<string, string>) =>
  Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status, headers });

/** Whether a POST body holds a request an agent makes to work (not the handshake). */
const isWork = (body: unknown) => (Array.isArray(body) ? body : [body]).some((m) => isJSONRPCRequest(m) && m.method !== "initialize");

export function mcpHandler(services: Services, limits: Partial<McpSessionLimits> = {}, budget: AnswerBudget = DEFAULT_ANSWER_BUDGET) {
  const { max, perClient, idleMs, burst, perSecond } = { ...DEFAULT_SESSION_LIMITS, ...limits };
  const newSessions = new TokenBuckets(burst, perSecond);
  // Insertion order is recency: a session is moved to the end on every request, so the
  // least recently used come first.
  const sessions = new Map<string, Session>();
  const perAddress = new Map<string, number>();
  /** Initializes in flight, counted against the bounds before their session exists. */
  const opening = new Map<string, number>();
  let openingTotal = 0;

  const add = (s: Session) => {
    sessions.set(s.id, s);
    perAddress.set(s.client, (perAddress.get(s.client) ?? 0) + 1);
  };
  const forget = (s: Session): boolean => {
    if (sessions.get(s.id) !== s) return false;
    sessions.delete(s.id);
    const n = (perAddress.get(s.client) ?? 1) - 1;
    n > 0 ? perAddress.set(s.client, n) : perAddress.delete(s.client);
    return true;
  };
  /** End a session from this side (idle, evicted, shutdown); its transport's onclose releases the MCP server. */
  const end = (s: Session) => {
    if (forget(s)) void s.transport.close().catch(() => {});
  };
  const expired = (s: Session, now: number) => now - s.seen > idleMs;
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const s of sessions.values()) {
        if (!expired(s, now)) break; // the rest were used more recently
        end(s);
      }
      newSessions.prune();
    },
    Math.max(10, Math.min(60_000, idleMs / 2)),
  );
  (sweep as unknown as { unref?(): void }).unref?.();

  /** The session to end for room in a scope: the least recently used never-used one, else the least recently used. */
  function victim(inScope: (s: Session) => boolean): Session | undefined {
    let lru: Session | undefined;
    for (const s of sessions.values()) {
      if (!inScope(s)) continue;
      if (!s.used) return s;
      lru ??= s;
    }
    return lru;
  }

  /** Make room for one more session of `client`; false when only initializes in flight hold the room. */
  function admit(client: string): boolean {
    while ((perAddress.get(client) ?? 0) + (opening.get(client) ?? 0) >= perClient) {
      const v = victim((s) => s.client === client);
      if (!v) return false;
      end(v);
    }
    while (sessions.size + openingTotal >= max) {
      const v = victim(() => true);
      if (!v) return false;
      end(v);
    }
    opening.set(client, (opening.get(client) ?? 0) + 1);
    openingTotal++;
    return true;
  }
  function opened(client: string) {
    const n = (opening.get(client) ?? 1) - 1;
    n > 0 ? opening.set(client, n) : opening.delete(client);
    openingTotal--;
  }

  /** `client`: the remote address, the unit of fairness; `actor`: who the request authenticated as. */
  async function handle(req: Request, client = "unknown", actor: Actor = { kind: "user", id: "local" }): Promise<Response> {
    const id = req.headers.get("mcp-session-id");
    let body: unknown;
    const ids = new RawIds();
    if (req.method === "POST") {
      try {
        body = ids.parse(await req.text());
      } catch {
        return jsonError(400, "parse error: the body is not valid JSON", -32700);
      }
    }
    if (id) {
      const s = sessions.get(id);
      if (!s || expired(s, Date.now())) {
        if (s) end(s);
        return jsonError(404, "unknown or expired MCP session; initialize again");
      }
      if (s.principal !== principalOf(actor)) return jsonError(403, "this MCP session belongs to another user or token; initialize your own");
      s.seen = Date.now();
      s.used ||= req.method === "POST" && isWork(body);
      sessions.delete(id);
      sessions.set(id, s); // now the most recently used
      if (isPacedBatch(body)) return ids.restoreResponse(await runBatch(s.transport, req, body, budget));
      return ids.restoreResponse(withOpenStream(req, await s.transport.handleRequest(req, body === undefined ? undefined : { parsedBody: body })));
    }
    if (req.method !== "POST") return jsonError(400, "no MCP session: start with an initialize request (POST)");
    if (!isInitializeRequest(body)) return jsonError(400, "no MCP session: the first request must be initialize");
    const wait = newSessions.take(client);
    if (wait > 0)
      return jsonError(
        429,
        `too many new MCP sessions from this address (at most ${burst} at once, then ${perSecond} a second); try again in ${wait} s, or keep using the session you have`,
        -32000,
        { "retry-after": String(wait) },
      );
    if (!admit(client)) return jsonError(503, "too many MCP sessions are being opened at once; try again shortly");
    try {
      return ids.restoreResponse(await initialize(req, body, client, actor));
    } finally {
      opened(client);
    }
  }

  async function initialize(req: Request, body: unknown, client: string, actor: Actor): Promise<Response> {
    const params = new URL(req.url).searchParams;
    const app = params.get("app") ?? undefined;
    // ?entities=a,b: those types' typed tools are listed from the start (a large app lists none by default).
    const entities = params.has("entities") ? parseEntityList(params.getAll("entities").join(",")) : undefined;
    let made;
    try {
      made = await createMcpServer(services, { app, entities, grant: actor.grant, door: "mcp" });
    } catch (e) {
      if (e instanceof TorqueError && e.code === "forbidden") return jsonError(403, e.message);
      if (e instanceof TorqueError && e.code === "bad_request") return jsonError(400, e.message, -32602);
      return jsonError(404, e instanceof TorqueError ? e.message : String(e));
    }
    let session: Session | undefined;
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (sid): void => add((session = { id: sid, client, principal: principalOf(actor), transport, seen: Date.now(), used: false })),
    });
    transport.onclose = () => {
      if (session) forget(session);
      made.close();
    };
    await made.server.connect(transport);
    guardIncoming(transport);
    capAnswers(transport, budget.answerBytes);
    const res = await transport.handleRequest(req, { parsedBody: body });
    // The SDK refused the initialize (a bad Accept header, …): no session, so nothing may stay behind.
    if (!session) await transport.close().catch(() => {}); // its onclose releases the MCP server
    return res;
  }

  return {
    handle,
    close() {
      clearInterval(sweep);
      for (const s of [...sessions.values()]) end(s);
    },
  };
}

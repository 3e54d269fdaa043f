// `torque server`: one Bun server for everything. Elysia routes the HTTP API (/health,
// /graphql, /hooks); Bun's own router takes /rpc and /mcp, upgrades /ws and serves the two embedded web frontends
// (HTML bundles: the production build in the binary or made from source, a dev build with
// hot reload; http/frontends.ts). Every answer carries the security headers of
// http/headers.ts. Every route is a thin adapter over the service layer.

import type { Server } from "bun";
import { Elysia } from "elysia";
import appPage from "../../web/app/index.html";
import editorPage from "../../web/editor/index.html";
import { createGraphql } from "../graphql";
import { type ErrorCode, TorqueError } from "../lib/errors";
import { type McpSessionLimits, mcpHandler } from "../mcp/http";
import { methodTable, type RpcContext } from "../rpc/methods";
import { type AnswerBudget, DEFAULT_ANSWER_BUDGET, handleRpc } from "../rpc/protocol";
import type { Services } from "../services";
import type { Actor } from "../services/actor";
import { Scheduler } from "../services/xflow/scheduler";
import { VERSION } from "../version";
import { Auth } from "./auth";
import { type Frontend, Frontends } from "./frontends";
import { refuseForeign } from "./guard";
import { withApiHeaders } from "./headers";
import { Logger } from "./log";
import { createWsHandler, type WsData } from "./ws";

export interface ServerOptions {
  hostname: string;
  port: number;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  maxBodyBytes?: number;
  /** Write a JSON line per request to stderr. */
  log?: boolean;
  development?: boolean;
  /** MCP session bounds (defaults: mcp/http.ts). */
  mcp?: Partial<McpSessionLimits>;
  /** Time of a batch and bytes of an answer, for /rpc, /ws, /mcp and /graphql (defaults: rpc/protocol.ts). */
  answers?: Partial<AnswerBudget>;
  /** Serve the runtime's component gallery at /app/_gallery/ (off unless asked: it is a developer's page). */
  gallery?: boolean;
  /** Requests per second per signed-in user or token (http/auth.ts; default 1,000). */
  requestsPerSecond?: number;
  /** How often open WebSockets' credentials are checked again (default ws.ts RECHECK_MS). */
  wsRecheckMs?: number;
}

export interface RunningServer {
  url: string;
  server: Server<WsData>;
  /** Stop accepting, let in-flight requests finish, then close the database. */
  stop(): Promise<void>;
}

export const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

const json = (body: unknown, status = 200) => Response.json(body, { status });

/**
 * The two frontends and their pages' policies: the editor is framed by nobody and frames
 * its app preview; an app may be framed by its own origin (that preview) and frames nothing.
 */
const FRONTENDS = {
  editor: { bundle: editorPage, policy: { framing: "none", styleElements: true, frames: true } },
  app: { bundle: appPage, policy: { framing: "self", styleElements: false, frames: false } },
} satisfies Record<string, Frontend>;

/** Whether a bind address is the loopback, where a fresh project may run without login (SPEC §10). */
export const isLoopback = (host: string): boolean => /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/.test(host);

/** POST /rpc: the hot path, served by Bun's router directly (see DESIGN.md, "Server"). */
export function rpcHandler(services: Services, budget: AnswerBudget = DEFAULT_ANSWER_BUDGET) {
  const rpc = methodTable();
  const headers = { "content-type": "application/json;charset=utf-8" };
  return async (request: Request, actor: Actor): Promise<Response> => {
    const res = await handleRpc(await request.text(), rpc, { services, actor } satisfies RpcContext, budget);
    // Only notifications: JSON-RPC says nothing comes back; HTTP says 204.
    return res === null ? new Response(null, { status: 204 }) : new Response(res, { headers });
  };
}

/** POST /hooks/<app>/<flow>: the JSON body is the flow's input; the answer is its output (200) or its error (422). */
async function webhook(services: Services, auth: Auth, app: string, flow: string, request: Request): Promise<Response> {
  // A webhook may be called without credentials (the flow then runs as its runAs user, or
  // is refused once users exist); credentials that are sent must be valid.
  let caller: Actor | undefined;
  if (request.headers.has("authorization")) {
    const a = await auth.actor(request, "webhook");
    if ("refused" in a) return a.refused;
    caller = a.actor;
  }
  const text = await request.text();
  let input: unknown = {};
  if (text.trim()) {
    try {
      input = JSON.parse(text);
    } catch (e) {
      return json({ error: { message: `the body is not valid JSON: ${(e as Error).message}` } }, 400);
    }
  }
  try {
    const run = await services.xflows.webhook(app, flow, input, caller);
    return run.status === "succeeded" ? json(run.output ?? null) : json({ runId: run.id, error: run.error }, 422);
  } catch (e) {
    if (e instanceof TorqueError)
      return json({ error: { message: e.message, data: e.data } }, (e.data as { rule?: string })?.rule === "unauthenticated" ? 401 : HTTP_STATUS[e.code]);
    throw e;
  }
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  validation: 422,
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  internal: 500,
};

function health(services: Services, started: number) {
  const db = services.system.info();
  return {
    database: { driver: db.driver, location: db.location },
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
    // The row cache of point reads (getEntity): hits / all reads since the server started.
    cache: db.cache,
  };
}

/** GET /graphql whose variables or extensions are not JSON: yoga answered 500 "Unexpected error."; here it is 400 naming the parameter. */
function badGetParams(request: Request): Response | undefined {
  if (request.method !== "GET") return undefined;
  const params = new URL(request.url).searchParams;
  for (const name of ["variables", "extensions"]) {
    const v = params.get(name);
    if (v === null || v === "") continue;
    try {
      JSON.parse(v);
    } catch {
      return Response.json({ errors: [{ message: `the ${name} parameter must be JSON`, extensions: { code: "BAD_REQUEST" } }] }, { status: 400 });
    }
  }
  return undefined;
}

export function createApi(services: Services, auth: Auth, budget: AnswerBudget = DEFAULT_ANSWER_BUDGET) {
  const started = Date.now();
  // GraphQL's context reads the actor the request authenticated as (set just before yoga sees it).
  const actors = new WeakMap<Request, Actor>();
  const yoga = createGraphql(
    services,
    (req) => {
      const a = actors.get(req);
      if (!a) throw new TorqueError("internal", "a GraphQL request reached its resolvers unauthenticated");
      return a;
    },
    { answerBytes: budget.answerBytes },
  );
  return new Elysia()
    .get("/health", async ({ request }) => {
      // Anyone may ask whether the server is up; where its data lives is for the signed in.
      const known = "actor" in (await auth.actor(request, "http"));
      return known ? { status: "ok", version: VERSION, ...health(services, started) } : { status: "ok", version: VERSION };
    })
    .all(
      "/graphql",
      async ({ request }) => {
        const a = await auth.actor(request, "graphql");
        if ("refused" in a) return a.refused;
        actors.set(request, a.actor);
        return badGetParams(request) ?? yoga.fetch(request);
      },
      { parse: "none" },
    )
    .post("/hooks/:app/:flow", ({ params, request }) => webhook(services, auth, params.app, params.flow, request), { parse: "none" })
    .get("/", ({ redirect }) => redirect("/editor/"));
}

export async function startServer(services: Services, opts: ServerOptions): Promise<RunningServer> {
  const budget: AnswerBudget = { ...DEFAULT_ANSWER_BUDGET, ...opts.answers };
  const loopback = isLoopback(opts.hostname);
  if (!loopback && !(await services.users.anyAdmin()))
    throw new TorqueError(
      "forbidden",
      `refusing to listen on ${opts.hostname}: off the loopback every request must sign in, and no admin exists yet; create one with \`torque user add NAME --role admin\``,
    );
  const auth = new Auth(services, { loopback, requestsPerSecond: opts.requestsPerSecond });
  const api = createApi(services, auth, budget);
  const logger = new Logger(opts.log ?? true);
  const ws = createWsHandler(services, budget, (c) => auth.holds(c), opts.wsRecheckMs);
  const handle = api.handle.bind(api);
  const rpc = rpcHandler(services, budget);
  const development = opts.development ?? false;
  const frontends = new Frontends(development ? { origin: () => server.url.origin } : undefined);
  const page = (name: keyof typeof FRONTENDS) => (req: Request) => frontends.page(name, FRONTENDS[name], req);
  const server = Bun.serve<WsData>({
    hostname: opts.hostname,
    port: opts.port,
    // Bun sets SO_REUSEPORT unless told not to (seen with development: false): a second
    // server on the same address would then start and silently take half the requests.
    reusePort: false,
    // A connection that sends nothing for this long is closed (slow-loris clients); each door
    // bounds its own work below it (batches 2 s, flows 30 s, scripts 1 s, GraphQL by cost).
    idleTimeout: 30,
    maxRequestBodySize: opts.maxBodyBytes ?? DEFAULT_MAX_BODY,
    development,
    routes: {
      "/rpc": {
        POST: async (req: Request, srv: Server<WsData>) => {
          const t0 = logger.enabled ? performance.now() : 0;
          const a = refuseForeign(req, opts.hostname, !loopback) ?? (await auth.actor(req, "rpc", srv.requestIP(req)?.address));
          const res = a instanceof Response ? a : "refused" in a ? a.refused : await rpc(req, a.actor);
          if (logger.enabled) logger.request({ method: "POST", path: "/rpc", status: res.status, ms: performance.now() - t0 });
          return withApiHeaders(res);
        },
      },
      "/mcp": async (req: Request, srv: Server<WsData>) => {
        const a = refuseForeign(req, opts.hostname, !loopback) ?? (await auth.actor(req, "mcp", srv.requestIP(req)?.address));
        return withApiHeaders(a instanceof Response ? a : "refused" in a ? a.refused : await mcp.handle(req, srv.requestIP(req)?.address, a.actor));
      },
      "/editor": withApiHeaders(Response.redirect("/editor/", 302)),
      "/editor/*": page("editor"),
      "/app/*": page("app"),
      "/app/_gallery/*": opts.gallery
        ? page("app")
        : withApiHeaders(new Response("The component gallery is off; start the server with --gallery.\n", { status: 404 })),
      // --dev: Bun's dev server builds the bundles (hot reload) under private paths the pages are fetched from.
      ...(development ? Frontends.devRoutes(FRONTENDS) : {}),
    },
    async fetch(req, srv) {
      const t0 = performance.now();
      // Checked before the URL is parsed: Bun builds req.url from the Host header, so a
      // malformed one can make an unparsable URL (or one that names another host).
      const refused = refuseForeign(req, opts.hostname, !loopback);
      if (refused) {
        logger.request({ method: req.method, path: URL.canParse(req.url) ? new URL(req.url).pathname : req.url, status: 403, ms: performance.now() - t0 });
        return withApiHeaders(refused);
      }
      const url = new URL(req.url);
      if (url.pathname === "/ws") {
        const a = await auth.actor(req, "ws", srv.requestIP(req)?.address);
        if ("refused" in a) return withApiHeaders(a.refused);
        if (srv.upgrade(req, { data: { actor: a.actor, credential: a.credential } })) return undefined as unknown as Response;
        return withApiHeaders(json({ error: "this endpoint speaks WebSocket (JSON-RPC 2.0 and subscriptions)" }, 426));
      }
      let res: Response;
      try {
        // A file of a frontend (/chunk-<hash>.js) with its own headers; else the API.
        res =
          (await frontends.asset(req, url.pathname, Object.values(FRONTENDS))) ??
          withApiHeaders((await auth.route(req, url.pathname, srv.requestIP(req)?.address)) ?? (await handle(req)));
      } catch (e) {
        console.error("torque: request failed:", e);
        res = withApiHeaders(json({ error: "internal error" }, 500));
      }
      logger.request({ method: req.method, path: url.pathname, status: res.status, ms: performance.now() - t0 });
      return res;
    },
    websocket: ws.handler,
    error(e) {
      console.error("torque: server error:", e);
      return withApiHeaders(json({ error: "internal error" }, 500));
    },
  });
  const mcp = mcpHandler(services, opts.mcp, budget);
  const scheduler = new Scheduler(services, services.xflows);
  await scheduler.start();
  // The audit log's retention (torque audit retention): applied at start and daily.
  const prune = () => void services.audit.prune().catch((e) => logger.info("audit retention failed", { error: (e as Error).message }));
  prune();
  const pruning = setInterval(prune, 86_400_000);
  pruning.unref?.();
  const url = server.url.origin; // an IPv6 address comes bracketed: http://[::1]:8080
  logger.info("listening", { url, version: VERSION, database: services.system.info().location });
  return {
    url,
    server,
    async stop() {
      scheduler.stop();
      clearInterval(pruning);
      mcp.close();
      ws.close();
      auth.close();
      await server.stop(false); // finish what is in flight
      logger.close();
      await services.close();
    },
  };
}

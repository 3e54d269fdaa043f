// `torque server`: the HTTP API, GraphQL, WebSocket and both web frontends, until
// SIGINT/SIGTERM, which finish in-flight requests and close the database cleanly.
import { TorqueError } from "../../lib/errors";
import { openServices } from "../../services";
import { type Command, UsageError } from "../command";
import { findProject, resolveDb } from "../config";

export function parseBind(bind: string): { hostname: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(bind) ?? /^()(\d{1,5})$/.exec(bind);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`--bind takes HOST:PORT (e.g. 127.0.0.1:8080), not "${bind}"`);
  return { hostname: (m[1] || "127.0.0.1").replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

export const serverCommand: Command = {
  name: "server",
  summary: "run everything: JSON-RPC, GraphQL, WebSocket, the Model Editor and the apps",
  usage: "[--bind HOST:PORT] [--db FILE] [--rate N] [--dev] [--gallery]",
  help: "Serves POST /rpc (JSON-RPC 2.0), /graphql, /ws (JSON-RPC and subscriptions), /health, the Model Editor at\n/editor/ and every app at /app/<slug>/. Stops cleanly on SIGINT/SIGTERM.",
  positionals: [0, 0],
  options: {
    bind: { type: "string", short: "b", description: "address to listen on (default 127.0.0.1:8080; TORQUE_BIND)" },
    dev: { type: "boolean", description: "development mode: frontends rebuilt on change, detailed errors" },
    quiet: { type: "boolean", short: "q", description: "no request log lines" },
    gallery: { type: "boolean", description: "also serve the app runtime's component gallery at /app/_gallery/" },
    "max-body": { type: "string", description: "largest request body in bytes (default 33554432)" },
    rate: { type: "string", description: "requests per second per signed-in user or token, once sign-in is required (default 1000)" },
  },
  async run(ctx) {
    const bind = parseBind((ctx.opts.bind as string | undefined) ?? process.env.TORQUE_BIND ?? findProject()?.config.bind ?? "127.0.0.1:8080");
    const maxBody = ctx.opts["max-body"] === undefined ? undefined : Number(ctx.opts["max-body"]);
    if (maxBody !== undefined && (!Number.isInteger(maxBody) || maxBody < 1024)) throw new UsageError("--max-body takes a number of bytes ≥ 1024");
    const rate = ctx.opts.rate === undefined ? undefined : Number(ctx.opts.rate);
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1)) throw new UsageError("--rate takes a whole number of requests per second ≥ 1");
    const { startServer } = await import("../../http/server");
    const services = await openServices(resolveDb(ctx.opts.db as string | undefined));
    let running;
    try {
      running = await startServer(services, {
        ...bind,
        maxBodyBytes: maxBody,
        log: !ctx.opts.quiet,
        development: !!ctx.opts.dev,
        gallery: !!ctx.opts.gallery,
        requestsPerSecond: rate,
      });
    } catch (e) {
      await services.close();
      const address = `${bind.hostname.includes(":") ? `[${bind.hostname}]` : bind.hostname}:${bind.port}`;
      if (e instanceof TorqueError) throw e; // no admin yet, off the loopback
      if ((e as { code?: string }).code === "EADDRINUSE")
        throw new TorqueError(
          "conflict",
          `cannot listen on ${address}: address in use (another server, perhaps another Torque, is listening there; choose another --bind)`,
        );
      throw new TorqueError("bad_request", `cannot listen on ${address}: ${(e as Error).message}`);
    }
    ctx.out(`Torque is running on ${running.url}`);
    ctx.out(`  Model Editor  ${running.url}/editor/`);
    ctx.out(
      (await services.users.anyUser())
        ? "  sign-in       required (see `torque user list`; programs send Authorization: Bearer <token>)"
        : "  sign-in       off: no users yet, so every request is the local user (`torque user add NAME --role admin` turns it on)",
    );
    for (const a of await services.apps.list()) ctx.out(`  app ${a.slug.padEnd(9)} ${running.url}/app/${a.slug}/`);
    if (ctx.opts.gallery) ctx.out(`  gallery       ${running.url}/app/_gallery/`);
    ctx.out(`  JSON-RPC      POST ${running.url}/rpc   GraphQL ${running.url}/graphql   WebSocket ws://${running.url.slice(7)}/ws`);
    await new Promise<void>((resolve) => {
      const stop = async (signal: string) => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
        ctx.err(`received ${signal}: finishing in-flight requests`);
        await running.stop();
        resolve();
      };
      const onInt = () => void stop("SIGINT"),
        onTerm = () => void stop("SIGTERM");
      process.on("SIGINT", onInt);
      process.on("SIGTERM", onTerm);
    });
  },
};

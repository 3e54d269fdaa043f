// MCP sessions over real HTTP to the real server (in-process, port 0, temp SQLite): one
// client flooding initialize cannot take every session (it used to: 1,000 initializes,
// then 503 for everyone for an hour), an agent at work keeps its session through the
// flood (also when each flooding session pings, which marks it used: new sessions are
// rate limited per address), and sessions without requests end after the idle timeout.
import { afterAll, describe, expect, test } from "bun:test";
import { DEFAULT_SESSION_LIMITS, type McpSessionLimits } from "../../src/mcp/http";
import { sleep, startTestServer, type TestServer } from "../helpers/server";
import { type HttpSession, httpClient, ok1 } from "./helpers";

const servers: TestServer[] = [];
const clients: HttpSession[] = [];
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  for (const s of servers) await s.close();
});

async function server(mcp: Partial<McpSessionLimits>) {
  const s = await startTestServer({ server: { mcp } });
  servers.push(s);
  return s;
}
async function connect(url: string, name: string) {
  const c = await httpClient(url, { name });
  clients.push(c);
  return c;
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "flood", version: "0" } },
};
const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/** A bare initialize, as a flooding client sends it; returns the HTTP status and the session id. */
async function rawInitialize(url: string): Promise<{ status: number; sid: string | null }> {
  const res = await fetch(`${url}/mcp`, { method: "POST", headers, body: JSON.stringify(initialize) });
  await res.text();
  return { status: res.status, sid: res.headers.get("mcp-session-id") };
}
/** tools/list on a session by id: 200 while it lives, 404 once it ended. */
async function listStatus(url: string, sid: string): Promise<number> {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { ...headers, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
  });
  await res.text();
  return res.status;
}

describe("a client flooding initialize", () => {
  test("past the old server-wide cap of 1,000: every initialize is answered, an agent at work keeps its session, and a new client still gets one", async () => {
    const s = await server({ burst: 1e9 }); // the real pool bounds, no rate limit: this is about the pool
    const worker = await connect(s.url, "worker");
    expect((await ok1(worker.client, "list_apps")).map((a: any) => a.slug)).toEqual(["todo"]);

    const flood = DEFAULT_SESSION_LIMITS.max + 50;
    const sids: string[] = [];
    for (let i = 0; i < flood; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, flood - i) }, () => rawInitialize(s.url)));
      expect(batch.map((b) => b.status)).toEqual(batch.map(() => 200));
      sids.push(...batch.map((b) => b.sid!));
    }
    // The flood pushed out its own sessions, oldest first; the most recent ones live.
    expect(await listStatus(s.url, sids[0]!)).toBe(404);
    expect(await listStatus(s.url, sids.at(-1)!)).toBe(200);

    expect((await ok1(worker.client, "list_apps")).map((a: any) => a.slug)).toEqual(["todo"]);
    const fresh = await connect(s.url, "fresh");
    expect((await ok1(fresh.client, "list_apps")).map((a: any) => a.slug)).toEqual(["todo"]);
  }, 60_000);

  test("one address holds at most perClient sessions; when none is unused, the least recently used one ends", async () => {
    const s = await server({ perClient: 3 });
    const a = await connect(s.url, "a");
    const b = await connect(s.url, "b");
    const c = await connect(s.url, "c");
    for (const x of [a, b, c]) await ok1(x.client, "list_apps"); // all at work; a is now the least recently used
    await ok1(b.client, "list_apps");
    await ok1(c.client, "list_apps");
    const d = await connect(s.url, "d");
    await ok1(d.client, "list_apps");
    expect(await listStatus(s.url, a.transport.sessionId!)).toBe(404);
    for (const x of [b, c, d]) expect(await listStatus(s.url, x.transport.sessionId!)).toBe(200);
  });
});

/** A flooding client's session at work: initialized, then one ping (which marks it used). */
async function initializeAndPing(url: string): Promise<{ status: number; sid: string | null; retryAfter: string | null; body: any }> {
  const res = await fetch(`${url}/mcp`, { method: "POST", headers, body: JSON.stringify(initialize) });
  const text = await res.text();
  const sid = res.headers.get("mcp-session-id");
  const body = res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined;
  if (sid) {
    const h = { ...headers, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" };
    await (await fetch(`${url}/mcp`, { method: "POST", headers: h, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })).text();
    await (await fetch(`${url}/mcp`, { method: "POST", headers: h, body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }) })).text();
  }
  return { status: res.status, sid, retryAfter: res.headers.get("retry-after"), body };
}

describe("new sessions are rate limited per address", () => {
  test("100 × (initialize, initialized, ping) no longer ends a working agent's session: past the burst, 429 with Retry-After and a JSON-RPC error", async () => {
    const s = await server({}); // the real defaults: burst 20, 1 per second, 100 per address
    const victim = await connect(s.url, "victim");
    expect((await ok1(victim.client, "list_apps")).map((a: any) => a.slug)).toEqual(["todo"]);
    const replies = [];
    for (let i = 0; i < 100; i++) replies.push(await initializeAndPing(s.url));
    const opened = replies.filter((r) => r.status === 200).length;
    // The victim's own session took one token; a second or two of refill may add one or two.
    expect(opened).toBeGreaterThanOrEqual(DEFAULT_SESSION_LIMITS.burst - 1);
    expect(opened).toBeLessThan(DEFAULT_SESSION_LIMITS.burst + 5);
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBe(100 - opened);
    expect(Number(refused[0]!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32000 } });
    expect(refused[0]!.body.error.message).toContain("too many new MCP sessions from this address");
    expect((await ok1(victim.client, "list_apps")).map((a: any) => a.slug)).toEqual(["todo"]);
  }, 30_000);

  test("the bucket refills: once refused, an initialize a refill later is accepted", async () => {
    const s = await server({ burst: 2, perSecond: 20 });
    expect((await rawInitialize(s.url)).status).toBe(200);
    expect((await rawInitialize(s.url)).status).toBe(200);
    expect((await rawInitialize(s.url)).status).toBe(429);
    await sleep(200); // 4 tokens' worth at 20 a second (generous: one is needed)
    expect((await rawInitialize(s.url)).status).toBe(200);
  });
});

describe("idle sessions", () => {
  test("a session without requests ends after idleMs; one in use stays", async () => {
    const idleMs = 400;
    const s = await server({ idleMs });
    const idle = await rawInitialize(s.url);
    const busy = await connect(s.url, "busy");
    // Generous: the idle one gets well over twice its timeout; the busy one a request every idleMs / 4.
    for (let waited = 0; waited < idleMs * 3; waited += idleMs / 4) {
      await sleep(idleMs / 4);
      await ok1(busy.client, "list_apps");
    }
    expect(await listStatus(s.url, idle.sid!)).toBe(404);
    expect((await ok1(busy.client, "list_apps")).map((a: any) => a.slug)).toEqual(["todo"]);
  });
});

// Sign-in at the HTTP doors, on the real server: a loopback server runs without sign-in
// until the first user exists (added by another process), sessions with HttpOnly SameSite
// cookies and a CSRF header for writes, login rate limits, request rate limits, bad-token
// floods, MCP sessions bound to their user, webhooks that are not anonymous, /health.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cliActor } from "../../src/services/actor";
import { ACCESS_MODEL } from "../helpers/access-model";
import { ok } from "../helpers/cli";
import { onPostgres } from "../helpers/db";
import { startTestServer, type TestServer } from "../helpers/server";

let t: TestServer;
let admin = "";
let viewer = "";

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const rpcBody = (method: string, params: unknown = {}) => ({ jsonrpc: "2.0", id: 1, method, params });

beforeAll(async () => {
  t = await startTestServer({ apps: [], server: { requestsPerSecond: 50, wsRecheckMs: 200 } });
  const m = await t.services.models.create(
    {
      ...structuredClone(ACCESS_MODEL),
      name: "Hooks",
      xflows: [
        {
          name: "anon",
          trigger: { type: "webhook" },
          nodes: [
            { id: "start", type: "start" },
            { id: "end", type: "end" },
          ],
          edges: [{ from: "start", to: "end" }],
        },
        {
          name: "as_editor",
          runAs: "ed",
          trigger: { type: "webhook" },
          nodes: [
            { id: "start", type: "start" },
            { id: "w", type: "script", code: "const r = await ctx.entities.create('item', { name: 'from hook' }); return { id: r.id };" },
            { id: "end", type: "end" },
          ],
          edges: [
            { from: "start", to: "w" },
            { from: "w", to: "end" },
          ],
        },
      ],
    },
    cliActor,
  );
  await t.services.apps.create(m.id, "office", cliActor);
});
afterAll(() => t.close());

describe("a loopback server before and after the first user", () => {
  test("without users every request is the local user; once a user exists (added by another process), sign-in is required", async () => {
    expect((await (await post("/rpc", rpcBody("queryEntities", { app: "office", entity: "item" }))).json()).result.data).toEqual([]);
    const health = await (await fetch(`${t.url}/health`)).json();
    expect(health.database).toBeDefined();
    // The first users, made by the command line beside the running server.
    if (onPostgres) {
      await t.services.users.add("ann", "ann-password-1", "admin", cliActor);
      await t.services.users.add("ed", "ed-password-1", "editor", cliActor);
      await t.services.users.add("vi", "vi-password-1", "viewer", cliActor);
    } else {
      for (const [name, role] of [
        ["ann", "admin"],
        ["ed", "editor"],
        ["vi", "viewer"],
      ])
        await ok(["user", "add", name!, "--role", role!, "--password-stdin", "--db", t.dbPath], { cwd: t.dir, input: `${name}-password-1\n` });
    }
    admin = (await t.services.users.createToken({ user: "ann", name: "t" }, cliActor)).token;
    viewer = (await t.services.users.createToken({ user: "vi", name: "t" }, cliActor)).token;
    const deadline = Date.now() + 5000;
    let status = 200;
    while (Date.now() < deadline && status !== 401) {
      status = (await post("/rpc", rpcBody("ping"))).status;
      if (status !== 401) await Bun.sleep(100);
    }
    expect(status).toBe(401);
    const r = await post("/rpc", rpcBody("ping"));
    expect(r.headers.get("www-authenticate")).toContain("Bearer");
    expect((await r.json()).error).toMatch(/sign in first/);
    // /health tells anyone the server is up, and only the signed in where its data lives.
    expect(await (await fetch(`${t.url}/health`)).json()).toEqual({ status: "ok", version: expect.any(String) });
    expect((await (await fetch(`${t.url}/health`, { headers: { authorization: `Bearer ${admin}` } })).json()).database).toBeDefined();
    for (const path of ["/graphql", "/mcp", "/ws"]) expect((await fetch(`${t.url}${path}`, { method: path === "/ws" ? "GET" : "POST" })).status).toBe(401);
  });
});

describe("browser sessions", () => {
  test("a login sets an HttpOnly SameSite cookie; writes need the CSRF header; logout ends the session", async () => {
    const bad = await post("/auth/login", { name: "ed", password: "wrong-one" });
    expect(bad.status).toBe(401);
    const res = await post("/auth/login", { name: "ed", password: "ed-password-1" }, { "x-forwarded-proto": "https" });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^torque_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    const { csrf, user } = await res.json();
    expect(user).toEqual({ name: "ed", role: "editor" });
    const session = cookie.split(";")[0]!;
    const state = await (await fetch(`${t.url}/auth/session`, { headers: { cookie: session } })).json();
    expect(state).toMatchObject({ authRequired: true, user: { name: "ed", role: "editor" }, csrf });
    // A write without the CSRF header (what another site's page could send with the cookie) is refused.
    expect((await post("/rpc", rpcBody("createEntity", { app: "office", entity: "item", data: { name: "x" } }), { cookie: session })).status).toBe(403);
    const okWrite = await post("/rpc", rpcBody("createEntity", { app: "office", entity: "item", data: { name: "x" } }), {
      cookie: session,
      "x-torque-csrf": csrf,
    });
    expect((await okWrite.json()).result.data.name).toBe("x");
    expect((await post("/auth/logout", {}, { cookie: session })).status).toBe(403);
    expect((await post("/auth/logout", {}, { cookie: session, "x-torque-csrf": csrf })).status).toBe(200);
    expect((await post("/rpc", rpcBody("ping"), { cookie: session, "x-torque-csrf": csrf })).status).toBe(401);
  });

  test("sign-in attempts are limited per account: the sixth quick failure waits, even with the right password", async () => {
    for (let i = 0; i < 5; i++) expect((await post("/auth/login", { name: "vi", password: `nope-${i}-xxxx` })).status).toBe(401);
    const limited = await post("/auth/login", { name: "vi", password: "vi-password-1" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another account is not held back by it.
    expect((await post("/auth/login", { name: "ann", password: "ann-password-1" })).status).toBe(200);
  });

  test("malformed sign-in bodies get 400, never a stack or a crash", async () => {
    for (const body of ["", "[]", "null", '{"name": {"$gt": ""}, "password": 1}', "x".repeat(10_000)]) {
      const r = await fetch(`${t.url}/auth/login`, { method: "POST", body });
      expect([400, 401]).toContain(r.status);
      expect(await r.text()).not.toMatch(/at \w+ \(|\.ts:\d+/);
    }
  });
});

describe("tokens and limits", () => {
  test("a flood of bad tokens from one address is slowed to 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await post("/rpc", rpcBody("ping"), { authorization: `Bearer tq_x_${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses).toContain(429);
  });

  test("one token's requests past its rate get 429 with Retry-After", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 150 }, () => post("/rpc", rpcBody("ping"), { authorization: `Bearer ${viewer}` }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(100);
    expect(statuses).toContain(429);
  });

  test("an MCP session belongs to whoever opened it", async () => {
    await Bun.sleep(1100); // the viewer's bucket refills
    const init = await fetch(`${t.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
      }),
    });
    const sid = init.headers.get("mcp-session-id")!;
    expect(sid).toBeTruthy();
    const hijack = await fetch(`${t.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${viewer}`, "mcp-session-id": sid },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });
    expect(hijack.status).toBe(403);
    expect(await hijack.text()).toMatch(/belongs to another user/);
  });
});

describe("WebSockets stay signed in only while their credential holds", () => {
  test("revoking the token closes its open socket (4401); a socket of another token stays", async () => {
    const a = await t.services.users.createToken({ user: "ed", name: "ws-a" }, cliActor);
    const b = await t.services.users.createToken({ user: "ed", name: "ws-b" }, cliActor);
    const open = (token: string) =>
      new Promise<{ ws: WebSocket; closed: Promise<number> }>((resolve) => {
        const ws = new WebSocket(`${t.wsUrl}`, { headers: { authorization: `Bearer ${token}` } } as never);
        const closed = new Promise<number>((r) => (ws.onclose = (e) => r(e.code)));
        ws.onopen = () => resolve({ ws, closed });
      });
    const sa = await open(a.token);
    const sb = await open(b.token);
    await t.services.users.revokeToken(a.info.id, cliActor);
    expect(await Promise.race([sa.closed, Bun.sleep(5000).then(() => -1)])).toBe(4401);
    expect(sb.ws.readyState).toBe(WebSocket.OPEN);
    sb.ws.close();
  });
});

describe("webhooks once users exist", () => {
  test("a flow without runAs takes a token; one with runAs runs with that user's rights", async () => {
    const anon = await post("/hooks/office/anon", {});
    expect(anon.status).toBe(401);
    expect((await anon.json()).error.message).toMatch(/names no runAs user/);
    expect((await post("/hooks/office/anon", {}, { authorization: `Bearer ${admin}` })).status).toBe(200);
    // A viewer's token may not run flows.
    expect((await post("/hooks/office/anon", {}, { authorization: `Bearer ${viewer}` })).status).toBe(403);
    const asEditor = await post("/hooks/office/as_editor", {});
    expect(asEditor.status).toBe(200);
    const { id } = await asEditor.json();
    const audit = await t.services.audit.query({ entityId: id }, cliActor);
    expect(audit[0]).toMatchObject({ actor: { kind: "workflow", id: "as_editor" }, door: "workflow", action: "entity.create" });
  });
});

// An agent on an app of 300 entity types of 30 fields (bigModel), through the SDK's real
// client over stdio (`torque mcp`) and Streamable HTTP (the real server): every typed tool
// listed used to make tools/list 1,524 tools in 1.5 MB. Now the default list is short; the
// agent finds a type with list_entity_types, enables its tools, hears tools/list_changed
// and uses them, and calls another type's typed tool without enabling it. Toolsets chosen
// at connection (--entities, ?entities=), a viewer's token, hostile enable_entity_tools
// arguments and the entity type resources. One app for the whole file: no records are seeded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpError, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { bigModel } from "../../scripts/bench/big-model";
import { MAX_LISTED_TYPES } from "../../src/mcp/toolsets";
import { cliActor, systemActor } from "../../src/services/actor";
import { torque } from "../helpers/cli";
import { startTestServer, type TestServer } from "../helpers/server";
import { call, fails, type HttpSession, httpClient, mcpUrl, ok1, type StdioSession, stdioClient, until } from "./helpers";

let s: TestServer;
let adminToken = "";
let viewerToken = "";
const open: (HttpSession | StdioSession)[] = [];

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"] });
  const m = await s.services.models.create(bigModel(300, 30), systemActor);
  await s.services.apps.create(m.id, "big", systemActor);
  // Sign-in is required from here on over HTTP; stdio acts with the command line's rights.
  await s.services.users.add("ann", "ann-password-1", "admin", cliActor);
  await s.services.users.add("vi", "vi-password-1", "viewer", cliActor);
  adminToken = (await s.services.users.createToken({ user: "ann", name: "mcp" }, cliActor)).token;
  viewerToken = (await s.services.users.createToken({ user: "vi", name: "mcp" }, cliActor)).token;
}, 60_000);
afterAll(async () => {
  for (const c of open) await c.close().catch(() => {});
  await s?.close();
});

const overHttp = async (opts: { app?: string; entities?: string; token?: string } = {}) => {
  const h = await httpClient(s.url, { app: "big", token: adminToken, ...opts });
  open.push(h);
  return h;
};
const overStdio = async (opts: { entities?: string } = {}) => {
  const io = await stdioClient(s.dbPath, { app: "big", cwd: s.dir, ...opts });
  open.push(io);
  return io;
};
const names = async (c: Client) => (await c.listTools()).tools.map((t) => t.name);
const countChanges = (c: Client) => {
  let n = 0;
  c.setNotificationHandler(ToolListChangedNotificationSchema, async () => void n++);
  return () => n;
};
const records = async (entity: string) => (await s.services.entities.query("big", entity, { total: true }, systemActor)).pagination.total as number;

/** The whole walk of an agent that needs entity type e250 of the big app. */
async function agentWalk(c: Client, tag: string) {
  const changes = countChanges(c);
  const first = await c.listTools();
  expect(first.tools.length).toBeLessThanOrEqual(40);
  expect(Buffer.byteLength(JSON.stringify(first))).toBeLessThanOrEqual(40 * 1024);
  const listedFirst = first.tools.map((t) => t.name);
  expect(listedFirst).toEqual(expect.arrayContaining(["list_entity_types", "describe_entity_type", "enable_entity_tools", "query_entities", "create_entity"]));
  expect(listedFirst.filter((n) => /^e\d+_/.test(n))).toEqual([]);
  expect(c.getInstructions()).toContain("list_entity_types");

  const found = await ok1(c, "list_entity_types", { search: "e250" });
  expect(found).toEqual({ app: "big", total: 1, entityTypes: [{ name: "e250", label: "Entity 250", fields: 30, listed: false }], nextOffset: null });
  const about = await ok1(c, "describe_entity_type", { entity: "e250" });
  expect(about.fields.map((f: any) => f.name)).toEqual(Array.from({ length: 30 }, (_, i) => `f${i}`));
  expect(about.fields.at(-1)).toMatchObject({ type: "reference", entity: "e125" });
  expect(about.tools).toEqual({ query: "e250_query", get: "e250_get", create: "e250_create", update: "e250_update", delete: "e250_delete" });
  expect(about.examples[0]).toEqual({ tool: "e250_create", arguments: expect.objectContaining({ f0: 1 }) });

  const enabled = await ok1(c, "enable_entity_tools", { entities: ["e250"] });
  expect(enabled).toMatchObject({ added: ["e250"], listed: ["e250"], tools: ["e250_query", "e250_get", "e250_create", "e250_update", "e250_delete"] });
  expect(await until(() => changes() > 0)).toBe(true);
  const now = await c.listTools();
  const listedNow = now.tools.map((t) => t.name);
  expect(listedNow).toEqual(expect.arrayContaining(["e250_query", "e250_create", "e250_get", "e250_update", "e250_delete"]));
  expect(listedNow.filter((n) => /^e\d+_/.test(n))).toHaveLength(5);
  const create = now.tools.find((t) => t.name === "e250_create")!;
  expect((create.inputSchema as any).required).toEqual(["f0"]);
  expect(create.description).toContain("and 18 more");

  const made = await ok1(c, "e250_create", { f0: 7, f1: `${tag} record`, f2: "two" });
  expect(made).toMatchObject({ entity: "e250", version: 1, data: { f0: 7, f1: `${tag} record` } });
  const q = await ok1(c, "e250_query", { filter: { f1: `${tag} record` } });
  expect(q.data.map((r: any) => r.id)).toEqual([made.id]);
  expect((await ok1(c, "e250_update", { id: made.id, expectedVersion: 1, f2: "changed" })).data.f2).toBe("changed");

  // Another type, never enabled: its typed tools answer all the same.
  const other = await ok1(c, "create_entity", { app: "big", entity: "e251", data: { f0: 1, f1: `${tag} other` } });
  expect(await ok1(c, "e251_get", { id: other.id })).toMatchObject({ id: other.id, entity: "e251", data: { f1: `${tag} other` } });
  expect((await ok1(c, "e251_query", { filter: { f1: `${tag} other` } })).data).toHaveLength(1);
  expect(await names(c)).not.toContain("e251_get");
  return { made };
}

describe("an agent on a 300-type app", () => {
  test("over stdio: short list, find e250, enable it, hear list_changed, create and query; e251_get without enabling", async () => {
    const io = await overStdio();
    await agentWalk(io.client, "stdio");
  }, 60_000);

  test("over HTTP: the same, with the notification arriving with the call's answer", async () => {
    const h = await overHttp();
    const { made } = await agentWalk(h.client, "http");
    expect((await s.services.entities.get("big", "e250", made.id, {}, systemActor)).data.f2).toBe("changed");
  });

  test("over HTTP, tools/list_changed comes on the enabling call's own event stream, before its answer", async () => {
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${adminToken}` };
    const post = (body: unknown, sid?: string) =>
      fetch(mcpUrl(s.url, { app: "big" }), {
        method: "POST",
        headers: { ...headers, ...(sid && { "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" }) },
        body: JSON.stringify(body),
      });
    const init = await post({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    await init.text();
    const sid = init.headers.get("mcp-session-id")!;
    await (await post({ jsonrpc: "2.0", method: "notifications/initialized" }, sid)).text();
    const res = await post({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "enable_entity_tools", arguments: { entities: ["e9"] } } }, sid);
    const messages = (await res.text())
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)));
    expect(messages.map((m) => m.method ?? m.id)).toEqual(["notifications/tools/list_changed", 2]);
  });

  test("disable_entity_tools takes a type's tools off the list again; they stay callable", async () => {
    const h = await overHttp();
    const changes = countChanges(h.client);
    await ok1(h.client, "enable_entity_tools", { entities: ["e3", "e4"] });
    expect(await ok1(h.client, "disable_entity_tools", { entities: ["e3"] })).toEqual({ removed: ["e3"], listed: ["e4"] });
    expect(await until(() => changes() >= 2)).toBe(true);
    const listed = await names(h.client);
    expect(listed).toContain("e4_query");
    expect(listed).not.toContain("e3_query");
    expect((await ok1(h.client, "e3_query", {})).data).toEqual([]);
  });
});

describe("describe_app on a 300-type app", () => {
  test("summarises the types within an agent's budget and names how to get one whole; `entity` describes one; a small app is whole as before", async () => {
    const h = await httpClient(s.url, { token: adminToken }); // unscoped: no list_entity_types
    open.push(h);
    const r = await call(h.client, "describe_app", { app: "big" });
    expect(r.isError).toBe(false);
    const text = JSON.stringify(r.value);
    expect(Buffer.byteLength(text)).toBeLessThan(40 * 1024);
    expect(r.value.entities).toHaveLength(300);
    expect(r.value.entities[250]).toEqual({ name: "e250", label: "Entity 250", fields: 30 });
    expect(r.value.note).toContain('"entity": "<name>"');
    const one = await ok1(h.client, "describe_app", { app: "big", entity: "e250" });
    expect(one.entities).toHaveLength(1);
    expect(Object.keys(one.entities[0].dataSchema.properties)).toHaveLength(30);
    expect(one.note).toBeUndefined();
    expect((await fails(h.client, "describe_app", { app: "big", entity: "__proto__" })).message).toContain('no entity type "__proto__"');
    const small = await ok1(h.client, "describe_app", { app: "todo" });
    expect(small.note).toBeUndefined();
    expect(small.entities.every((e: { dataSchema?: unknown }) => e.dataSchema)).toBe(true);
    expect(Array.isArray(small.relationships)).toBe(true);
  });
});

describe("toolsets chosen at connection", () => {
  test("`torque mcp --app big --entities e250,e251` lists those types' tools from the start", async () => {
    const io = await overStdio({ entities: "e250, e251" });
    const listed = await names(io.client);
    for (const e of ["e250", "e251"]) for (const op of ["query", "get", "create", "update", "delete"]) expect(listed).toContain(`${e}_${op}`);
    expect(listed.filter((n) => /^e\d+_/.test(n))).toHaveLength(10);
    expect((await ok1(io.client, "list_entity_types", { search: "e25", limit: 20 })).entityTypes.filter((e: any) => e.listed).map((e: any) => e.name)).toEqual([
      "e250",
      "e251",
    ]);
  }, 60_000);

  test("/mcp?app=big&entities=e7 lists e7's tools from the start", async () => {
    const h = await overHttp({ entities: "e7" });
    const listed = await names(h.client);
    expect(listed.filter((n) => /^e\d+_/.test(n))).toEqual(["e7_query", "e7_get", "e7_create", "e7_update", "e7_delete"]);
  });

  test("stdio: unknown names exit 1 with one line naming them and nothing on stdout (too many are refused the same way, see toolsets.test.ts); --entities without --app is a usage error", async () => {
    const r = await torque(["mcp", "--db", s.dbPath, "--app", "big", "--entities", "e1,nope,__proto__"], { cwd: s.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('unknown entity types in entities: "nope", "__proto__"');
    const noApp = await torque(["mcp", "--db", s.dbPath, "--entities", "e1"], { cwd: s.dir });
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain("--entities needs --app");
  }, 60_000);

  test("HTTP: unknown names, too many, or entities without an app are a 400 before any session starts", async () => {
    const initialize = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    const start = (opts: { app?: string; entities?: string }) =>
      fetch(mcpUrl(s.url, opts), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${adminToken}` },
        body: initialize,
      });
    for (const [opts, says] of [
      [{ app: "big", entities: "e1,nope,constructor" }, 'unknown entity types in entities: "nope", "constructor"'],
      [{ app: "big", entities: Array.from({ length: 11 }, (_, i) => `e${i}`).join(",") }, `at most ${MAX_LISTED_TYPES} entity types`],
      [{ entities: "e1" }, "need an app"],
    ] as const) {
      const res = await start(opts);
      expect(res.status).toBe(400);
      expect(res.headers.get("mcp-session-id")).toBeNull();
      expect((await res.json()).error.message).toContain(says);
    }
    expect((await start({ app: "big", entities: "e1" })).status).toBe(200);
  });
});

describe("a viewer's token", () => {
  test("enabling a type lists its reading tools only; its write tools, listed or not, are refused and write nothing", async () => {
    const h = await overHttp({ token: viewerToken });
    const before = await records("e250");
    const r = await ok1(h.client, "enable_entity_tools", { entities: ["e250"] });
    expect(r.tools).toEqual(["e250_query", "e250_get"]);
    const listed = await names(h.client);
    expect(listed).toEqual(expect.arrayContaining(["e250_query", "e250_get", "list_entity_types"]));
    for (const n of ["e250_create", "e250_update", "e250_delete", "create_entity", "add_field"]) expect(listed).not.toContain(n);
    for (const [tool, args] of [
      ["e250_create", { f0: 1 }],
      ["e251_create", { f0: 1 }],
      ["e250_delete", { id: "x" }],
    ] as const) {
      const refused = await fails(h.client, tool, args);
      expect(refused.message).toContain(`tool "${tool}" is not available to vi (viewer)`);
    }
    expect(await records("e250")).toBe(before);
    expect((await ok1(h.client, "e250_query", {})).data.length).toBe(before);
  });

  test("?entities= gives a viewer the same reading tools", async () => {
    const h = await overHttp({ token: viewerToken, entities: "e250" });
    expect((await names(h.client)).filter((n) => n.startsWith("e250_"))).toEqual(["e250_query", "e250_get"]);
  });
});

describe("hostile enable_entity_tools arguments", () => {
  test("10,000 names, prototype names, non-text items, an empty list, a huge name and too many types: clear errors, no crash, the list unchanged", async () => {
    const h = await overHttp();
    const c = h.client;
    const changes = countChanges(c);
    const before = await names(c);
    const cases: [unknown, string][] = [
      [
        Array.from({ length: 10_000 }, (_, i) => `x${i}`),
        'unknown entity types to enable: "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9" and 9,990 more',
      ],
      [["e1", "__proto__", "constructor", "hasOwnProperty"], 'unknown entity types to enable: "__proto__", "constructor", "hasOwnProperty"'],
      [[1, null, { name: "e1" }, ["e2"]], "entities.0: must be string"],
      [[], "must NOT have fewer than 1 items"],
      ["e250", "entities: must be array"],
      [["e1", "y".repeat(200_000)], `"${"y".repeat(63)}…"`],
      [Array.from({ length: MAX_LISTED_TYPES + 1 }, (_, i) => `e${i}`), `at most ${MAX_LISTED_TYPES} entity types' tools can be listed in one session`],
    ];
    for (const [entities, says] of cases) {
      const r = await fails(c, "enable_entity_tools", { entities });
      expect(r.message).toContain(says);
      expect(r.message.length).toBeLessThan(2000);
    }
    // The cap's message points to what still works.
    const capped = await fails(c, "enable_entity_tools", { entities: Array.from({ length: 20 }, (_, i) => `e${i}`) });
    expect(capped.message).toContain("query_entities");
    expect(capped.message).toContain("disable_entity_tools");
    // A "__proto__" key among the arguments never reaches the tool.
    const proto = await c
      .callTool({ name: "enable_entity_tools", arguments: JSON.parse('{"entities": ["e1"], "__proto__": {"entities": ["e2"]}}') })
      .catch((e) => e);
    expect(proto).toBeInstanceOf(McpError);
    expect(proto.code).toBe(-32602);
    // Nothing was enabled, nothing announced, and the session goes on.
    expect(await names(c)).toEqual(before);
    expect(changes()).toBe(0);
    expect((await ok1(c, "list_entity_types", { limit: 1 })).total).toBe(300);
    const limit = await call(c, "list_entity_types", { limit: 100_000 });
    expect(limit.isError).toBe(true);
    expect(limit.value.error).toContain("limit must be a whole number from 1 to 500");
  });
});

describe("resources", () => {
  test("entity types are a resource template; the big app's resource list stays short; a type reads like describe_entity_type", async () => {
    const h = await overHttp();
    const { resourceTemplates } = await h.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("torque://apps/{app}/entities/{entity}");
    const { resources } = await h.client.listResources();
    expect(resources.length).toBeLessThan(10);
    expect(resources.some((r) => r.uri.includes("/entities/"))).toBe(false);
    const read = await h.client.readResource({ uri: "torque://apps/big/entities/e250" });
    const e250 = JSON.parse((read.contents[0] as { text: string }).text);
    expect(e250).toMatchObject({ app: "big", name: "e250", label: "Entity 250" });
    expect(e250.fields).toHaveLength(30);
    const missing = await h.client.readResource({ uri: "torque://apps/big/entities/e300" }).catch((e) => e);
    expect(missing.code).toBe(-32002);
  });

  test("a small app lists each entity type as a resource", async () => {
    const h = await overHttp({ app: "todo" });
    const uris = (await h.client.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining(["torque://apps/todo/entities/task", "torque://apps/todo/entities/project"]));
    const task = JSON.parse(((await h.client.readResource({ uri: "torque://apps/todo/entities/task" })).contents[0] as { text: string }).text);
    expect(task.tools.create).toBe("task_create");
    expect(task.listed).toBe(true);
  });
});

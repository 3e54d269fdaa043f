// MCP over Streamable HTTP at /mcp of the real server (in-process, port 0, a temp SQLite
// file), driven by the SDK's real client: tools and calls, ?app= scoping, separate
// sessions, unknown sessions, list_changed after a model change made through another
// door, and a before-create workflow that binds MCP writes like every other write.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { systemActor } from "../../src/services/actor";
import { rpc, rpcError, startTestServer, type TestServer } from "../helpers/server";
import { CRUD, call, DESIGN_TOOLS, fails, GENERIC_TOOLS, type HttpSession, httpClient, ok1, until } from "./helpers";

let s: TestServer;
const open: HttpSession[] = [];
const connect = async (app?: string, name?: string) => {
  const h = await httpClient(s.url, { app, name });
  open.push(h);
  return h;
};
const toolNames = async (h: HttpSession) => (await h.client.listTools()).tools.map((t) => t.name);
const projectId = async () => (await rpc(s.url, "createEntity", { app: "todo", entity: "project", data: { name: `p-${crypto.randomUUID()}` } })).id as string;

/** A raw POST to /mcp (for what the SDK client would never send). */
const rawPost = (body: unknown, headers: Record<string, string> = {}, query = "") =>
  fetch(`${s.url}/mcp${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify(body),
  });
const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
};

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  for (const h of open) await h.close().catch(() => {});
  await s.close();
});

describe("/mcp", () => {
  test("initialize, tools/list and tool calls; writes are visible to JSON-RPC", async () => {
    const h = await connect();
    expect(h.transport.sessionId).toBeTruthy();
    expect(h.client.getServerVersion()?.name).toBe("torque");
    const names = await toolNames(h);
    for (const n of [...GENERIC_TOOLS, ...DESIGN_TOOLS]) expect(names).toContain(n);
    expect(names.some((n) => n.startsWith("task_"))).toBe(false);

    expect((await ok1(h.client, "list_apps")).map((a: any) => a.slug)).toEqual(["todo"]);
    const project = await projectId();
    const t = await ok1(h.client, "create_entity", { app: "todo", entity: "task", data: { title: "over http", project } });
    expect((await rpc(s.url, "getEntity", { app: "todo", entity: "task", id: t.id })).data.title).toBe("over http");
    const q = await ok1(h.client, "query_entities", { app: "todo", entity: "task", filter: { project } });
    expect(q.data.map((r: any) => r.id)).toEqual([t.id]);
    expect((await fails(h.client, "create_entity", { app: "todo", entity: "task", data: { title: "x", project, priority: 9 } })).message).toContain("priority");
  });

  test("?app=todo adds the typed tools, and they act on that app", async () => {
    const h = await connect("todo");
    const names = await toolNames(h);
    for (const e of ["task", "project"]) for (const op of CRUD) expect(names).toContain(`${e}_${op}`);
    const project = await ok1(h.client, "project_create", { name: `typed-${crypto.randomUUID()}` });
    const t = await ok1(h.client, "task_create", { title: "typed", project: project.id, status: "doing" });
    expect(t).toMatchObject({ entity: "task", data: { title: "typed", status: "doing", priority: 3 } });
    expect((await ok1(h.client, "task_query", { filter: { project: project.id } })).data.map((r: any) => r.id)).toEqual([t.id]);
    expect((await ok1(h.client, "task_get", { id: t.id })).data.status).toBe("doing");
    expect((await rpc(s.url, "getEntity", { app: "todo", entity: "task", id: t.id })).data.title).toBe("typed");
  });

  test("an unknown app in ?app= is refused at initialize with a message naming it", async () => {
    const res = await rawPost(initialize, {}, "?app=nope");
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain("nope");
  });
});

describe("sessions", () => {
  test("two clients have separate sessions: their own ids, their own tool lists; ending one leaves the other", async () => {
    const a = await connect(undefined, "agent-a");
    const b = await connect("todo", "agent-b");
    expect(a.transport.sessionId).toBeTruthy();
    expect(b.transport.sessionId).not.toBe(a.transport.sessionId);
    expect((await toolNames(a)).includes("task_create")).toBe(false);
    expect((await toolNames(b)).includes("task_create")).toBe(true);

    const sid = a.transport.sessionId!;
    await a.transport.terminateSession();
    const after = await rawPost({ jsonrpc: "2.0", id: 9, method: "tools/list" }, { "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" });
    expect(after.status).toBe(404);
    expect((await toolNames(b)).includes("task_create")).toBe(true);
  });

  test("a request with an unknown mcp-session-id gets 404 and a JSON-RPC error saying to initialize again", async () => {
    const res = await rawPost({ jsonrpc: "2.0", id: 2, method: "tools/list" }, { "mcp-session-id": crypto.randomUUID() });
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.jsonrpc).toBe("2.0");
    expect(body.error.message).toMatch(/initialize/);
  });

  test("without a session, anything but initialize is a 400 that says to initialize first", async () => {
    const res = await rawPost({ jsonrpc: "2.0", id: 3, method: "tools/list" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/initialize/);
  });
});

describe("the tool list follows the model", () => {
  test("a change made through services announces tools/list_changed, and a new entity type brings its typed tools", async () => {
    const h = await connect("todo");
    let changed = 0;
    h.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed++);
    await h.streamOpen;
    expect(await toolNames(h)).not.toContain("tag_create");

    await s.services.models.edit(
      s.models.todo!,
      { op: "addEntityType", entity: { name: "tag", label: "Tag", fields: [{ name: "label", type: "text", required: true }] } },
      systemActor,
    );
    expect(await until(() => changed > 0)).toBe(true);
    const tools = (await h.client.listTools()).tools;
    for (const op of CRUD) expect(tools.map((t) => t.name)).toContain(`tag_${op}`);
    expect((tools.find((t) => t.name === "tag_create")!.inputSchema as any).required).toEqual(["label"]);
    const tag = await ok1(h.client, "tag_create", { label: "urgent" });
    expect((await rpc(s.url, "getEntity", { app: "todo", entity: "tag", id: tag.id })).data.label).toBe("urgent");
  });

  test("a field added through GraphQL appears in the typed tool's schema after list_changed", async () => {
    const h = await connect("todo");
    let changed = 0;
    h.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed++);
    await h.streamOpen;
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query:
          'mutation($m: ID!) { addField(model: $m, entity: "task", field: {name: "estimate", type: "number", min: 0}) { model { version } errors { path message } } }',
        variables: { m: s.models.todo },
      }),
    });
    expect((await res.json()).data.addField.errors).toEqual([]);
    expect(await until(() => changed > 0)).toBe(true);
    const create = (await h.client.listTools()).tools.find((t) => t.name === "task_create")!.inputSchema as any;
    expect(create.properties.estimate).toMatchObject({ type: "number", minimum: 0 });
    const t = await ok1(h.client, "task_create", { title: "estimated", project: await projectId(), estimate: 2.5 });
    expect(t.data.estimate).toBe(2.5);
    expect((await fails(h.client, "task_create", { title: "negative", project: await projectId(), estimate: -1 })).message).toContain("estimate");
  });
});

describe("workflows bind MCP writes like every door", () => {
  test("a beforeCreate workflow rejects task_create with isError naming the workflow; nothing is written", async () => {
    const current = await s.services.models.get(s.models.todo!);
    const guard = {
      name: "no_nos",
      trigger: { type: "entity", entity: "task", event: "beforeCreate" },
      nodes: [
        { id: "start", type: "start" },
        { id: "check", type: "condition", expression: 'input.data.title.includes("no")' },
        { id: "reject", type: "error", message: "titles may not contain no" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "check" },
        { from: "check", to: "reject", when: "true" },
        { from: "check", to: "end", when: "false" },
      ],
    };
    await s.services.models.save(current.id, { ...current.doc, xflows: [...(current.doc.xflows ?? []), guard] }, systemActor);

    const h = await connect("todo");
    const project = await projectId();
    const r = await fails(h.client, "task_create", { title: "say no", project });
    expect(r.message).toContain("no_nos");
    expect(r.message).toContain("titles may not contain no");
    const generic = await fails(h.client, "create_entity", { app: "todo", entity: "task", data: { title: "nope nope", project } });
    expect(generic.message).toContain("no_nos");
    // The same rule through JSON-RPC, and nothing was written by the refused calls.
    expect((await rpcError(s.url, "createEntity", { app: "todo", entity: "task", data: { title: "no way", project } })).message).toContain("no_nos");
    expect((await ok1(h.client, "task_query", { filter: { project } })).data).toEqual([]);

    const fine = await ok1(h.client, "task_create", { title: "yes please", project });
    expect((await ok1(h.client, "task_query", { filter: { project } })).data.map((x: any) => x.id)).toEqual([fine.id]);
  });
});

describe("long-lived sessions", () => {
  test("after its app is deleted, a scoped session still answers; a tool that needs the app says it is gone", async () => {
    await s.services.apps.create(s.models.todo!, "scratch", systemActor);
    const h = await connect("scratch");
    await s.services.apps.delete("scratch", systemActor);
    expect((await ok1(h.client, "list_apps")).map((a: any) => a.slug)).not.toContain("scratch");
    expect((await h.client.listTools()).tools.map((t) => t.name)).toContain("list_apps");
    const r = await call(h.client, "get_model", {}); // defaults to the scoped app's model
    expect(r.isError).toBe(true);
    expect(r.text).toContain("scratch");
  });

  test("a thousand typed tool calls do not grow the server's heap more than a thousand generic ones", async () => {
    const h = await connect("todo");
    const project = await projectId();
    const t = await ok1(h.client, "task_create", { title: "read me", project });
    const heap = () => (Bun.gc(true), process.memoryUsage().heapUsed);
    const many = async (name: string, args: Record<string, unknown>) => {
      const before = heap();
      for (let i = 0; i < 1000; i++) await h.client.callTool({ name, arguments: args });
      return heap() - before;
    };
    await many("get_entity", { app: "todo", entity: "task", id: t.id }); // warm up
    const generic = await many("get_entity", { app: "todo", entity: "task", id: t.id });
    const typed = await many("task_get", { id: t.id });
    expect(typed).toBeLessThan(generic + 3_000_000);
  }, 60_000);

  test("typed tool names are unique even when an entity type and a workflow collide", async () => {
    const m = await s.services.models.create(
      {
        name: "Clash",
        entities: [{ name: "xflow", fields: [{ name: "a", type: "text" }] }],
        xflows: [
          {
            name: "query",
            trigger: { type: "manual" },
            nodes: [
              { id: "start", type: "start" },
              { id: "end", type: "end" },
            ],
            edges: [{ from: "start", to: "end" }],
          },
        ],
      },
      systemActor,
    );
    await s.services.apps.create(m.id, "clash", systemActor);
    const h = await connect("clash");
    const names = await toolNames(h);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });
});

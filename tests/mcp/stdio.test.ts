// `torque mcp` on stdin/stdout, driven by the MCP SDK's real client spawning the real
// command over a real SQLite file made by `torque init --template todo`: the handshake,
// a stdout that carries nothing but protocol, the tool lists (generic, design, typed),
// every generic data tool, errors as results an agent can act on, the audit trail of an
// agent's writes, resources, and a clear failure for an unknown app.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { torque } from "../helpers/cli";
import { auditRows, CRUD, DESIGN_TOOLS, fails, GENERIC_TOOLS, MAIN, ok1, removeTempDirs, type StdioSession, stdioClient, todoProject, until } from "./helpers";

let dbPath: string, dir: string;
let plain: StdioSession, scoped: StdioSession;
let c: Client; // unscoped
let projectId: string;

beforeAll(async () => {
  ({ dbPath, dir } = await todoProject());
  plain = await stdioClient(dbPath, { cwd: dir });
  scoped = await stdioClient(dbPath, { app: "todo", cwd: dir });
  c = plain.client;
  projectId = (await ok1(c, "query_entities", { app: "todo", entity: "project", limit: 1 })).data[0].id;
});
afterAll(async () => {
  await plain?.close();
  await scoped?.close();
  removeTempDirs();
});

const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);

describe("handshake and stdout", () => {
  test("initializes: the server names itself and offers tools (with list_changed) and resources", () => {
    expect(c.getServerVersion()?.name).toBe("torque");
    expect(c.getServerVersion()?.version).toMatch(/^\d+\.\d+\.\d+/);
    const caps = c.getServerCapabilities();
    expect(caps?.tools?.listChanged).toBe(true);
    expect(caps?.resources).toBeDefined();
    expect(c.getInstructions()).toContain("list_apps");
  });

  test("raw: every line on stdout is a JSON-RPC message, and the process exits 0 when stdin closes", async () => {
    const p = Bun.spawn([process.execPath, MAIN, "mcp", "--db", dbPath, "--app", "todo"], { cwd: dir, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    const lines: string[] = [];
    const reader = p.stdout.getReader();
    let buf = "";
    const dec = new TextDecoder();
    const next = async (id: number) => {
      for (;;) {
        const found = lines.find((l) => l.includes(`"id":${id}`));
        if (found) return JSON.parse(found);
        const { value, done } = await reader.read();
        if (done) throw new Error(`stdout ended before reply ${id}; got ${lines.join("\n")}`);
        buf += dec.decode(value);
        const parts = buf.split("\n");
        buf = parts.pop()!;
        lines.push(...parts.filter((l) => l.trim()));
      }
    };
    const send = (m: object) => p.stdin.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    const init = await next(1);
    expect(init.result.serverInfo.name).toBe("torque");
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    expect((await next(2)).result.tools.map((t: any) => t.name)).toContain("task_create");
    // A write and a failing call: whatever the server logs must not reach stdout.
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "task_create", arguments: { title: "raw line", project: projectId } } });
    expect(JSON.parse((await next(3)).result.content[0].text).data.title).toBe("raw line");
    send({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "query_entities", arguments: { app: "nope", entity: "x" } } });
    expect((await next(4)).result.isError).toBe(true);
    p.stdin.end();
    const code = await p.exited;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value);
    }
    lines.push(...buf.split("\n").filter((l) => l.trim()));
    expect(code).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(JSON.parse(l).jsonrpc).toBe("2.0");
  });
});

describe("tools/list", () => {
  test("unscoped: the generic and design tools, each with a description and an object schema; no typed tools", async () => {
    const { tools } = await c.listTools();
    const got = tools.map((t) => t.name);
    for (const n of [...GENERIC_TOOLS, ...DESIGN_TOOLS]) expect(got).toContain(n);
    expect(got.filter((n) => /^(task|project)_/.test(n))).toEqual([]);
    for (const t of tools) {
      expect(t.description?.length).toBeGreaterThan(10);
      expect(t.inputSchema.type).toBe("object");
    }
    expect(tools.find((t) => t.name === "create_entity")!.inputSchema.required).toEqual(expect.arrayContaining(["app", "entity", "data"]));
  });

  test("--app todo: typed tools for task and project too, with schemas built from the fields", async () => {
    const { tools } = await scoped.client.listTools();
    const got = tools.map((t) => t.name);
    for (const n of [...GENERIC_TOOLS, ...DESIGN_TOOLS]) expect(got).toContain(n);
    for (const e of ["task", "project"]) for (const op of CRUD) expect(got).toContain(`${e}_${op}`);
    const schema = (n: string) => tools.find((t) => t.name === n)!.inputSchema as any;
    const create = schema("task_create");
    expect(create.properties.status.enum).toEqual(["open", "doing", "done"]);
    expect(create.properties.priority).toMatchObject({ type: "integer", minimum: 1, maximum: 5 });
    expect([...create.required].sort()).toEqual(["project", "title"]);
    expect(schema("project_create").required).toEqual(["name"]);
    expect(schema("task_update").required).toEqual(["id"]);
    expect(Object.keys(schema("task_update").properties)).toEqual(expect.arrayContaining(["id", "expectedVersion", "title", "status"]));
    expect(schema("task_get").required).toEqual(["id"]);
  });
});

describe("generic data tools", () => {
  test("list_apps and describe_app show the todo app, its entity types and their data schemas", async () => {
    const apps = await ok1(c, "list_apps");
    expect(apps).toEqual([expect.objectContaining({ slug: "todo", model: "Todo", entities: ["project", "task"] })]);
    const d = await ok1(c, "describe_app", { app: "todo" });
    expect(d.app).toBe("todo");
    const task = d.entities.find((e: any) => e.name === "task");
    expect(task.dataSchema.properties.status.enum).toEqual(["open", "doing", "done"]);
    expect(task.dataSchema.required).toContain("title");
    expect(d.relationships.map((r: any) => r.name)).toContain("project_tasks");
    expect(d.pages.map((p: any) => p.name)).toEqual(["tasks", "projects"]);
  });

  test("create, get, query with a filter, update (with expectedVersion), delete", async () => {
    const title = `mcp-${crypto.randomUUID()}`;
    const made = await ok1(c, "create_entity", { app: "todo", entity: "task", data: { title, project: projectId, priority: 5 } });
    expect(made).toMatchObject({ entity: "task", version: 1, data: { title, status: "open", priority: 5, project: projectId } });
    expect((await ok1(c, "get_entity", { app: "todo", entity: "task", id: made.id })).data.title).toBe(title);

    const found = await ok1(c, "query_entities", { app: "todo", entity: "task", filter: { title: { contains: title }, priority: { gte: 5 } }, total: true });
    expect(found.data.map((r: any) => r.id)).toEqual([made.id]);
    expect(found.pagination.total).toBe(1);

    const upd = await ok1(c, "update_entity", { app: "todo", entity: "task", id: made.id, data: { status: "done" }, expectedVersion: 1 });
    expect(upd).toMatchObject({ version: 2, data: { status: "done", title } });
    const stale = await fails(c, "update_entity", { app: "todo", entity: "task", id: made.id, data: { status: "open" }, expectedVersion: 1 });
    expect(stale.value.code).toBe("conflict");
    expect((await ok1(c, "get_entity", { app: "todo", entity: "task", id: made.id })).data.status).toBe("done");

    expect(await ok1(c, "delete_entity", { app: "todo", entity: "task", id: made.id })).toMatchObject({ id: made.id, deleted: true });
    const gone = await fails(c, "get_entity", { app: "todo", entity: "task", id: made.id });
    expect(gone.value.code).toBe("not_found");
    expect(gone.message).toContain(made.id);
  });

  test("execute_xflow runs a manual workflow (added with add_xflow); the scoped server offers it as xflow_<name>", async () => {
    const xflow = {
      name: "double",
      trigger: { type: "manual" },
      nodes: [
        { id: "start", type: "start" },
        { id: "calc", type: "script", code: "return { n: input.n * 2 };" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "calc" },
        { from: "calc", to: "end" },
      ],
    };
    await ok1(c, "add_xflow", { model: "Todo", xflow });
    expect(await ok1(c, "execute_xflow", { app: "todo", xflow: "double", input: { n: 21 } })).toMatchObject({ status: "succeeded", output: { n: 42 } });
    // The scoped server is another process: it hears of the model change from the
    // database (PostgreSQL's NOTIFY, SQLite's data_version), a moment later.
    expect(await until(async () => (await names(scoped.client)).includes("xflow_double"), 3000)).toBe(true);
    expect(await ok1(scoped.client, "xflow_double", { input: { n: 5 } })).toMatchObject({ status: "succeeded", output: { n: 10 } });
    const missing = await fails(c, "execute_xflow", { app: "todo", xflow: "no_such_flow" });
    expect(missing.message).toContain("no_such_flow");
  });
});

describe("errors are tool results with isError and a message that says what to fix", () => {
  test("an unknown tool", async () => {
    const r = await fails(c, "make_coffee", {});
    expect(r.message).toContain("make_coffee");
    expect(r.message).toContain("tools/list");
  });

  test("wrong argument types and missing or unknown arguments name the argument", async () => {
    expect((await fails(c, "query_entities", { app: "todo", entity: "task", limit: "ten" })).message).toContain("limit");
    expect((await fails(c, "query_entities", { app: "todo" })).message).toContain('"entity"');
    expect((await fails(c, "get_entity", { app: "todo", entity: "task", id: "x", colour: "red" })).message).toContain('"colour"');
    expect((await fails(scoped.client, "task_create", { title: 5, project: projectId })).message).toContain("title");
    const enumArg = await fails(scoped.client, "task_create", { title: "x", project: projectId, status: "someday" });
    expect(enumArg.message).toContain("status");
    expect(enumArg.message).toContain('"doing"');
  });

  test("an unknown app, entity type or field", async () => {
    expect((await fails(c, "query_entities", { app: "nope", entity: "task" })).message).toContain("nope");
    expect((await fails(c, "describe_app", { app: "nope" })).value.code).toBe("not_found");
    expect((await fails(c, "create_entity", { app: "todo", entity: "widget", data: {} })).message).toContain("widget");
    const field = await fails(c, "create_entity", { app: "todo", entity: "task", data: { title: "x", project: projectId, colour: "red" } });
    expect(field.message).toContain("colour");
    expect((await fails(c, "query_entities", { app: "todo", entity: "task", filter: { colour: "red" } })).message).toContain("colour");
  });

  test("a validation failure names the field, the rule and the allowed values; nothing is written", async () => {
    const title = `bad-enum-${crypto.randomUUID()}`;
    const r = await fails(c, "create_entity", { app: "todo", entity: "task", data: { title, project: projectId, status: "someday" } });
    expect(r.value.code).toBe("validation");
    expect(r.message).toContain("status");
    expect(r.message).toContain("open");
    expect(r.value.details).toEqual([expect.objectContaining({ field: "status", rule: "enum" })]);
    expect((await ok1(c, "query_entities", { app: "todo", entity: "task", filter: { title } })).data).toEqual([]);
  });

  test("an invalid model proposed by a design tool is refused with its JSON path; the model keeps its version", async () => {
    const before = await ok1(c, "get_model", { model: "Todo" });
    const r = await fails(c, "add_field", { model: "Todo", entity: "task", field: { name: "owner", type: "reference", entity: "person" } });
    expect(r.message).toMatch(/\/entities\/\d+\/fields\/\d+/);
    expect(r.message).toContain("person");
    const after = await ok1(c, "get_model", { model: "Todo" });
    expect(after.version).toBe(before.version);
    expect(after.document.entities.find((e: any) => e.name === "task").fields.map((f: any) => f.name)).not.toContain("owner");
  });

  test("arguments over 1 MB are refused, and the server still answers the next call", async () => {
    const r = await fails(c, "create_entity", { app: "todo", entity: "task", data: { title: "x".repeat(1_100_000), project: projectId } });
    expect(r.message).toMatch(/larger|too large|bytes/i);
    expect((await ok1(c, "list_apps")).map((a: any) => a.slug)).toEqual(["todo"]);
  });

  test("arguments over 1 MB of UTF-8 are refused even when made of multi-byte characters", async () => {
    const notes = "€".repeat(400_000); // 1.2 MB in UTF-8, 400 000 UTF-16 units
    const r = await fails(c, "create_entity", { app: "todo", entity: "task", data: { title: "euros", project: projectId, notes } });
    expect(r.message).toMatch(/larger|too large|bytes/i);
    expect((await ok1(c, "query_entities", { app: "todo", entity: "task", filter: { title: "euros" } })).data).toEqual([]);
  });
});

test("the audit log records the agent (kind agent, the client's name) for every write", async () => {
  const p = await todoProject();
  const s = await stdioClient(p.dbPath, { name: "audit-bot", app: "todo" });
  const project = await ok1(s.client, "project_create", { name: "Audited" });
  const t = await ok1(s.client, "create_entity", { app: "todo", entity: "task", data: { title: "watched", project: project.id } });
  await ok1(s.client, "task_update", { id: t.id, status: "doing" });
  await ok1(s.client, "delete_entity", { app: "todo", entity: "task", id: t.id });
  await s.close();
  const rows = await auditRows(p.dbPath);
  const mine = rows.filter((r) => r.entity_id === t.id || r.entity_id === project.id);
  expect(mine.map((r) => r.action)).toEqual(["entity.create", "entity.create", "entity.update", "entity.delete"]);
  for (const r of mine) expect({ kind: r.actor_kind, id: r.actor_id }).toEqual({ kind: "agent", id: "audit-bot" });
  // The sample data written by `torque init` is not attributed to an agent.
  expect(rows.filter((r) => r.actor_kind === "agent")).toHaveLength(4);
});

describe("the tool list follows the model", () => {
  test("a design tool's change announces tools/list_changed, and the new entity type's typed tools appear", async () => {
    const p = await todoProject();
    const s = await stdioClient(p.dbPath, { app: "todo" });
    try {
      let changed = 0;
      s.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed++);
      expect(await names(s.client)).not.toContain("tag_create");
      // No "model": a server scoped to an app designs that app's model.
      await ok1(s.client, "add_entity_type", { name: "tag", label: "Tag", fields: [{ name: "label", type: "text", required: true }] });
      expect(await until(() => changed > 0)).toBe(true);
      for (const op of CRUD) expect(await names(s.client)).toContain(`tag_${op}`);
      expect((await ok1(s.client, "tag_create", { label: "urgent" })).data.label).toBe("urgent");
    } finally {
      await s.close();
    }
  });

  test("a model change made by another process on the same database is announced", async () => {
    const p = await todoProject();
    const s = await stdioClient(p.dbPath, { app: "todo" });
    const other = await openServices(p.dbPath);
    try {
      let changed = 0;
      s.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed++);
      await other.models.edit("Todo", { op: "addEntityType", entity: { name: "tag", fields: [{ name: "label", type: "text" }] } }, systemActor);
      expect(await until(() => changed > 0, 3000)).toBe(true);
      expect(await names(s.client)).toContain("tag_create");
    } finally {
      await other.close();
      await s.close();
    }
  }, 10_000);
});

test("`torque mcp --app nope` fails clearly: exit 1, one line naming the app, nothing on stdout", async () => {
  const r = await torque(["mcp", "--db", dbPath, "--app", "nope"], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toContain("nope");
});

describe("resources", () => {
  test("list: the filter language, each model, each app's schema", async () => {
    const { resources } = await c.listResources();
    const uris = resources.map((r) => r.uri);
    const model = await ok1(c, "get_model", { model: "Todo" });
    expect(uris).toEqual(expect.arrayContaining(["torque://docs/filters", `torque://models/${model.model}`, "torque://apps/todo/schema"]));
    expect((await scoped.client.listResources()).resources.map((r) => r.uri)).toContain("torque://apps/todo/schema");
  });

  test("read: the filter doc text, the model JSON and the app schema", async () => {
    const read = async (uri: string) => (await c.readResource({ uri })).contents[0] as { uri: string; mimeType?: string; text: string };
    const doc = await read("torque://docs/filters");
    expect(doc.mimeType).toBe("text/plain");
    for (const word of ["contains", "gte", "nextCursor", '"or"']) expect(doc.text).toContain(word);

    const { model: id, version } = await ok1(c, "get_model", { model: "Todo" });
    const model = JSON.parse((await read(`torque://models/${id}`)).text);
    expect(model).toMatchObject({ name: "Todo", version });
    expect(model.entities.map((e: any) => e.name)).toEqual(["project", "task"]);

    const schema = JSON.parse((await read("torque://apps/todo/schema")).text);
    expect(schema.app).toBe("todo");
    expect(schema.entities.find((e: any) => e.name === "task").dataSchema.properties.status.enum).toEqual(["open", "doing", "done"]);
  });

  test("an unknown resource is an error that says how to find the resources", async () => {
    const err = await c.readResource({ uri: "torque://nothing/here" }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err.message)).toContain("torque://nothing/here");
  });
});

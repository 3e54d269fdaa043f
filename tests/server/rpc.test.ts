// JSON-RPC 2.0 over POST /rpc against the real server and a real SQLite file: every
// method of src/rpc/methods.ts, and the protocol's error handling (the server keeps
// serving after each bad request).
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { methods } from "../../src/rpc/methods";
import { systemActor } from "../../src/services/actor";
import { call, makeProject, post, rpc, rpcError, startTestServer, type TestServer, WsClient } from "../helpers/server";

let s: TestServer, url: string;
const todo = (entity: string, more: Record<string, unknown> = {}) => ({ app: "todo", entity, ...more });
const crm = (entity: string, more: Record<string, unknown> = {}) => ({ app: "crm", entity, ...more });
const countTasks = async (project: string) =>
  (await rpc(url, "queryEntities", todo("task", { filter: { project }, total: true, limit: 1 }))).pagination.total as number;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo", "crm"] });
  url = s.url;
  await s.services.apps.create(s.models.todo!, "todo2", systemActor); // a fresh entity set of the same model
});
afterAll(() => s.close());

describe("methods", () => {
  test("ping answers pong", async () => {
    expect(await rpc(url, "ping")).toBe("pong");
  });

  test("getCapabilities lists every method, component and field type", async () => {
    const caps = await rpc(url, "getCapabilities");
    expect([...caps.methods].sort()).toEqual(Object.keys(methods).sort());
    expect(caps.methods).not.toContain("subscribe"); // WebSocket only
    expect(caps.componentTypes).toEqual(expect.arrayContaining(["DataGrid", "Form", "Button", "Text", "Container", "Modal", "Chart", "Kpi", "DetailView"]));
    expect(caps.fieldTypes).toContain("reference");
    expect(typeof caps.version).toBe("string");
  });

  test("getModelMetadata describes entities, fields, relationships, pages and navigation", async () => {
    const meta = await rpc(url, "getModelMetadata", { app: "todo" });
    expect(meta.entities.map((e: any) => e.name)).toEqual(["project", "task"]);
    const task = meta.entities.find((e: any) => e.name === "task");
    expect(task.fields.find((f: any) => f.name === "status")).toMatchObject({ type: "enum", values: ["open", "doing", "done"], default: "open" });
    expect(task.fields.find((f: any) => f.name === "project")).toMatchObject({ type: "reference", entity: "project", required: true });
    expect(meta.relationships.map((r: any) => r.name)).toEqual(["project_tasks"]);
    expect(meta.pages.map((p: any) => p.name)).toEqual(["tasks", "projects"]);
    expect(meta.navigation).toHaveLength(2);
    expect(meta.startPage).toBe("tasks");
  });

  test("loadPage: the start page without `page`, a named page, and -32004 for an unknown one", async () => {
    const start = await rpc(url, "loadPage", { app: "todo" });
    expect(start.page.name).toBe("tasks");
    const grid = start.page.components.find((c: any) => c.type === "DataGrid");
    expect(grid.columns.map((c: any) => c.field)).toEqual(["title", "status", "priority", "due", "project"]);
    const named = await rpc(url, "loadPage", { app: "todo", page: "projects" });
    expect(named.page).toMatchObject({ name: "projects", title: "Projects", path: "/projects" });
    expect((await rpc(url, "loadPage", { app: "todo", page: "/projects" })).page.name).toBe("projects");
    const err = await rpcError(url, "loadPage", { app: "todo", page: "nope" });
    expect(err.code).toBe(-32004);
  });

  test("loadEntityData returns rows, columns and a keyset cursor that walks every page; total only when asked", async () => {
    const project = await makeProject(url);
    const rows = Array.from({ length: 25 }, (_, i) => ({ title: `row ${String(i).padStart(2, "0")}`, priority: (i % 5) + 1, project }));
    expect((await rpc(url, "bulkImport", todo("task", { format: "json", data: rows }))).inserted).toBe(25);
    const q = todo("task", { filter: { project }, sort: [{ field: "title", dir: "asc" }], limit: 10 });
    const first = await rpc(url, "loadEntityData", q);
    expect(first.data).toHaveLength(10);
    expect(first.pagination.total).toBeUndefined();
    expect(typeof first.pagination.nextCursor).toBe("string");
    expect(first.columns.map((c: any) => c.field)).toEqual(["title", "status", "priority", "due", "done_at", "notes", "project"]);
    const titles: string[] = [];
    let page = first,
      pages = 1;
    for (;;) {
      titles.push(...page.data.map((r: any) => r.data.title));
      if (!page.pagination.nextCursor) break;
      page = await rpc(url, "loadEntityData", { ...q, cursor: page.pagination.nextCursor });
      pages++;
    }
    expect(pages).toBe(3);
    expect(titles).toEqual(rows.map((r) => r.title)); // every row once, in order
    const counted = await rpc(url, "loadEntityData", { ...q, total: true, columns: ["title"] });
    expect(counted.pagination.total).toBe(25);
    expect(counted.columns.map((c: any) => c.field)).toEqual(["title"]);
  });

  test("getFormDefinition gives the fields, and the record when an id is given", async () => {
    const blank = await rpc(url, "getFormDefinition", todo("task"));
    expect(blank.record).toBeNull();
    expect(blank.entity.fields.find((f: any) => f.name === "title")).toMatchObject({ required: true, maxLength: 200 });
    const id = await makeProject(url, "form project");
    const filled = await rpc(url, "getFormDefinition", todo("project", { id }));
    expect(filled.record).toMatchObject({ id, data: { name: "form project" }, version: 1 });
    expect((await rpcError(url, "getFormDefinition", todo("project", { id: "missing" }))).code).toBe(-32004);
  });

  test("create, get, update (with expectedVersion) and delete an entity", async () => {
    const project = await makeProject(url);
    const created = await rpc(url, "createEntity", todo("task", { data: { title: "write tests", project } }));
    expect(created).toMatchObject({ entity: "task", version: 1, data: { title: "write tests", status: "open", priority: 3, project } });
    expect(typeof created.createdAt).toBe("string");
    expect(await rpc(url, "getEntity", todo("task", { id: created.id }))).toEqual(created);

    const updated = await rpc(url, "updateEntity", todo("task", { id: created.id, data: { status: "done" }, expectedVersion: 1 }));
    expect(updated).toMatchObject({ version: 2, data: { title: "write tests", status: "done" } });
    const stale = await rpcError(url, "updateEntity", todo("task", { id: created.id, data: { title: "lost update" }, expectedVersion: 1 }));
    expect(stale.code).toBe(-32009);
    expect(stale.data.currentVersion).toBe(2);
    expect((await rpc(url, "getEntity", todo("task", { id: created.id }))).data.title).toBe("write tests");

    const staleDelete = await rpcError(url, "deleteEntity", todo("task", { id: created.id, expectedVersion: 1 }));
    expect(staleDelete).toMatchObject({ code: -32009, data: { currentVersion: 2 } });
    expect(await rpc(url, "deleteEntity", todo("task", { id: created.id, expectedVersion: 2 }))).toMatchObject({ id: created.id, deleted: true });
    expect((await rpcError(url, "getEntity", todo("task", { id: created.id }))).code).toBe(-32004);
    expect((await rpcError(url, "deleteEntity", todo("task", { id: created.id }))).code).toBe(-32004);
  });

  test("deleting a project cascades to its tasks (onDelete: cascade)", async () => {
    const project = await makeProject(url);
    const t = await rpc(url, "createEntity", todo("task", { data: { title: "child", project } }));
    const res = await rpc(url, "deleteEntity", todo("project", { id: project }));
    expect(res.cascaded).toEqual([{ entity: "task", id: t.id, op: "delete" }]);
    expect((await rpcError(url, "getEntity", todo("task", { id: t.id }))).code).toBe(-32004);
  });

  test("queryEntities filters and sorts", async () => {
    const project = await makeProject(url);
    const data = [
      { title: "alpha", priority: 1, status: "open" },
      { title: "beta", priority: 4, status: "done" },
      { title: "gamma", priority: 5, status: "open" },
      { title: "delta", priority: 3, status: "doing" },
    ].map((d) => ({ ...d, project }));
    await rpc(url, "bulkImport", todo("task", { data }));
    const q = async (filter: unknown, sort?: unknown) =>
      (await rpc(url, "queryEntities", todo("task", { filter: { and: [{ project }, filter] }, ...(sort !== undefined && { sort }) }))).data.map(
        (r: any) => r.data.title,
      );
    expect(await q({ priority: { gte: 3 } }, [{ field: "priority", dir: "desc" }])).toEqual(["gamma", "beta", "delta"]);
    expect(await q({ or: [{ status: "done" }, { title: { startsWith: "AL" } }] }, [{ field: "title" }])).toEqual(["alpha", "beta"]);
    expect(await q({ status: { in: ["open", "doing"] }, title: { contains: "mm" } })).toEqual(["gamma"]);
    expect(await q({ priority: { between: [2, 4] } }, [{ field: "title", dir: "desc" }])).toEqual(["delta", "beta"]);
    const bad = await rpcError(url, "queryEntities", todo("task", { filter: { nofield: 1 } }));
    expect(bad.code).toBeGreaterThanOrEqual(-32099);
    expect(bad.code).toBeLessThanOrEqual(-32000);
  });

  test("bulkImport CSV: header row, lenient values (quoted commas, padded numbers), empty cells stay empty", async () => {
    const project = await makeProject(url);
    const csv = `title,priority,status,due,project\n"Buy milk, eggs",2,done,2030-01-31,${project}\nCall Bob, 5 ,doing,,${project}\n`;
    const res = await rpc(url, "bulkImport", todo("task", { format: "csv", data: csv }));
    expect(res.inserted).toBe(2);
    const rows = (await rpc(url, "queryEntities", todo("task", { filter: { project }, sort: [{ field: "title" }] }))).data.map((r: any) => r.data);
    expect(rows).toEqual([
      { title: "Buy milk, eggs", priority: 2, status: "done", due: "2030-01-31", project },
      { title: "Call Bob", priority: 5, status: "doing", project },
    ]);
  });

  test("bulkImport CSV: an empty cell takes the field's default, like a create without it", async () => {
    const project = await makeProject(url);
    await rpc(url, "bulkImport", todo("task", { data: `title,status,priority,project\nCall Bob,,,${project}\n` }));
    const [row] = (await rpc(url, "queryEntities", todo("task", { filter: { project } }))).data;
    expect(row.data).toEqual({ title: "Call Bob", status: "open", priority: 3, project });
  });

  test("bulkImport refuses the whole import when one row is bad, naming rows and fields; nothing is written", async () => {
    const project = await makeProject(url);
    const csv = `title,priority,project\nok one,1,${project}\nbad priority,high,${project}\nok two,2,${project}\n,9,${project}`;
    const err = await rpcError(url, "bulkImport", todo("task", { data: csv }));
    expect(err.code).toBe(-32001);
    const issues = err.data.map((i: any) => `${i.row}:${i.field}:${i.rule}`).sort();
    expect(issues).toEqual(["2:priority:type", "4:priority:max", "4:title:required"]); // 1 = the first data row
    expect(await countTasks(project)).toBe(0);
    const jsonErr = await rpcError(url, "bulkImport", todo("task", { format: "json", data: [{ title: "fine", project }, { title: "no project" }] }));
    expect(jsonErr.data).toEqual([expect.objectContaining({ row: 2, field: "project", rule: "required" })]);
    expect(await countTasks(project)).toBe(0);
  });

  test("bulkImport JSON inserts a list of records", async () => {
    const project = await makeProject(url);
    const res = await rpc(
      url,
      "bulkImport",
      todo("task", {
        format: "json",
        data: [
          { title: "one", project },
          { title: "two", project, priority: 1 },
        ],
      }),
    );
    expect(res.inserted).toBe(2);
    expect(res.ids).toHaveLength(2);
    expect((await rpc(url, "getEntity", todo("task", { id: res.ids[1] }))).data).toMatchObject({ title: "two", priority: 1 });
  });

  test("exportEntities JSON and CSV; a CSV export imports into a fresh app with the same count", async () => {
    const names = ["Apollo", "Gemini, the twins", 'Mercury "7"', "Skylab"];
    for (const n of names) await rpc(url, "createEntity", todo("project", { data: { name: n, description: `about ${n}` } }));
    const total = (await rpc(url, "queryEntities", todo("project", { total: true, limit: 1 }))).pagination.total;
    const json = await rpc(url, "exportEntities", todo("project", { format: "json", filter: { name: { in: names } } }));
    expect(json.count).toBe(4);
    expect(json.data.map((r: any) => r.data.name).sort()).toEqual([...names].sort());
    const csv = await rpc(url, "exportEntities", todo("project", { format: "csv" }));
    expect(csv.count).toBe(total);
    expect(csv.data.split(/\r?\n/)[0]).toStartWith("id,");
    const imported = await rpc(url, "bulkImport", { app: "todo2", entity: "project", format: "csv", data: csv.data });
    expect(imported.inserted).toBe(total);
    const back = await rpc(url, "exportEntities", { app: "todo2", entity: "project", format: "json" });
    expect(back.count).toBe(total);
    const byName = (r: any) => [r.data.name, r.data.description ?? null, r.data.color];
    expect(back.data.map(byName).sort()).toEqual((await rpc(url, "exportEntities", todo("project"))).data.map(byName).sort());
  });

  test("link, unlink and getRelated on an n:m relationship (deal_contacts)", async () => {
    const company = (await rpc(url, "createEntity", crm("company", { data: { name: "Acme" } }))).id;
    const deal = (await rpc(url, "createEntity", crm("deal", { data: { title: "Big deal", amount: 1000, company } }))).id;
    const ann = (await rpc(url, "createEntity", crm("contact", { data: { first_name: "Ann", last_name: "A", email: "ann@acme.test" } }))).id;
    const bob = (await rpc(url, "createEntity", crm("contact", { data: { first_name: "Bob", last_name: "B", email: "bob@acme.test" } }))).id;
    expect(await rpc(url, "link", { app: "crm", relationship: "deal_contacts", from: deal, to: ann })).toEqual({
      relationship: "deal_contacts",
      from: deal,
      to: ann,
    });
    await rpc(url, "link", { app: "crm", relationship: "deal_contacts", from: deal, to: bob });
    const related = async (entity: string, id: string, relationship: string) =>
      (await rpc(url, "getRelated", { app: "crm", entity, id, relationship })).data.map((r: any) => r.id).sort();
    expect(await related("deal", deal, "deal_contacts")).toEqual([ann, bob].sort());
    expect(await related("contact", ann, "deal_contacts")).toEqual([deal]);
    expect((await rpc(url, "unlink", { app: "crm", relationship: "deal_contacts", from: deal, to: ann })).removed).toBe(true);
    expect((await rpc(url, "unlink", { app: "crm", relationship: "deal_contacts", from: deal, to: ann })).removed).toBe(false);
    expect(await related("deal", deal, "deal_contacts")).toEqual([bob]);
    expect(await related("contact", ann, "deal_contacts")).toEqual([]);
    expect((await rpcError(url, "link", { app: "crm", relationship: "deal_contacts", from: deal, to: "no-such-contact" })).code).toBe(-32004);
    expect((await rpcError(url, "link", { app: "crm", relationship: "nope", from: deal, to: bob })).code).toBe(-32004);
  });

  test("link, unlink and getRelated on a 1:n relationship (company_deals) move the reference field", async () => {
    const a = (await rpc(url, "createEntity", crm("company", { data: { name: "Alpha Inc" } }))).id;
    const b = (await rpc(url, "createEntity", crm("company", { data: { name: "Beta GmbH" } }))).id;
    const deal = (await rpc(url, "createEntity", crm("deal", { data: { title: "Moving deal", company: a } }))).id;
    const related = async (entity: string, id: string) =>
      (await rpc(url, "getRelated", { app: "crm", entity, id, relationship: "company_deals" })).data.map((r: any) => r.id);
    expect(await related("company", a)).toEqual([deal]);
    await rpc(url, "link", { app: "crm", relationship: "company_deals", from: b, to: deal });
    expect((await rpc(url, "getEntity", crm("deal", { id: deal }))).data.company).toBe(b);
    expect(await related("company", a)).toEqual([]);
    expect(await related("company", b)).toEqual([deal]);
    expect(await related("deal", deal)).toEqual([b]);
    // deal.company is required: unlinking would orphan the deal.
    const err = await rpcError(url, "unlink", { app: "crm", relationship: "company_deals", from: b, to: deal });
    expect(err.code).toBe(-32001);
    expect(err.data[0].field).toBe("company");
    expect((await rpc(url, "getEntity", crm("deal", { id: deal }))).data.company).toBe(b);
  });
});

describe("protocol", () => {
  afterEach(async () => {
    expect(await rpc(url, "ping")).toBe("pong"); // still serving
  });

  test("malformed JSON is a parse error (-32700) with id null", async () => {
    const r = await post(url, '{"jsonrpc": "2.0", "method": "ping", "id": 1');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
  });

  test("invalid requests are -32600: not an object, wrong jsonrpc, method not a string", async () => {
    for (const body of ["5", '"ping"', "null"]) expect((await post(url, body)).json).toMatchObject({ id: null, error: { code: -32600 } });
    expect((await post(url, JSON.stringify({ jsonrpc: "1.0", id: 7, method: "ping" }))).json).toMatchObject({ id: 7, error: { code: -32600 } });
    expect((await post(url, JSON.stringify({ id: 8, method: "ping" }))).json).toMatchObject({ id: 8, error: { code: -32600 } });
    expect((await post(url, JSON.stringify({ jsonrpc: "2.0", id: 9, method: 42 }))).json).toMatchObject({ id: 9, error: { code: -32600 } });
  });

  test("number ids come back byte for byte, even beyond what a double holds; params keep their values", async () => {
    const big = '{"jsonrpc":"2.0","id":12345678901234567890,"method":"ping"}';
    expect((await post(url, big)).text).toBe('{"jsonrpc":"2.0","id":12345678901234567890,"result":"pong"}');
    const err = (await post(url, '{"jsonrpc":"2.0","id":-0.1000000000000000055511151231257827,"method":"noSuchMethod"}')).text;
    expect(err).toStartWith('{"jsonrpc":"2.0","id":-0.1000000000000000055511151231257827,"error":{"code":-32601');
    // In a batch, beside ordinary ids; a number inside params is a plain number as before.
    const batch =
      '[{"jsonrpc":"2.0","id":98765432109876543210,"method":"ping"},{"jsonrpc":"2.0","id":7,"method":"queryEntities","params":{"app":"todo","entity":"task","limit":1}},{"jsonrpc":"2.0","id":"s","method":"ping"}]';
    const r = await post(url, batch);
    expect(r.text).toStartWith('[{"jsonrpc":"2.0","id":98765432109876543210,"result":"pong"},{"jsonrpc":"2.0","id":7,"result":{');
    expect(r.json[2]).toEqual({ jsonrpc: "2.0", id: "s", result: "pong" });
    // And over the WebSocket.
    const ws = await WsClient.open(s.wsUrl);
    try {
      const reply = await new Promise<string>((resolve) => {
        ws.ws.addEventListener("message", (ev) => resolve(String(ev.data)), { once: true });
        ws.ws.send(big);
      });
      expect(reply).toBe('{"jsonrpc":"2.0","id":12345678901234567890,"result":"pong"}');
    } finally {
      ws.close();
    }
  });

  test("an empty batch is one -32600 error object, not a list", async () => {
    const r = await post(url, "[]");
    expect(Array.isArray(r.json)).toBe(false);
    expect(r.json).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
  });

  test("a batch answers each member (notifications excepted) and the notification's write happens", async () => {
    const project = await makeProject(url);
    const batch = [
      { jsonrpc: "2.0", id: "a", method: "ping" },
      { jsonrpc: "2.0", id: "b", method: "createEntity", params: todo("task", { data: { title: "from batch", project } }) },
      { jsonrpc: "2.0", id: "c", method: "noSuchMethod" },
      1,
      { jsonrpc: "2.0", id: "e", method: "createEntity", params: todo("task", { data: { project } }) },
      { jsonrpc: "2.0", method: "createEntity", params: todo("task", { data: { title: "from notification", project } }) },
    ];
    const r = await post(url, JSON.stringify(batch));
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(5);
    const byId = new Map(r.json.map((m: any) => [m.id, m]));
    expect(byId.get("a")).toMatchObject({ result: "pong" });
    expect(byId.get("b")).toMatchObject({ result: { data: { title: "from batch" } } });
    expect(byId.get("c")).toMatchObject({ error: { code: -32601 } });
    expect(byId.get(null)).toMatchObject({ error: { code: -32600 } });
    expect(byId.get("e")).toMatchObject({ error: { code: -32001, data: [expect.objectContaining({ field: "title", rule: "required" })] } });
    const titles = (await rpc(url, "queryEntities", todo("task", { filter: { project } }))).data.map((t: any) => t.data.title).sort();
    expect(titles).toEqual(["from batch", "from notification"]);
  });

  test("a request of only notifications gets HTTP 204 with an empty body, and its writes happen", async () => {
    const one = await post(url, JSON.stringify({ jsonrpc: "2.0", method: "createEntity", params: todo("project", { data: { name: "notified once" } }) }));
    expect(one.status).toBe(204);
    expect(one.text).toBe("");
    const batch = ["notified a", "notified b"].map((name) => ({ jsonrpc: "2.0", method: "createEntity", params: todo("project", { data: { name } }) }));
    const many = await post(url, JSON.stringify(batch));
    expect(many.status).toBe(204);
    expect(many.text).toBe("");
    const found = await rpc(url, "queryEntities", todo("project", { filter: { name: { in: ["notified once", "notified a", "notified b"] } } }));
    expect(found.data).toHaveLength(3);
  });

  test("unknown method is -32601", async () => {
    expect((await call(url, "dropDatabase", {})).error).toMatchObject({ code: -32601 });
  });

  test("positional params are -32602", async () => {
    expect((await call(url, "getEntity", ["todo", "task", "x"])).error).toMatchObject({ code: -32602 });
  });

  test("wrong param types and unknown params are -32602 with data naming the param", async () => {
    const wrong = await rpcError(url, "createEntity", { app: "todo", entity: 5, data: {} });
    expect(wrong.code).toBe(-32602);
    expect(wrong.data).toEqual([expect.objectContaining({ field: "entity" })]);
    const unknown = await rpcError(url, "queryEntities", todo("task", { limt: 5 }));
    expect(unknown.code).toBe(-32602);
    expect(unknown.data).toEqual([expect.objectContaining({ field: "limt", rule: "unknown" })]);
    const missing = await rpcError(url, "getEntity", todo("task"));
    expect(missing.code).toBe(-32602);
    expect(missing.data.length).toBeGreaterThan(0);
    for (const i of missing.data) expect(i.field).toBe("id");
  });

  test("invalid data is -32001 with a list of {field, rule, message}", async () => {
    const project = await makeProject(url);
    const err = await rpcError(url, "createEntity", todo("task", { data: { title: "x".repeat(201), priority: 9, status: "someday", project } }));
    expect(err.code).toBe(-32001);
    for (const i of err.data) expect(Object.keys(i).sort()).toEqual(["field", "message", "rule"]);
    expect(err.data.map((i: any) => i.field).sort()).toEqual(["priority", "status", "title"]);
    expect(await countTasks(project)).toBe(0);
  });

  test("unknown app or entity type is -32004", async () => {
    expect((await rpcError(url, "queryEntities", { app: "nope", entity: "task" })).code).toBe(-32004);
    expect((await rpcError(url, "createEntity", todo("nope", { data: {} }))).code).toBe(-32004);
    expect((await rpcError(url, "getModelMetadata", { app: "nope" })).code).toBe(-32004);
  });

  test("values that look like SQL are stored and found verbatim", async () => {
    const hostile = ["'); DROP TABLE entities; --", "x' OR '1'='1", '"; DELETE FROM entities WHERE "1"="1', "%_\\"];
    const project = await makeProject(url, "Robert'); DROP TABLE projects;--");
    for (const title of hostile) {
      const t = await rpc(url, "createEntity", todo("task", { data: { title, project } }));
      expect((await rpc(url, "getEntity", todo("task", { id: t.id }))).data.title).toBe(title);
      expect((await rpc(url, "queryEntities", todo("task", { filter: { title } }))).data.map((r: any) => r.id)).toEqual([t.id]);
    }
    expect((await rpc(url, "queryEntities", todo("task", { filter: { title: { contains: "%_" } } }))).data).toHaveLength(1);
    expect((await rpc(url, "getEntity", todo("project", { id: project }))).data.name).toBe("Robert'); DROP TABLE projects;--");
    expect(await countTasks(project)).toBe(hostile.length);
  });
});

describe("body size limit", () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ server: { maxBodyBytes: 64 * 1024 } });
  });
  afterAll(() => small.close());

  test("a body over maxBodyBytes gets 413, nothing is written, and the server answers afterwards", async () => {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "createEntity",
      params: todo("project", { data: { name: "too big", description: "x".repeat(200 * 1024) } }),
    });
    const r = await post(small.url, body);
    expect(r.status).toBe(413);
    expect(await rpc(small.url, "ping")).toBe("pong");
    expect((await rpc(small.url, "queryEntities", todo("project", { filter: { name: "too big" } }))).data).toEqual([]);
    const fits = await rpc(small.url, "createEntity", todo("project", { data: { name: "fits", description: "x".repeat(32 * 1024) } }));
    expect(fits.version).toBe(1);
  });
});

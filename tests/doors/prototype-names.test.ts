// Names that Object.prototype also has ("constructor", "__proto__", "toString",
// "hasOwnProperty", "valueOf") sent through every door: JSON-RPC over the real server,
// WebSocket subscriptions, GraphQL, MCP through the SDK client, and the CLI. "constructor"
// is a legitimate name of an entity type, a field and a flow (lower_snake_case), so it must
// work; the others are no model name and must be refused clearly. Never an internal error,
// a raw SQLite message or a function's source text.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { systemActor } from "../../src/services/actor";
import { torque } from "../helpers/cli";
import { call, post, rpc, startTestServer, type TestServer, WsClient } from "../helpers/server";
import { type HttpSession, httpClient, call as mcpCall } from "../mcp/helpers";

const PROTO = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];
const UNKNOWN = PROTO.filter((n) => n !== "constructor");

const MODEL = {
  name: "Names",
  entities: [
    {
      name: "constructor",
      fields: [
        { name: "title", type: "text" },
        { name: "constructor", type: "text" },
      ],
    },
  ],
  xflows: [
    {
      name: "constructor",
      trigger: { type: "manual" },
      nodes: [
        { id: "s", type: "start" },
        { id: "e", type: "end" },
      ],
      edges: [{ from: "s", to: "e" }],
    },
  ],
};

/** What no answer may contain: internal failures leaking out. */
const LEAKS = /sqlite|syntax error|no such column|native code|is not a function|is not an object|cannot read|undefined is not/i;
const clean = (text: string) => expect(text).not.toMatch(LEAKS);

let s: TestServer;
let modelId: string;
let mcp: HttpSession;

beforeAll(async () => {
  s = await startTestServer({ apps: [] });
  const m = await s.services.models.create(structuredClone(MODEL), systemActor);
  modelId = m.id;
  await s.services.apps.create(m.id, "names", systemActor);
  mcp = await httpClient(s.url, { app: "names" });
});
afterAll(async () => {
  await mcp.close().catch(() => {});
  await s.close();
});

/** A JSON-RPC call that must fail with an application or params error (never -32603); returns it. */
async function refused(method: string, params: unknown, code?: number) {
  const r = await call(s.url, method, params);
  expect(r.error).toBeDefined();
  expect(r.error!.code).not.toBe(-32603);
  if (code !== undefined) expect(r.error!.code).toBe(code);
  clean(JSON.stringify(r.error));
  return r.error!;
}

describe("JSON-RPC over HTTP", () => {
  test("a field and an entity type named constructor are created, filtered and sorted like any other", async () => {
    // Without a value for "constructor": the field must not read Object.prototype.constructor.
    const a = await rpc(s.url, "createEntity", { app: "names", entity: "constructor", data: { title: "a" } });
    expect(a.data).toEqual({ title: "a" });
    const b = await rpc(s.url, "createEntity", { app: "names", entity: "constructor", data: { title: "b", constructor: "x" } });
    const c = await rpc(s.url, "createEntity", { app: "names", entity: "constructor", data: { title: "c", constructor: "y" } });
    const ids = async (params: Record<string, unknown>) =>
      (await rpc(s.url, "queryEntities", { app: "names", entity: "constructor", ...params })).data.map((r: any) => r.id);
    expect(await ids({ filter: { constructor: "x" } })).toEqual([b.id]);
    expect(await ids({ filter: { constructor: { isNull: true } } })).toEqual([a.id]);
    expect(await ids({ filter: { constructor: { contains: "Y" } } })).toEqual([c.id]);
    expect(await ids({ sort: [{ field: "constructor", dir: "desc" }] })).toEqual([c.id, b.id, a.id]);
    expect(await ids({ sort: [{ field: "constructor" }] })).toEqual([a.id, b.id, c.id]);
    const fetched = await rpc(s.url, "getEntity", { app: "names", entity: "constructor", id: a.id });
    expect(fetched.data).toEqual({ title: "a" });
    const updated = await rpc(s.url, "updateEntity", { app: "names", entity: "constructor", id: a.id, data: { title: "a2" } });
    expect(updated.data).toEqual({ title: "a2" });
    const grid = await rpc(s.url, "loadEntityData", {
      app: "names",
      entity: "constructor",
      fields: ["constructor"],
      sort: [{ field: "constructor", dir: "desc" }],
    });
    expect(grid.data.map((r: any) => r.data)).toEqual([{ constructor: "y" }, { constructor: "x" }, {}]);
  });

  test("a flow named constructor runs", async () => {
    const run = await rpc(s.url, "executeXFlow", { app: "names", xflow: "constructor", input: { v: 1 } });
    expect(run.status).toBe("succeeded");
  });

  test("other prototype names in filters, operators, sorts, data, entity types, flows and methods are refused clearly", async () => {
    for (const name of UNKNOWN) {
      // JSON text keeps "__proto__" as an ordinary key, as a client would send it.
      const filter = JSON.parse(`{"${name}": "x"}`);
      const e1 = await refused("queryEntities", { app: "names", entity: "constructor", filter }, -32001);
      expect(e1.message).toContain(`has no field "${name}"`);
      const e2 = await refused("queryEntities", { app: "names", entity: "constructor", filter: JSON.parse(`{"title": {"${name}": "x"}}`) }, -32001);
      expect(e2.message).toContain(`unknown operator "${name}"`);
      const e3 = await refused("queryEntities", { app: "names", entity: "constructor", sort: [{ field: name }] }, -32001);
      expect(e3.message).toContain(`has no field "${name}"`);
      await refused("queryEntities", { app: "names", entity: "constructor", fields: [name] }, -32001);
      const e4 = await refused("createEntity", { app: "names", entity: "constructor", data: JSON.parse(`{"title": "t", "${name}": "x"}`) }, -32001);
      expect(e4.message).toContain(`has no field "${name}"`);
      await refused("createEntity", { app: "names", entity: name, data: { title: "t" } }, -32004);
      await refused("queryEntities", { app: "names", entity: name }, -32004);
      await refused("executeXFlow", { app: "names", xflow: name }, -32004);
      await refused("queryEntities", { app: name, entity: "constructor" }, -32004);
    }
    for (const name of PROTO) {
      const r = await post(s.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: name }));
      expect(r.json.error.code).toBe(-32601);
      clean(r.text);
    }
  });
});

describe("WebSocket subscriptions", () => {
  test("a filter on the field constructor selects; prototype names are refused", async () => {
    const ws = await WsClient.open(s.wsUrl);
    try {
      const { subscription } = await ws.rpc("subscribe", { app: "names", entity: "constructor", filter: { constructor: "z" } });
      await rpc(s.url, "createEntity", { app: "names", entity: "constructor", data: { title: "not this one" } });
      const hit = await rpc(s.url, "createEntity", { app: "names", entity: "constructor", data: { title: "this one", constructor: "z" } });
      const deadline = Date.now() + 5000;
      while (!ws.notifications.length && Date.now() < deadline) await Bun.sleep(10);
      expect(ws.notifications.map((n) => [n.params.subscription, n.params.id])).toEqual([[subscription, hit.id]]);
      for (const name of UNKNOWN) {
        const r1 = await ws.call("subscribe", { app: "names", entity: "constructor", filter: JSON.parse(`{"${name}": 1}`) });
        expect(r1.error?.code).toBe(-32001);
        expect(r1.error?.message).toContain(`has no field "${name}"`);
        const r2 = await ws.call("subscribe", { app: "names", entity: name });
        expect(r2.error?.code).toBe(-32004);
        const r3 = await ws.call(name, {});
        expect(r3.error?.code).toBe(-32601);
        for (const r of [r1, r2, r3]) clean(JSON.stringify(r));
      }
    } finally {
      ws.ws.close();
    }
  });
});

describe("GraphQL", () => {
  async function gql(query: string, variables?: Record<string, unknown>) {
    const res = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    clean(text);
    const body = JSON.parse(text) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
    for (const e of body.errors ?? []) expect(e.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
    return body;
  }

  test("names are looked up, never found on a prototype", async () => {
    for (const name of PROTO) {
      const q = await gql("query($n: String!, $id: ID!) { app(slug: $n) { slug } model(id: $id) { id } }", { n: name, id: name });
      expect(q).toEqual({ data: { app: null, model: null } });
      const runs = (await gql('query($n: String!) { xflowRuns(app: "names", xflow: $n) }', { n: name })).data.xflowRuns as { xflow: string }[];
      expect(runs.every((r) => r.xflow === name)).toBe(true);
      expect(runs.length > 0).toBe(name === "constructor"); // it ran in the JSON-RPC test
      const run = await gql('mutation($n: String!) { executeXFlow(app: "names", xflow: $n, input: {}) }', { n: name });
      const edit = await gql(
        'mutation($m: ID!, $n: String!) { updateField(model: $m, entity: "constructor", name: $n, patch: {label: "L"}) { errors { message } } }',
        { m: modelId, n: name },
      );
      if (name === "constructor") {
        expect(run.data.executeXFlow.status).toBe("succeeded");
        expect(edit).toEqual({ data: { updateField: { errors: [] } } });
      } else {
        expect(run.errors![0]!.extensions!.code).toBe("NOT_FOUND");
        expect(run.errors![0]!.message).toContain(`'${name}' not found`);
        expect(edit.errors![0]!.extensions!.code).toBe("NOT_FOUND");
      }
    }
    // No field can be named toString: the model validator says what a name may be.
    const bad = await gql(
      'mutation($m: ID!) { addField(model: $m, entity: "constructor", field: {name: "toString", type: "text"}) { model { version } errors { path message } } }',
      { m: modelId },
    );
    expect(bad.data.addField.model).toBeNull();
    expect(bad.data.addField.errors).toEqual([{ path: "/entities/0/fields/2/name", message: expect.stringContaining("lower_snake_case") }]);
  });
});

describe("MCP (SDK client over HTTP)", () => {
  test("typed and generic tools work with the field constructor and refuse prototype names clearly", async () => {
    const made = await mcpCall(mcp.client, "constructor_create", { title: "from mcp" });
    expect(made.text).not.toContain("error");
    expect(made.isError).toBe(false);
    expect(made.value.data).toEqual({ title: "from mcp" });
    const q = await mcpCall(mcp.client, "constructor_query", { filter: { constructor: "x" }, sort: [{ field: "constructor", dir: "asc" }] });
    expect(q.isError).toBe(false);
    expect(q.value.data.map((r: any) => r.data.title)).toEqual(["b"]);
    for (const name of UNKNOWN) {
      // "__proto__" anywhere in arguments is refused up front as invalid params (-32602), naming the key.
      const f = await mcpCall(mcp.client, "query_entities", { app: "names", entity: "constructor", filter: JSON.parse(`{"${name}": 1}`) }).catch(
        (e: Error & { code?: number }) => {
          expect(e.code).toBe(-32602);
          expect(e.message).toContain(name);
          return { isError: true, text: `has no field ${e.message}` };
        },
      );
      expect(f.isError).toBe(true);
      expect(f.text).toContain(`has no field`);
      const srt = await mcpCall(mcp.client, "query_entities", { app: "names", entity: "constructor", sort: [{ field: name, dir: "asc" }] });
      expect(srt.isError).toBe(true);
      const ent = await mcpCall(mcp.client, "get_entity", { app: "names", entity: name, id: "x" });
      expect(ent.isError).toBe(true);
      for (const r of [f, srt, ent]) clean(r.text);
    }
    for (const name of PROTO) {
      const t = await mcpCall(mcp.client, name, {});
      expect(t.isError).toBe(true);
      expect(t.text).toContain("unknown tool");
      clean(t.text);
    }
  });
});

describe("CLI", () => {
  test("entity list filters and sorts by the field constructor; prototype names exit 1 with a clear message", async () => {
    const opts = { cwd: s.dir };
    const db = ["--db", s.dbPath];
    const listed = await torque(["entity", "list", "names", "constructor", "--filter", '{"constructor":"y"}', "--json", ...db], opts);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((r: any) => r.data.title)).toEqual(["c"]);
    const table = await torque(["entity", "list", "names", "constructor", "--sort=-constructor", ...db], opts);
    expect(table.code).toBe(0);
    clean(table.stdout);
    for (const name of UNKNOWN) {
      const r = await torque(["entity", "list", "names", "constructor", "--filter", `{"${name}":1}`, ...db], opts);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`has no field "${name}"`);
      clean(r.stderr);
    }
    const sorted = await torque(["entity", "list", "names", "constructor", "--sort=toString", ...db], opts);
    expect(sorted.code).toBe(1);
    clean(sorted.stderr);
    const ent = await torque(["entity", "list", "names", "valueOf", ...db], opts);
    expect(ent.code).toBe(1);
    clean(ent.stderr);
    const opt = await torque(["entity", "list", "names", "constructor", "--constructor", "x", ...db], opts);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("Unknown option '--constructor'");
    const cmd = await torque(["constructor"], opts);
    expect(cmd.code).toBe(2);
    clean(cmd.stderr);
  }, 30_000);
});

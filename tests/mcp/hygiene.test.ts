// Input hygiene at the MCP door, through the SDK's real client over Streamable HTTP
// (the real server, in-process, on a temp SQLite file) and raw lines to a real
// `torque mcp` process: arguments that are not an object and "__proto__" keys are invalid
// params (-32602) naming the problem, an unknown resource is -32002 naming the URI, a
// line that is not JSON gets -32700, and a legacy model file is accepted like a canonical one.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CallToolResultSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { rpc, startTestServer, type TestServer } from "../helpers/server";
import { type HttpSession, httpClient, MAIN, ok1, removeTempDirs, todoProject } from "./helpers";

let s: TestServer;
let h: HttpSession; // scoped to todo: typed tools
const projects = async () => (await rpc(s.url, "queryEntities", { app: "todo", entity: "project", limit: 1000 })).data as { data: { name: string } }[];

beforeAll(async () => {
  s = await startTestServer();
  h = await httpClient(s.url, { app: "todo" });
});
afterAll(async () => {
  await h.close().catch(() => {});
  await s.close();
  removeTempDirs();
});

/** A protocol error (not a tool result) from a request; fails when the request succeeds. */
async function protocolError(p: Promise<unknown>): Promise<McpError> {
  const r = await p.then(
    (v) => new Error(`expected a protocol error, got ${JSON.stringify(v).slice(0, 300)}`),
    (e) => e,
  );
  if (!(r instanceof McpError)) throw r;
  return r;
}

describe("tools/call arguments", () => {
  test("arguments that are a list or a string are invalid params (-32602) saying what they must be, not -32603 with a validator dump", async () => {
    for (const [args, what] of [
      [[1, 2], "a list"],
      ["title", "a string"],
    ] as const) {
      const e = await protocolError(
        h.client.request({ method: "tools/call", params: { name: "project_create", arguments: args as never } }, CallToolResultSchema),
      );
      expect(e.code).toBe(-32602);
      expect(e.message).toContain(`the arguments of project_create must be an object of named arguments, not ${what}`);
      expect(e.message).not.toContain('"code"'); // no zod dump
    }
  });

  test('"__proto__" among a typed tool\'s arguments is refused by name and nothing is written', async () => {
    const before = (await projects()).length;
    const args = JSON.parse('{"name": "sneaky", "__proto__": {"name": "other"}}');
    const e = await protocolError(h.client.callTool({ name: "project_create", arguments: args }));
    expect(e.code).toBe(-32602);
    expect(e.message).toContain('must not contain the key "__proto__" (at /__proto__)');
    // Nested in a generic tool's data, too.
    const nested = JSON.parse('{"app": "todo", "entity": "project", "data": {"name": "x", "__proto__": {}}}');
    expect((await protocolError(h.client.callTool({ name: "create_entity", arguments: nested }))).message).toContain("(at /data/__proto__)");
    expect((await projects()).length).toBe(before);
    expect((await ok1(h.client, "project_create", { name: "plain" })).data.name).toBe("plain"); // the session goes on
  });

  test("update_field with a __proto__ or constructor patch is refused naming the key; no version is saved", async () => {
    const version = (await s.services.models.get(s.models.todo!)).version;
    const proto = await protocolError(
      h.client.callTool({ name: "update_field", arguments: JSON.parse('{"entity": "task", "name": "title", "patch": {"__proto__": {"label": "x"}}}') }),
    );
    expect(proto.message).toContain("(at /patch/__proto__)");
    const r: any = await h.client.callTool({ name: "update_field", arguments: { entity: "task", name: "title", patch: { constructor: "x" } } });
    expect(r.isError).toBe(true);
    expect(JSON.parse(r.content[0].text).error).toContain('"constructor" is not allowed as a property name');
    expect((await s.services.models.get(s.models.todo!)).version).toBe(version);
  });
});

describe("resources", () => {
  test("an unknown resource is the MCP 'resource not found' error (-32002) naming the URI", async () => {
    for (const uri of ["torque://nothing/here", "torque://models/no-such-model", "torque://apps/ghost/schema", "torque://models/%E0%A4%A"]) {
      const e = await protocolError(h.client.readResource({ uri }));
      expect(e.code).toBe(-32002);
      expect(e.message).toContain(`resource not found: ${uri}`);
      expect(e.data).toEqual({ uri });
    }
    expect(JSON.stringify((await h.client.readResource({ uri: "torque://docs/filters" })).contents[0])).toContain("Operators");
  });
});

describe("legacy model files at every door", () => {
  const legacy = {
    name: "Shop",
    version: "1.0.0",
    entities: [{ name: "Customer", display_name: "Customer", fields: [{ name: "Full Name", field_type: { type: "String" }, required: true }] }],
  };

  test("MCP validate_model and create_model accept a file of the original Torque", async () => {
    expect(await ok1(h.client, "validate_model", { document: legacy })).toEqual({ valid: true, issues: [] });
    const made = await ok1(h.client, "create_model", { name: "Shop via MCP", document: legacy });
    expect((await s.services.models.get(made.model)).doc.entities.map((e) => [e.name, e.fields.map((f) => f.name)])).toEqual([["customer", ["full_name"]]]);
  });

  test("GraphQL validateModel, createModel and updateModel accept it too", async () => {
    const gql = async (query: string, variables: object) =>
      (await (
        await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) })
      ).json()) as any;
    expect((await gql("query($d: JSON!) { validateModel(document: $d) { valid issues { path message } } }", { d: legacy })).data.validateModel).toEqual({
      valid: true,
      issues: [],
    });
    const created = (
      await gql('mutation($d: JSON) { createModel(name: "Shop via GraphQL", document: $d) { model { id document } errors { path message } } }', { d: legacy })
    ).data.createModel;
    expect(created.errors).toEqual([]);
    expect(created.model.document.entities[0].name).toBe("customer");
    const updated = (
      await gql("mutation($id: ID!, $d: JSON!) { updateModel(id: $id, document: $d) { model { version document } errors { path message } } }", {
        id: created.model.id,
        d: { ...legacy, name: "Shop via GraphQL" },
      })
    ).data.updateModel;
    expect(updated.errors).toEqual([]);
    expect(updated.model.version).toBe(2);
  });
});

describe("torque mcp on stdio: unreadable lines", () => {
  test("a line that is not JSON gets -32700, JSON that is not JSON-RPC gets -32600, and the server goes on", async () => {
    const { dir, dbPath } = await todoProject();
    const p = Bun.spawn([process.execPath, MAIN, "mcp", "--db", dbPath], { cwd: dir, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    const reader = p.stdout.getReader();
    const dec = new TextDecoder();
    let buf = "";
    const nextLine = async (): Promise<any> => {
      for (;;) {
        const nl = buf.indexOf("\n");
        if (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          return JSON.parse(line);
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`stdout ended; stderr: ${await new Response(p.stderr).text()}`);
        buf += dec.decode(value);
      }
    };
    const send = (text: string) => p.stdin.write(`${text}\n`);
    send("this is not json {");
    expect(await nextLine()).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
    send('{"hello": "world"}');
    expect(await nextLine()).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
    send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
      }),
    );
    expect((await nextLine()).result.serverInfo.name).toBe("torque");
    send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "list_apps", arguments: "all" } }));
    expect(await nextLine()).toMatchObject({
      id: 2,
      error: { code: -32602, message: expect.stringContaining("must be an object of named arguments, not a string") },
    });
    p.stdin.end();
    expect(await p.exited).toBe(0);
  });
});

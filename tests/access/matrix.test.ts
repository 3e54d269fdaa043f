// The permission matrix, with real processes: every role (admin, editor, viewer, and no
// credentials) through every door (JSON-RPC, the runtime's own calls, WebSocket, GraphQL,
// MCP over HTTP with the SDK's client, workflows, the command line) for every operation
// gets exactly what the rules say, row filters and hidden fields included. One expectation
// table; each door is an adapter that performs an operation and reports allowed or refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { cliActor } from "../../src/services/actor";
import { openTestServices } from "../../src/services/testing";
import { ACCESS_MODEL } from "../helpers/access-model";
import { torque } from "../helpers/cli";
import { dropPgDatabase, onPostgres, testDatabase } from "../helpers/db";
import { type Child, spawnServer } from "../helpers/server";

type Role = "admin" | "editor" | "viewer";
const ROLES: Role[] = ["admin", "editor", "viewer"];
/** What an operation came to: allowed (with what it returned), refused as forbidden, or unauthenticated. */
type Outcome = { ok: true; value: any } | { ok: false; refused: "forbidden" | "unauthenticated" | "other"; message: string };

const MODEL = {
  ...structuredClone(ACCESS_MODEL),
  name: "Matrix",
  xflows: [
    {
      name: "make_item",
      trigger: { type: "manual" },
      nodes: [
        { id: "start", type: "start" },
        { id: "w", type: "script", code: "const r = await ctx.entities.create('item', { name: input.name }); return { id: r.id };" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "w" },
        { from: "w", to: "end" },
      ],
    },
    {
      name: "my_tasks",
      trigger: { type: "manual" },
      nodes: [
        { id: "start", type: "start" },
        { id: "q", type: "script", code: "const p = await ctx.entities.query('task', {}); return { titles: p.data.map((t) => t.data.title).sort() };" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "q" },
        { from: "q", to: "end" },
      ],
    },
    {
      name: "tasks_as_viewer",
      runAs: "vi",
      trigger: { type: "manual" },
      nodes: [
        { id: "start", type: "start" },
        { id: "q", type: "script", code: "const p = await ctx.entities.query('task', {}); return { titles: p.data.map((t) => t.data.title).sort() };" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "q" },
        { from: "q", to: "end" },
      ],
    },
    {
      name: "read_secret",
      trigger: { type: "manual" },
      nodes: [
        { id: "start", type: "start" },
        { id: "r", type: "script", code: "const p = await ctx.entities.query('note', {}); return { secrets: p.data.map((n) => n.data.secret ?? null) };" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "r" },
        { from: "r", to: "end" },
      ],
    },
  ],
};

const dir = mkdtempSync(join(tmpdir(), "torque-matrix-"));
let db: string;
let server: Child;
const tokens: Record<Role, string> = { admin: "", editor: "", viewer: "" };
const ids: { note?: string; item?: string; notes: Record<Role, string> } = { notes: { admin: "", editor: "", viewer: "" } };

beforeAll(async () => {
  db = await testDatabase(dir, "m.db");
  const s = await openTestServices(db);
  const m = await s.models.create(MODEL, cliActor);
  await s.apps.create(m.id, "office", cliActor);
  for (const role of ROLES) {
    const user = role.slice(0, 2); // ad, ed, vi: names the row filters see as $user
    await s.users.add(user, `${user}-password-1`, role, cliActor);
    tokens[role] = (await s.users.createToken({ user, name: "matrix" }, cliActor)).token;
    ids.notes[role] = (await s.entities.create("office", "note", { title: `${user}'s`, owner: user, secret: `s-${user}` }, { actor: cliActor })).id;
  }
  for (const [title, assignee] of [
    ["t-vi-1", "vi"],
    ["t-vi-2", "vi"],
    ["t-ed", "ed"],
    ["t-none", null],
  ])
    await s.entities.create("office", "task", { title, ...(assignee && { assignee }) }, { actor: cliActor });
  ids.item = (await s.entities.create("office", "item", { name: "seeded" }, { actor: cliActor })).id;
  await s.close();
  server = await spawnServer(db, ["--quiet"]);
}, 60_000);

afterAll(async () => {
  server?.proc.kill();
  await server?.proc.exited;
  if (onPostgres) await dropPgDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

const auth = (role: Role | null): Record<string, string> => (role ? { authorization: `Bearer ${tokens[role]}` } : {});

function rpcOutcome(status: number, body: any): Outcome {
  if (status === 401) return { ok: false, refused: "unauthenticated", message: body?.error ?? "" };
  if (body?.error) return { ok: false, refused: body.error.code === -32003 ? "forbidden" : "other", message: body.error.message };
  return { ok: true, value: body.result };
}

// ---- the doors -------------------------------------------------------------------------

interface Door {
  name: string;
  call(role: Role | null, method: string, params: Record<string, unknown>): Promise<Outcome>;
}

/** JSON-RPC over HTTP: every method by name. */
const rpcDoor: Door = {
  name: "JSON-RPC",
  async call(role, method, params) {
    const res = await fetch(`${server.url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth(role) },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return rpcOutcome(res.status, await res.json().catch(() => undefined));
  },
};

/** JSON-RPC over one WebSocket per call, authenticated at the upgrade. */
const wsDoor: Door = {
  name: "WebSocket",
  call(role, method, params) {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${server.url.replace("http", "ws")}/ws`, { headers: auth(role) } as never);
      ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
      ws.onmessage = (m) => {
        resolve(rpcOutcome(200, JSON.parse(String(m.data))));
        ws.close();
      };
      ws.onerror = () => resolve({ ok: false, refused: "unauthenticated", message: "the upgrade was refused" });
    });
  },
};

/** MCP over HTTP with the SDK's client, scoped to the app: each method maps to its typed tool. */
const mcpClients = new Map<Role, Client>();
async function mcpClient(role: Role): Promise<Client> {
  let c = mcpClients.get(role);
  if (!c) {
    c = new Client({ name: `matrix-${role}`, version: "1" });
    await c.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp?app=office`), { requestInit: { headers: auth(role) } }));
    mcpClients.set(role, c);
  }
  return c;
}
const TOOL: Record<string, (p: Record<string, any>) => [string, Record<string, unknown>]> = {
  queryEntities: (p) => [`${p.entity}_query`, { ...(p.filter && { filter: p.filter }) }],
  getEntity: (p) => [`${p.entity}_get`, { id: p.id }],
  createEntity: (p) => [`${p.entity}_create`, p.data],
  updateEntity: (p) => [`${p.entity}_update`, { id: p.id, ...p.data }],
  deleteEntity: (p) => [`${p.entity}_delete`, { id: p.id }],
  executeXFlow: (p) => [`xflow_${p.xflow}`, { input: p.input }],
};
const mcpDoor: Door = {
  name: "MCP",
  async call(role, method, params) {
    if (!role) {
      const res = await fetch(`${server.url}/mcp?app=office`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
        }),
      });
      return res.status === 401 ? { ok: false, refused: "unauthenticated", message: "" } : { ok: true, value: res.status };
    }
    const client = await mcpClient(role);
    const [tool, args] = TOOL[method]!(params);
    const listed = (await client.listTools()).tools.some((t) => t.name === tool);
    const r: any = await client.callTool({ name: tool, arguments: args });
    const text = String(r.content?.[0]?.text ?? "");
    const value = JSON.parse(text);
    if (!r.isError) {
      expect(listed).toBe(true); // a tool that works is offered
      return { ok: true, value: method === "executeXFlow" ? value : value };
    }
    // A refused operation is either not offered at all, or refused by the services when called.
    const forbidden = !listed || value.code === "forbidden";
    return { ok: false, refused: forbidden ? "forbidden" : "other", message: value.error };
  },
};

// ---- the expectations ------------------------------------------------------------------

/** Who may: the rules of ACCESS_MODEL (item has none: editors write, viewers read). */
const MAY: Record<
  "listItems" | "createItem" | "updateItem" | "deleteItem" | "createOwnNote" | "createOthersNote" | "updateOthersNote" | "deleteNote" | "runFlow",
  Role[]
> = {
  listItems: ["admin", "editor", "viewer"],
  createItem: ["admin", "editor"],
  updateItem: ["admin", "editor"],
  deleteItem: ["admin", "editor"],
  createOwnNote: ["admin", "editor"],
  createOthersNote: ["admin"],
  updateOthersNote: ["admin"],
  deleteNote: ["admin"],
  runFlow: ["admin", "editor"],
};

const user = (role: Role) => role.slice(0, 2);

function expectOutcome(o: Outcome, allowed: boolean, what: string) {
  if (allowed) {
    if (!o.ok) throw new Error(`${what}: expected to be allowed, got ${o.refused}: ${o.message}`);
  } else {
    if (o.ok) throw new Error(`${what}: expected to be refused, but it was allowed: ${JSON.stringify(o.value).slice(0, 300)}`);
    expect(o.refused).toBe("forbidden");
  }
}

const DATA_DOORS = [rpcDoor, wsDoor, mcpDoor];

describe.each(DATA_DOORS.map((d) => [d.name, d] as const))("%s", (_name, door) => {
  test.each(ROLES)("%s: records of a type without permissions: viewers read, editors and admins write", async (role) => {
    const list = await door.call(role, "queryEntities", { app: "office", entity: "item" });
    expectOutcome(list, MAY.listItems.includes(role), `${role} lists items`);
    const created = await door.call(role, "createEntity", { app: "office", entity: "item", data: { name: `by ${role}` } });
    expectOutcome(created, MAY.createItem.includes(role), `${role} creates an item`);
    const id = created.ok ? created.value.id : ids.item!;
    expectOutcome(
      await door.call(role, "updateEntity", { app: "office", entity: "item", id, data: { name: "renamed" } }),
      MAY.updateItem.includes(role),
      `${role} updates`,
    );
    expectOutcome(await door.call(role, "deleteEntity", { app: "office", entity: "item", id }), MAY.deleteItem.includes(role), `${role} deletes`);
  });

  test.each(ROLES)("%s: notes — hidden fields, creates and updates within the row filter, deletes for admins", async (role) => {
    const got = await door.call(role, "getEntity", { app: "office", entity: "note", id: ids.notes.admin });
    expectOutcome(got, true, `${role} reads a note`);
    if (got.ok) expect(got.value.data.secret === undefined).toBe(role === "viewer");
    const page = await door.call(role, "queryEntities", { app: "office", entity: "note" });
    // The seeded notes ("ad's", "ed's", "vi's") each hold a secret.
    if (page.ok) for (const r of page.value.data.filter((n: any) => n.data.title.endsWith("'s"))) expect(r.data.secret === undefined).toBe(role === "viewer");
    expectOutcome(
      await door.call(role, "queryEntities", { app: "office", entity: "note", filter: { secret: "s-ad" } }),
      role !== "viewer",
      `${role} filters by secret`,
    );
    const own = await door.call(role, "createEntity", { app: "office", entity: "note", data: { title: "own", owner: user(role) } });
    expectOutcome(own, MAY.createOwnNote.includes(role), `${role} creates their own note`);
    expectOutcome(
      await door.call(role, "createEntity", { app: "office", entity: "note", data: { title: "theirs", owner: "zz" } }),
      MAY.createOthersNote.includes(role),
      `${role} creates someone else's note`,
    );
    if (own.ok)
      expectOutcome(
        await door.call(role, "updateEntity", { app: "office", entity: "note", id: own.value.id, data: { title: "mine" } }),
        true,
        `${role} updates own`,
      );
    const other = role === "admin" ? ids.notes.editor : ids.notes.admin;
    expectOutcome(
      await door.call(role, "updateEntity", { app: "office", entity: "note", id: other, data: { title: "x" } }),
      MAY.updateOthersNote.includes(role),
      `${role} updates another's note`,
    );
    if (own.ok)
      expectOutcome(
        await door.call(role, "deleteEntity", { app: "office", entity: "note", id: own.value.id }),
        MAY.deleteNote.includes(role),
        `${role} deletes`,
      );
  });

  test.each(ROLES)("%s: tasks — each sees only their rows (the admin all)", async (role) => {
    const page = await door.call(role, "queryEntities", { app: "office", entity: "task" });
    expectOutcome(page, true, `${role} lists tasks`);
    const titles = (page.ok ? page.value.data : []).map((r: any) => r.data.title).sort();
    expect(titles).toEqual(role === "admin" ? ["t-ed", "t-none", "t-vi-1", "t-vi-2"] : role === "editor" ? ["t-ed"] : ["t-vi-1", "t-vi-2"]);
  });

  test.each(ROLES)("%s: workflows run with the caller's rights; viewers may not run them", async (role) => {
    const run = await door.call(role, "executeXFlow", { app: "office", xflow: "read_secret", input: {} });
    expectOutcome(run, MAY.runFlow.includes(role), `${role} runs a flow`);
    // The flow reads notes as its caller: an editor's run sees secrets (editors are not hidden from them).
    if (run.ok) expect(run.value.output.secrets.filter((x: unknown) => typeof x === "string").length).toBeGreaterThanOrEqual(2);
    // A flow's reads have its caller's row filter; a flow that names runAs has that user's.
    const mine = await door.call(role, "executeXFlow", { app: "office", xflow: "my_tasks", input: {} });
    if (mine.ok) expect(mine.value.output.titles).toEqual(role === "admin" ? ["t-ed", "t-none", "t-vi-1", "t-vi-2"] : ["t-ed"]);
    const asViewer = await door.call(role, "executeXFlow", { app: "office", xflow: "tasks_as_viewer", input: {} });
    if (asViewer.ok) expect(asViewer.value.output.titles).toEqual(["t-vi-1", "t-vi-2"]);
    expect(mine.ok && asViewer.ok).toBe(MAY.runFlow.includes(role));
  });

  test("no credentials: refused at the door", async () => {
    const r = await door.call(null, "queryEntities", { app: "office", entity: "item" });
    expect(r.ok).toBe(false);
    expect((r as { refused: string }).refused).toBe("unauthenticated");
  });
});

describe("the runtime's own calls (JSON-RPC from the app UI)", () => {
  test.each(ROLES)("%s: metadata says what the role may do and leaves hidden fields out; grids and forms follow", async (role) => {
    const meta = await rpcDoor.call(role, "getModelMetadata", { app: "office" });
    expectOutcome(meta, true, "metadata");
    const note = (meta as any).value.entities.find((e: any) => e.name === "note");
    expect(note.fields.some((f: any) => f.name === "secret")).toBe(role !== "viewer");
    expect(note.access).toEqual({ list: true, read: true, create: role !== "viewer", update: role !== "viewer", delete: role === "admin" });
    const grid = await rpcDoor.call(role, "loadEntityData", { app: "office", entity: "task" });
    expect((grid as any).value.data.length).toBe(role === "admin" ? 4 : role === "editor" ? 1 : 2);
    const form = await rpcDoor.call(role, "getFormDefinition", { app: "office", entity: "note", id: ids.notes.admin });
    expect((form as any).value.record.data.secret === undefined).toBe(role === "viewer");
  });
});

describe("GraphQL (the Model Editor's API)", () => {
  const gql = async (role: Role | null, query: string, variables: Record<string, unknown> = {}): Promise<Outcome> => {
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth(role) },
      body: JSON.stringify({ query, variables }),
    });
    if (res.status === 401) return { ok: false, refused: "unauthenticated", message: "" };
    const body: any = await res.json();
    if (body.errors?.length)
      return { ok: false, refused: body.errors[0].extensions?.code === "FORBIDDEN" ? "forbidden" : "other", message: body.errors[0].message };
    return { ok: true, value: body.data };
  };

  test.each(ROLES)("%s: everyone signed in reads models; only the admin changes them and reads the audit log", async (role) => {
    const read = await gql(role, "{ models { id name version } }");
    expectOutcome(read, true, "read models");
    const create = await gql(role, 'mutation { createModel(name: "M-' + role + '") { model { id } errors { message } } }');
    expectOutcome(create, role === "admin", `${role} creates a model`);
    const audit = await gql(role, "{ auditLog(limit: 5) { action } }");
    expectOutcome(audit, role === "admin", `${role} reads the audit log`);
  });

  test("no credentials: 401", async () => {
    expect((await gql(null, "{ models { id } }")).ok).toBe(false);
  });
});

describe("the command line: trusted with the file, or acting as a user with --as", () => {
  test.each(ROLES)("%s: --as applies that user's rights", async (role) => {
    const r = await torque(["entity", "create", "office", "item", "--data", '{"name":"cli"}', "--db", db, "--as", user(role)], { cwd: dir });
    expect(r.code === 0).toBe(MAY.createItem.includes(role));
    if (r.code !== 0) expect(r.stderr).toMatch(/may not create item records/);
  });

  test("without --as the command line has every right (it holds the database file)", async () => {
    const r = await torque(["entity", "delete", "office", "note", ids.notes.viewer, "--db", db], { cwd: dir });
    expect(r.code).toBe(0);
  });
});

describe("every refusal is in the audit log with its actor and door", () => {
  test("denied entries name user, token and door", async () => {
    const s = await openTestServices(db);
    try {
      const denied = await s.audit.query({ action: "denied.*", limit: 1000 }, cliActor);
      const doors = new Set(denied.map((d) => d.door));
      for (const d of ["rpc", "ws", "mcp", "graphql", "cli"]) expect(doors).toContain(d as never);
      expect(denied.every((d) => d.actor.kind && d.actor.id)).toBe(true);
      expect(denied.some((d) => d.actor.kind === "token" && d.actor.id!.endsWith(":vi"))).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe("WebSocket subscriptions carry no row the subscriber may not read", () => {
  test("a viewer hears of its own tasks only, and of notes without their secret; an admin hears all", async () => {
    const listen = (role: Role) =>
      new Promise<{ ws: WebSocket; events: any[] }>((resolve) => {
        const ws = new WebSocket(`${server.url.replace("http", "ws")}/ws`, { headers: auth(role) } as never);
        const events: any[] = [];
        ws.onmessage = (m) => {
          const msg = JSON.parse(String(m.data));
          if (msg.method === "entityChanged") events.push(msg.params);
          else if (msg.id === 2) resolve({ ws, events });
        };
        ws.onopen = () => {
          ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { app: "office", entity: "task" } }));
          ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "subscribe", params: { app: "office", entity: "note" } }));
        };
      });
    const viewer = await listen("viewer");
    const admin = await listen("admin");
    for (const [title, assignee] of [
      ["sub-ed", "ed"],
      ["sub-vi", "vi"],
    ])
      expectOutcome(await rpcDoor.call("admin", "createEntity", { app: "office", entity: "task", data: { title, assignee } }), true, "create task");
    expectOutcome(
      await rpcDoor.call("admin", "createEntity", { app: "office", entity: "note", data: { title: "sub-note", owner: "ad", secret: "hush" } }),
      true,
      "note",
    );
    // A task moved out of the viewer's rows is told to it as gone, without its new values.
    const moved = await rpcDoor.call("admin", "createEntity", { app: "office", entity: "task", data: { title: "sub-move", assignee: "vi" } });
    await rpcDoor.call("admin", "updateEntity", { app: "office", entity: "task", id: (moved as any).value.id, data: { assignee: "ed", title: "moved away" } });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && admin.events.length < 5) await Bun.sleep(20);
    await Bun.sleep(100);
    const titles = (evs: any[]) => evs.filter((e) => e.entity === "task" && e.data).map((e) => e.data.title);
    expect(titles(admin.events)).toEqual(["sub-ed", "sub-vi", "sub-move", "moved away"]);
    expect(titles(viewer.events)).toEqual(["sub-vi", "sub-move"]);
    expect(viewer.events.find((e) => e.entity === "task" && e.op === "delete")).toMatchObject({ id: (moved as any).value.id });
    const note = (evs: any[]) => evs.find((e) => e.entity === "note")?.data;
    expect(note(admin.events).secret).toBe("hush");
    expect(note(viewer.events)).toEqual({ title: "sub-note", owner: "ad" });
    // Subscribing with a filter on a hidden field is refused.
    const refused = await new Promise<any>((resolve) => {
      viewer.ws.onmessage = (m) => resolve(JSON.parse(String(m.data)));
      viewer.ws.send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "subscribe", params: { app: "office", entity: "note", filter: { secret: "hush" } } }));
    });
    expect(refused.error.code).toBe(-32003);
    viewer.ws.close();
    admin.ws.close();
  });
});

describe("MCP: an agent sees only the tools its token allows", () => {
  test("a viewer's list has reading tools only; an admin's has design tools and the audit log", async () => {
    const names = async (role: Role) => (await (await mcpClient(role)).listTools()).tools.map((t) => t.name);
    const v = await names("viewer");
    expect(v).toEqual(expect.arrayContaining(["list_apps", "query_entities", "get_entity", "note_query", "note_get", "item_query"]));
    for (const n of [
      "create_entity",
      "update_entity",
      "delete_entity",
      "item_create",
      "note_update",
      "note_delete",
      "create_model",
      "add_field",
      "seed_app",
      "query_audit",
      "execute_xflow",
    ])
      expect(v).not.toContain(n);
    const e = await names("editor");
    expect(e).toEqual(expect.arrayContaining(["item_create", "note_create", "note_update", "execute_xflow"]));
    expect(e).not.toContain("note_delete");
    expect(e).not.toContain("add_field");
    const a = await names("admin");
    expect(a).toEqual(expect.arrayContaining(["note_delete", "add_field", "query_audit"]));
    const audit = await (await mcpClient("admin")).callTool({ name: "query_audit", arguments: { action: "denied.*", limit: 5 } });
    expect(audit.isError).toBeFalsy();
    expect(JSON.parse((audit.content as any)[0].text).length).toBeGreaterThan(0);
  });
});

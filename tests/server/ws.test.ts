// JSON-RPC over /ws and realtime subscriptions against the real server: writes through
// POST /rpc (another door) reach WebSocket subscribers as entityChanged notifications,
// filtered subscriptions hear only about their set, model saves arrive as modelChanged,
// and fan-out reaches hundreds of clients even when some vanish.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { systemActor } from "../../src/services/actor";
import { call, makeProject, rpc, startTestServer, type TestServer, WsClient } from "../helpers/server";

let s: TestServer, url: string, project: string;
const clients: WsClient[] = [];
const open = async () => {
  const c = await WsClient.open(s.wsUrl);
  clients.push(c);
  return c;
};
const task = (data: Record<string, unknown>) => rpc(url, "createEntity", { app: "todo", entity: "task", data: { project, ...data } });
const update = (id: string, data: Record<string, unknown>) => rpc(url, "updateEntity", { app: "todo", entity: "task", id, data });
const changeOf = (id: string, op?: string) => (n: any) => n.method === "entityChanged" && n.params.id === id && (op === undefined || n.params.op === op);
const QUIET_MS = 300; // how long "nothing arrives" is watched for

beforeAll(async () => {
  s = await startTestServer();
  url = s.url;
  project = await makeProject(url);
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(() => s.close());

describe("JSON-RPC over /ws", () => {
  test("the same methods as POST /rpc: createEntity then getEntity", async () => {
    const c = await open();
    const created = await c.rpc("createEntity", { app: "todo", entity: "task", data: { title: "over ws", project } });
    expect(created).toMatchObject({ version: 1, data: { title: "over ws", status: "open" } });
    expect(await c.rpc("getEntity", { app: "todo", entity: "task", id: created.id })).toEqual(created);
    expect((await rpc(url, "getEntity", { app: "todo", entity: "task", id: created.id })).data.title).toBe("over ws"); // visible over HTTP too
    expect((await c.call("createEntity", { app: "todo", entity: "task", data: { project } })).error).toMatchObject({ code: -32001 });
  });

  test("a malformed message gets a -32700 reply and the connection keeps working", async () => {
    const c = await open();
    expect(await c.sendRaw("{not json")).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32700 } });
    expect(await c.rpc("ping")).toBe("pong");
  });

  test("a batch gets one array answering each member", async () => {
    const c = await open();
    const reply = await c.sendRaw(
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "ping" },
        { jsonrpc: "2.0", id: 2, method: "createEntity", params: { app: "todo", entity: "task", data: { title: "batched", project } } },
        { jsonrpc: "2.0", id: 3, method: "nope" },
      ]),
    );
    expect(Array.isArray(reply)).toBe(true);
    const byId = new Map(reply.map((m: any) => [m.id, m]));
    expect(byId.get(1)).toMatchObject({ result: "pong" });
    expect(byId.get(2)).toMatchObject({ result: { data: { title: "batched" } } });
    expect(byId.get(3)).toMatchObject({ error: { code: -32601 } });
  });
});

describe("subscriptions", () => {
  test("a write through POST /rpc reaches an app subscriber as entityChanged (create)", async () => {
    const c = await open();
    const { subscription } = await c.rpc("subscribe", { app: "todo" });
    expect(typeof subscription).toBe("string");
    const t = await task({ title: "hello subscribers" });
    const n = await c.waitFor(changeOf(t.id));
    expect(n).toBeDefined();
    expect(n.params).toMatchObject({
      subscription,
      app: "todo",
      entity: "task",
      id: t.id,
      op: "create",
      version: 1,
      data: { title: "hello subscribers", status: "open", project },
    });
  });

  test("a filtered subscription hears only changes that enter, stay in or leave its set", async () => {
    const c = await open();
    const { subscription } = await c.rpc("subscribe", { app: "todo", entity: "task", filter: { status: "done" } });
    const t = await task({ title: "filtered", status: "open" });
    await makeProject(url); // another entity type: never for this subscription
    expect(await c.waitFor(() => true, QUIET_MS)).toBeUndefined();

    await update(t.id, { status: "done" }); // enters the set
    const entered = await c.waitFor(changeOf(t.id, "update"));
    expect(entered?.params).toMatchObject({ subscription, entity: "task", id: t.id, op: "update", version: 2, data: { status: "done" } });

    await update(t.id, { status: "doing" }); // leaves it: the subscriber must learn it is gone
    const left = await c.waitFor((n) => changeOf(t.id, "update")(n) && n.params.version === 3);
    expect(left?.params.data.status).toBe("doing");

    await update(t.id, { status: "open" }); // outside before and after
    expect(await c.waitFor((n) => n.params.version === 4, QUIET_MS)).toBeUndefined();
    expect(c.notifications.map((n) => n.params.version)).toEqual([2, 3]);
  });

  test("deleteEntity arrives as op delete", async () => {
    const c = await open();
    const t = await task({ title: "doomed" });
    await c.rpc("subscribe", { app: "todo", entity: "task" });
    await rpc(url, "deleteEntity", { app: "todo", entity: "task", id: t.id });
    const n = await c.waitFor(changeOf(t.id, "delete"));
    expect(n?.params).toMatchObject({ app: "todo", entity: "task", id: t.id, op: "delete" });
  });

  test("a model save arrives as modelChanged with the new version", async () => {
    const c = await open();
    const { subscription } = await c.rpc("subscribe", { app: "todo" });
    const current = await s.services.models.get(s.models.todo!);
    const doc = structuredClone(current.doc) as { description?: string };
    doc.description = "changed while subscribed";
    const saved = await s.services.models.save(current.id, doc, systemActor);
    expect(saved.version).toBe(current.version + 1);
    const n = await c.waitFor((m) => m.method === "modelChanged");
    expect(n?.params).toEqual({ subscription, app: "todo", modelId: current.id, version: saved.version });
    expect((await rpc(url, "getModelMetadata", { app: "todo" })).model.version).toBe(saved.version);
  });

  test("unsubscribe stops notifications (another subscriber still hears the write)", async () => {
    const [c, witness] = [await open(), await open()];
    const { subscription } = await c.rpc("subscribe", { app: "todo" });
    await witness.rpc("subscribe", { app: "todo" });
    expect(await c.rpc("unsubscribe", { subscription })).toEqual({ unsubscribed: true });
    expect(await c.rpc("unsubscribe", { subscription })).toEqual({ unsubscribed: false });
    expect(await witness.rpc("unsubscribe", { subscription })).toEqual({ unsubscribed: false }); // not theirs
    const t = await task({ title: "after unsubscribe" });
    expect(await witness.waitFor(changeOf(t.id))).toBeDefined();
    expect(await c.waitFor(() => true, QUIET_MS)).toBeUndefined();
  });

  test("subscribe errors: unknown app -32004, unknown filter field -32001, HTTP /rpc -32601", async () => {
    const c = await open();
    expect((await c.call("subscribe", { app: "nope" })).error).toMatchObject({ code: -32004 });
    const bad = (await c.call("subscribe", { app: "todo", entity: "task", filter: { nofield: 1 } })).error;
    expect(bad).toMatchObject({ code: -32001 });
    expect(bad!.data).toEqual([expect.objectContaining({ field: "filter.nofield" })]);
    expect((await c.call("subscribe", { app: "todo", entity: "nope" })).error).toMatchObject({ code: -32004 });
    expect((await c.call("subscribe", { app: 5 })).error).toMatchObject({ code: -32602 });
    expect((await call(url, "subscribe", { app: "todo" })).error).toMatchObject({ code: -32601 });
    expect((await call(url, "unsubscribe", { subscription: "s1" })).error).toMatchObject({ code: -32601 });
    // A refused subscription hears nothing.
    await task({ title: "nobody listens" });
    expect(await c.waitFor(() => true, QUIET_MS)).toBeUndefined();
  });
});

describe("fan-out", () => {
  const many = async (n: number) => {
    const list = await Promise.all(Array.from({ length: n }, () => open()));
    await Promise.all(list.map((c) => c.rpc("subscribe", { app: "todo", entity: "task" })));
    return list;
  };

  test("one write reaches all 200 subscribers", async () => {
    const list = await many(200);
    const t = await task({ title: "broadcast" });
    const got = await Promise.all(list.map((c) => c.waitFor(changeOf(t.id, "create"), 10_000)));
    expect(got.filter(Boolean).length).toBe(200);
  });

  test("50 subscribers vanishing abruptly do not break delivery to the other 150", async () => {
    const list = await many(200);
    const [gone, kept] = [list.slice(0, 50), list.slice(50)];
    for (const c of gone) c.ws.terminate();
    const first = await task({ title: "after the crash" });
    const second = await task({ title: "and once more" });
    for (const t of [first, second]) {
      const got = await Promise.all(kept.map((c) => c.waitFor(changeOf(t.id, "create"), 10_000)));
      expect(got.filter(Boolean).length).toBe(150);
    }
    expect(await rpc(url, "ping")).toBe("pong");
  });

  test("a paused subscriber holds up neither writes nor the other subscribers", async () => {
    const [stalled, reader] = [await open(), await open()];
    await stalled.rpc("subscribe", { app: "todo", entity: "task" });
    await reader.rpc("subscribe", { app: "todo", entity: "task" });
    expect(stalled.ws.pause()).toBe(true);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await task({ title: `while paused ${i}` }));
    for (const t of made) expect(await reader.waitFor(changeOf(t.id, "create"))).toBeDefined();
    expect(stalled.notifications).toHaveLength(0);
    stalled.ws.resume(); // a short pause loses nothing
    for (const t of made) expect(await stalled.waitFor(changeOf(t.id, "create"))).toBeDefined();
  });

  test("after a large burst, every subscriber still connected keeps hearing changes", async () => {
    const [stalled, reader] = [await open(), await open()];
    await stalled.rpc("subscribe", { app: "todo", entity: "task" });
    await reader.rpc("subscribe", { app: "todo", entity: "task" });
    const closed = new Set<WsClient>();
    for (const c of [stalled, reader]) c.ws.addEventListener("close", () => closed.add(c));
    stalled.ws.pause();
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ title: `flood ${i}`, notes: "n".repeat(200), project }));
    expect((await rpc(url, "bulkImport", { app: "todo", entity: "task", format: "json", data: rows })).inserted).toBe(10_000);
    const later = await task({ title: "after the flood" });
    expect(await reader.waitFor(changeOf(later.id, "create"), 10_000)).toBeDefined();
    stalled.ws.resume();
    // Disconnected (it knows to reload) or still subscribed: never open but deaf.
    const heard = await stalled.waitFor(changeOf(later.id, "create"), 10_000);
    expect(closed.has(stalled) || heard !== undefined).toBe(true);
  }, 60_000);
});

// Two `torque server` processes on one PostgreSQL database behave as one (SPEC §9): a
// write on one reaches the other's WebSocket subscribers, a model saved on one is served
// by the other at once (and announced to its MCP clients), a schedule fires once per due
// time across both, a webhook run is recorded once, and a unique value raced from both
// leaves one winner and a clear refusal for the rest. PostgreSQL only (SQLite serves one
// machine): part of the suite `npm test` runs on PostgreSQL.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { onPostgres, testDatabase } from "../helpers/db";
import { type Child, call, rpc, sleep, spawnServer, WsClient } from "../helpers/server";
import { httpClient, until } from "../mcp/helpers";

const flow = (name: string, trigger: Record<string, unknown>) => ({
  name,
  trigger,
  nodes: [
    { id: "start", type: "start" },
    { id: "end", type: "end" },
  ],
  edges: [{ from: "start", to: "end" }],
});

const MODEL = {
  name: "Shop",
  entities: [
    {
      name: "item",
      fields: [
        { name: "code", type: "text", unique: true },
        { name: "label", type: "text" },
      ],
    },
  ],
  xflows: [flow("every_second", { type: "schedule", cron: "* * * * * *" }), flow("hook", { type: "webhook" })],
};

describe.if(onPostgres)("two servers on one PostgreSQL database", () => {
  let dir: string, db: string, a: Child, b: Child;
  const ws: WsClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "torque-two-"));
    db = await testDatabase(dir, "unused.db");
    const s = await openServices(db);
    const m = await s.models.create(structuredClone(MODEL), systemActor);
    await s.apps.create(m.id, "shop", systemActor);
    await s.close();
    [a, b] = await Promise.all([spawnServer(db), spawnServer(db)]);
  });
  afterAll(async () => {
    for (const c of ws) c.close();
    for (const c of [a, b]) {
      c?.proc.kill("SIGTERM");
      await c?.proc.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const create = (on: Child, data: Record<string, unknown>) => call(on.url, "createEntity", { app: "shop", entity: "item", data });

  test("a write on one server reaches a WebSocket subscriber of the other, data included", async () => {
    const c = await WsClient.open(`${b.url.replace("http", "ws")}/ws`);
    ws.push(c);
    await c.rpc("subscribe", { app: "shop", entity: "item", filter: { label: { startsWith: "ws" } } });
    const made = await rpc(a.url, "createEntity", { app: "shop", entity: "item", data: { code: "W1", label: "ws one" } });
    const heard = await c.waitFor((n) => n.method === "entityChanged" && n.params.id === made.id, 5000);
    expect(heard?.params).toMatchObject({ op: "create", version: 1, data: { code: "W1", label: "ws one" } });
    // An update on A that takes the record out of B's subscriber's filter still reaches it.
    await rpc(a.url, "updateEntity", { app: "shop", entity: "item", id: made.id, data: { label: "moved away" } });
    expect(await c.waitFor((n) => n.method === "entityChanged" && n.params.id === made.id && n.params.op === "update", 5000)).toBeDefined();
    // A record written on A is read on B at once (no stale row cache).
    expect((await rpc(b.url, "getEntity", { app: "shop", entity: "item", id: made.id })).data.label).toBe("moved away");
  });

  test("a model saved on one server is served by the other at once, and its MCP clients hear of it", async () => {
    const mcp = await httpClient(b.url, { app: "shop" });
    try {
      await mcp.streamOpen;
      let changed = 0;
      mcp.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void changed++);
      const res = await fetch(`${a.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: 'mutation { addField(model: "Shop", entity: "item", field: {name: "price", type: "number"}) { model { version } errors { message } } }',
        }),
      });
      expect((await res.json()).data.addField.errors).toEqual([]);
      // The very next request on B knows the new field.
      const made = await rpc(b.url, "createEntity", { app: "shop", entity: "item", data: { code: "P1", price: 9.5 } });
      expect(made.data.price).toBe(9.5);
      expect(await until(() => changed > 0, 5000)).toBe(true);
    } finally {
      await mcp.close();
    }
  });

  test("a unique value raced from both servers: exactly one winner, a clear refusal for every other", async () => {
    const tries = await Promise.all(Array.from({ length: 16 }, (_, i) => create(i % 2 ? a : b, { code: "RACE", label: `try ${i}` })));
    const won = tries.filter((r) => r.result);
    expect(won).toHaveLength(1);
    for (const r of tries.filter((x) => x.error)) {
      expect(r.error!.code).toBe(-32001);
      expect(r.error!.message).toContain("code must be unique");
    }
  });

  test("a webhook run is recorded once", async () => {
    const res = await fetch(`${a.url}/hooks/shop/hook`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: 1 }) });
    expect(res.status).toBe(200);
    // A server writes its run records in batches: asking it writes what it holds first.
    for (const on of [a, b]) {
      const runs = (await rpc(on.url, "listXFlowRuns", { app: "shop", xflow: "hook" })) as { trigger: string }[];
      expect(runs.map((r) => r.trigger)).toEqual(["webhook"]);
    }
  });

  test("a flow scheduled every second runs once per due time across both servers", async () => {
    await sleep(3500);
    const runs = (await rpc(a.url, "listXFlowRuns", { app: "shop", xflow: "every_second", limit: 1000 })) as { input: { scheduled: string } }[];
    const due = runs.map((r) => r.input.scheduled);
    expect(due.length).toBeGreaterThanOrEqual(3);
    expect(new Set(due).size).toBe(due.length); // no due time ran twice
    for (const t of due) expect(t).toMatch(/:\d\d\.000Z$/); // named by the due time itself, not the moment a server woke
  });
});

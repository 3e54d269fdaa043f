// Issue 9 over the real server: the row cache's hit rate on /health moves with getEntity
// reads, and aggregateEntities answers over JSON-RPC with its errors mapped.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rpc, rpcError, startTestServer, type TestServer } from "../helpers/server";

describe("cache statistics and aggregates over HTTP", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());
  const health = async () => (await (await fetch(`${s.url}/health`)).json()).cache as { hits: number; misses: number; hitRate: number };

  test("/health reports the row cache's hits, misses and hit rate, and they move with reads", async () => {
    const project = await rpc(s.url, "createEntity", { app: "todo", entity: "project", data: { name: "P" } });
    const before = await health();
    for (const k of ["hits", "misses", "hitRate"] as const) expect(typeof before[k]).toBe("number");
    // The first read misses and fills the cache; the next nine are hits.
    for (let i = 0; i < 10; i++) await rpc(s.url, "getEntity", { app: "todo", entity: "project", id: project.id });
    const after = await health();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(9);
    expect(after.hitRate).toBeCloseTo(after.hits / (after.hits + after.misses), 10);
    expect(after.hitRate).toBeGreaterThan(before.hitRate);
  });

  test("aggregateEntities groups in the database; bad requests name the problem", async () => {
    const project = await rpc(s.url, "createEntity", { app: "todo", entity: "project", data: { name: "Q" } });
    for (const [status, priority] of [
      ["open", 1],
      ["open", 4],
      ["done", 5],
    ] as const)
      await rpc(s.url, "createEntity", { app: "todo", entity: "task", data: { title: "t", status, priority, project: project.id } });
    const r = await rpc(s.url, "aggregateEntities", {
      app: "todo",
      entity: "task",
      filter: { project: project.id },
      groupBy: "status",
      aggregates: [{ op: "count" }, { op: "sum", field: "priority" }, { op: "max", field: "priority" }],
    });
    expect(r).toEqual({
      groups: [
        { key: "done", values: [1, 5, 5] },
        { key: "open", values: [2, 5, 4] },
      ],
      limited: false,
    });
    const shape = await rpcError(s.url, "aggregateEntities", { app: "todo", entity: "task", aggregates: [{ op: "median", field: "priority" }] });
    expect(shape.code).toBe(-32602);
    const wrong = await rpcError(s.url, "aggregateEntities", { app: "todo", entity: "task", groupBy: "title", aggregates: [{ op: "sum", field: "title" }] });
    expect(wrong.code).toBe(-32001);
    expect(JSON.stringify(wrong.data)).toContain("sum needs a number or integer field; title is text");
    expect(JSON.stringify(wrong.data)).toContain("groupBy.field");
  });
});

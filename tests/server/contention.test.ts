// Plain updates (no expectedVersion) racing on one record over JSON-RPC against the real
// server: every one applies, in commit order, each a new version.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { call, makeProject, rpc, startTestServer, type TestServer } from "../helpers/server";

let s: TestServer;
beforeAll(async () => void (s = await startTestServer({ apps: ["todo"] })));
afterAll(() => s.close());

test("a burst of 50 concurrent updateEntity calls on one task all succeed; the task ends at version 51", async () => {
  const project = await makeProject(s.url);
  const task = await rpc(s.url, "createEntity", { app: "todo", entity: "task", data: { title: "t", project } });
  const replies = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      call(s.url, "updateEntity", { app: "todo", entity: "task", id: task.id, data: { priority: 1 + (i % 5), notes: `n${i}` } }),
    ),
  );
  expect(replies.filter((r) => r.error).map((r) => r.error!.message)).toEqual([]);
  expect(replies.map((r) => r.result.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
  const now = await rpc(s.url, "getEntity", { app: "todo", entity: "task", id: task.id });
  expect(now.version).toBe(51);
  expect(now.data.notes).toBe(replies.find((r) => r.result.version === 51)!.result.data.notes);
});

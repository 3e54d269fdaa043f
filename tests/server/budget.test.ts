// Batches and answers are bounded (rpc/protocol.ts AnswerBudget), against the real server
// and a real SQLite file. A batch of 15 slow queries used to hold /health for 12.6 s, and
// a batch of 1,000 pages of 1,000 rows made a 412 MB answer: now a batch yields to the
// event loop between members, stops starting members when its time is spent, and no
// answer (a batch's together) grows past its byte budget. Small budgets keep this fast.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ANSWER_TOO_LARGE, NOT_RUN } from "../../src/rpc/protocol";
import { systemActor } from "../../src/services/actor";
import { makeProject, post, rpc, startTestServer, type TestServer, WsClient } from "../helpers/server";

let roomy: TestServer, tight: TestServer;

/**
 * 2,000 tasks with some text (a page of 200 is ~100 KB: reading and writing it out is work
 * on the server's thread, however fast queries become), and a manual workflow `spin` whose
 * script takes 25 ms of wall time (on a worker thread), a member of known length.
 */
async function seed(s: TestServer) {
  const project = await makeProject(s.url);
  const rows = Array.from({ length: 2000 }, (_, i) => ({ title: `task ${i} ${"x".repeat(50)}`, project, notes: "n".repeat(200) }));
  expect((await s.services.entities.insertMany("todo", "task", rows, { actor: systemActor })).inserted).toBe(2000);
  await s.services.models.edit(s.models.todo!, { op: "addXFlow", xflow: SPIN }, systemActor);
}
const SPIN = {
  name: "spin",
  trigger: { type: "manual" },
  nodes: [
    { id: "start", type: "start" },
    { id: "wait", type: "script", code: "const t = Date.now(); while (Date.now() - t < 25) {} return {};" },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "wait" },
    { from: "wait", to: "end" },
  ],
};

/** `n` runs of `spin`: each member takes at least 25 ms. */
const spins = (n: number) => Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "executeXFlow", params: { app: "todo", xflow: "spin" } }));

/** `n` queries answering pages of `limit` tasks (~330 bytes each). */
const pages = (n: number, limit: number) =>
  Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "queryEntities", params: { app: "todo", entity: "task", limit } }));

beforeAll(async () => {
  roomy = await startTestServer({ server: { answers: { batchMs: 60_000, answerBytes: 1e9 } } });
  tight = await startTestServer({ server: { answers: { batchMs: 100, answerBytes: 50_000 } } });
  await seed(roomy);
  await seed(tight);
});
afterAll(async () => {
  await roomy.close();
  await tight.close();
});

describe("a batch shares the server", () => {
  test("/health is answered while a long batch runs (members run one per event-loop turn)", async () => {
    // The server runs in this process: a timer here fires late exactly when the batch holds the thread.
    const started = performance.now();
    let batchDone = 0;
    const batch = post(roomy.url, JSON.stringify(pages(300, 200))).then((r) => {
      batchDone = performance.now() - started;
      return r;
    });
    await Bun.sleep(50);
    const healthSent = performance.now() - started;
    await (await fetch(`${roomy.url}/health`)).json();
    const healthDone = performance.now() - started;
    const r = await batch;
    expect(r.json).toHaveLength(300);
    expect(r.json.every((m: any) => m.result?.data.length === 200)).toBe(true);
    // Qualitative: the event loop turned while the batch ran (before: the timer fired only
    // when the whole batch was done), and /health was answered before the batch.
    expect(healthSent).toBeLessThan(batchDone / 2);
    expect(healthDone).toBeLessThan(batchDone);
  });

  test("members not started when the time budget is spent are answered -32010 (send again); every id is answered once", async () => {
    const r = await post(tight.url, JSON.stringify(spins(20)));
    expect(r.status).toBe(200);
    const answers: any[] = r.json;
    expect(answers.map((a) => a.id)).toEqual([...Array(20).keys()]);
    const ran = answers.filter((a) => a.result);
    const notRun = answers.filter((a) => a.error);
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.length).toBeLessThanOrEqual(5); // 100 ms of 25 ms members, and the one that crosses it
    expect(ran.every((a) => a.result.status === "succeeded")).toBe(true);
    // Order: what ran came first, the rest was not started.
    expect(answers.findIndex((a) => a.error)).toBe(ran.length);
    for (const e of notRun) {
      expect(e.error.code).toBe(NOT_RUN);
      expect(e.error.message).toContain("time budget of 100 ms");
      expect(e.error.message).toContain("send this call again");
    }
  });

  test("a notification past the time budget is not run (it has no answer to carry an error)", async () => {
    const name = `late-${crypto.randomUUID()}`;
    const batch = [...spins(10), { jsonrpc: "2.0", method: "createEntity", params: { app: "todo", entity: "project", data: { name } } }];
    const r = await post(tight.url, JSON.stringify(batch));
    expect(r.json.at(-1).error.code).toBe(NOT_RUN);
    const found = await rpc(tight.url, "queryEntities", { app: "todo", entity: "project", filter: { name } });
    expect(found.data).toHaveLength(0);
  });
});

describe("answers have a byte budget", () => {
  test("a batch's answer stops at the budget: the member that crosses it is -32011, the rest -32010; the answer stays small", async () => {
    const r = await post(tight.url, JSON.stringify(pages(50, 20))); // ~6.6 KB per page: 50 pages ≈ 330 KB
    const answers: any[] = r.json;
    expect(answers).toHaveLength(50);
    expect(Buffer.byteLength(r.text)).toBeLessThan(50_000 + 50 * 300);
    const firstError = answers.findIndex((a) => a.error);
    expect(firstError).toBeGreaterThan(0);
    expect(answers[firstError].error.code).toBe(ANSWER_TOO_LARGE);
    expect(answers[firstError].error.message).toMatch(/^answer too large: .*limit of 50,000 bytes/);
    for (const a of answers.slice(firstError + 1)) {
      expect(a.error.code).toBe(NOT_RUN);
      expect(a.error.message).toContain("reached its limit of 50,000 bytes");
    }
  });

  test("a single answer over the budget is refused with -32011 rather than sent", async () => {
    const r = await post(
      tight.url,
      JSON.stringify({ jsonrpc: "2.0", id: "big", method: "queryEntities", params: { app: "todo", entity: "task", limit: 1000 } }),
    );
    expect(r.json.id).toBe("big");
    expect(r.json.error.code).toBe(ANSWER_TOO_LARGE);
    expect(r.json.error.message).toContain("ask for less");
    expect(r.text.length).toBeLessThan(1000);
    // Within the budget it is answered as always.
    expect((await rpc(tight.url, "queryEntities", { app: "todo", entity: "task", limit: 10 })).data).toHaveLength(10);
  });

  test("/ws applies the same budgets", async () => {
    const ws = await WsClient.open(tight.wsUrl);
    try {
      const big = await ws.call("queryEntities", { app: "todo", entity: "task", limit: 1000 });
      expect(big.error?.code).toBe(ANSWER_TOO_LARGE);
      const answers = await ws.sendRaw(JSON.stringify(pages(50, 20).map((m) => ({ ...m, id: `b${m.id}` }))));
      expect(answers).toHaveLength(50);
      expect(answers.some((a: any) => a.error?.code === ANSWER_TOO_LARGE)).toBe(true);
      expect(answers.at(-1).error.code).toBe(NOT_RUN);
    } finally {
      ws.close();
    }
  });
});

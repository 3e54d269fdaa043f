// Conformance of every registered node type: its `type` is its key, `check` accepts a
// minimal valid node and names the setting of an invalid one, and it does its job inside
// a small flow run by the engine with a real Sandbox, over the real services of a todo
// app on a temp SQLite file (the engine host is the one the services build).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeKinds } from "./registry";
import { runFlow } from "../engine";
import type { EngineHost, FlowDef, NodeDef, RunRecord } from "../types";
import { Sandbox } from "../../sandbox/sandbox";
import { openServices, type Services } from "../../services";
import { engineHost } from "../../services/xflow/host";
import { templates } from "../../model/templates";
import { systemActor } from "../../services/actor";

type N = Record<string, unknown> & { id: string; type: string };

/** Per type: a minimal valid node, and invalid ones with the setting their problem must name. */
const examples: Record<string, { valid: Record<string, unknown>; invalid: [Record<string, unknown>, string][] }> = {
  start: { valid: {}, invalid: [] },
  end: { valid: {}, invalid: [] },
  parallel: { valid: {}, invalid: [] },
  join: { valid: {}, invalid: [] },
  error: { valid: { message: "no" }, invalid: [[{}, "message"], [{ message: " " }, "message"]] },
  script: { valid: { code: "return 1;" }, invalid: [[{}, "code"], [{ code: 42 }, "code"]] },
  condition: { valid: { expression: "input.ok" }, invalid: [[{}, "expression"]] },
  transform: { valid: { expression: "input" }, invalid: [[{}, "expression"]] },
  entityQuery: { valid: { entity: "task" }, invalid: [[{}, "entity"], [{ entity: "task", filter: [1] }, "filter"], [{ entity: "task", limit: 0 }, "limit"]] },
  entityWrite: {
    valid: { entity: "task", operation: "create" },
    invalid: [[{ operation: "create" }, "entity"], [{ entity: "task", operation: "merge" }, "operation"], [{ entity: "project", operation: "upsert" }, "matchField"]],
  },
  http: { valid: { url: "http://127.0.0.1/" }, invalid: [[{}, "url"], [{ url: "http://x/", headers: "a: b" }, "headers"]] },
  subflow: { valid: { flow: "other" }, invalid: [[{}, "flow"]] },
  delay: { valid: { ms: 0 }, invalid: [[{}, "ms"], [{ ms: -5 }, "ms"], [{ ms: 3_600_000 }, "ms"]] },
  log: { valid: { message: "hi" }, invalid: [[{}, "message"]] },
};

describe("every node type", () => {
  test("has an example in this table (a new type must come with its tests)", () => {
    expect(Object.keys(examples).sort()).toEqual(Object.keys(nodeKinds).sort());
  });
  for (const [key, kind] of Object.entries(nodeKinds)) {
    test(`${key}: type matches its key; check accepts a valid node and names the bad setting`, () => {
      expect(kind.type).toBe(key);
      const ex = examples[key]!;
      expect(kind.check({ id: "n", type: key, ...ex.valid } as NodeDef)).toEqual([]);
      for (const [bad, setting] of ex.invalid) {
        const problems = kind.check({ id: "n", type: key, ...bad } as NodeDef);
        expect(problems.length, `${key} ${JSON.stringify(bad)}`).toBeGreaterThan(0);
        expect(problems.some((p) => p.startsWith(`${setting}: `)), `${JSON.stringify(problems)} should name ${setting}`).toBe(true);
      }
    });
  }
});

// ---- a real app, a real sandbox, a real HTTP server on the allow-list ----

const dir = mkdtempSync(join(tmpdir(), "torque-nodes-"));
const sandbox = new Sandbox();
let s: Services;
let host: EngineHost;
let projectId: string;
let echo: ReturnType<typeof Bun.serve>;
const flows: Record<string, FlowDef> = {};
const typesRun = new Set<string>();

beforeAll(async () => {
  echo = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => Response.json({ method: req.method, path: new URL(req.url).pathname, body: req.method === "GET" ? null : await req.json(), auth: req.headers.get("x-auth") }),
  });
  s = await openServices(join(dir, "nodes.db"));
  const model = { ...structuredClone(templates.todo), settings: { fetchAllowList: [`127.0.0.1:${echo.port}`] } };
  const m = await s.models.create(model, systemActor);
  await s.apps.create(m.id, "todo", systemActor);
  projectId = (await s.entities.create("todo", "project", { name: "Home" }, { actor: systemActor })).id;
  const rt = await s.apps.runtime("todo");
  host = engineHost(s, rt, { kind: "workflow", id: "nodes-test", depth: 1 }, (name, input, depth) => {
    const f = flows[name];
    if (!f) throw new Error(`no flow ${name}`);
    return run(f, input, { depth });
  });
});

afterAll(async () => {
  echo?.stop(true);
  sandbox.close();
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
async function run(flow: FlowDef, input: unknown = {}, opts: { timeoutMs?: number; depth?: number } = {}): Promise<RunRecord> {
  const r = await runFlow(flow, input, host, sandbox, { runId: `run-${++runs}`, app: "todo", trigger: "manual", timeoutMs: opts.timeoutMs ?? 10_000, depth: opts.depth ?? 0 });
  for (const n of r.nodes) if (n.status === "succeeded") typesRun.add(n.type);
  return r;
}

/** start → nodes… → end, in a line. */
function line(name: string, ...nodes: N[]): FlowDef {
  const all: N[] = [{ id: "start", type: "start" }, ...nodes, { id: "end", type: "end" }];
  return { name, nodes: all, edges: all.slice(1).map((n, i) => ({ from: all[i]!.id, to: n.id })) } as FlowDef;
}

async function succeeds(flow: FlowDef, input: unknown = {}): Promise<RunRecord> {
  const r = await run(flow, input);
  expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
  return r;
}

const newTask = (title: string, extra: Record<string, unknown> = {}) => s.entities.create("todo", "task", { title, project: projectId, ...extra }, { actor: systemActor });

describe("running each node type", () => {
  test("start and end pass the input through; each node's timing is recorded", async () => {
    const r = await succeeds(line("pass"), { a: 1, list: [1, 2] });
    expect(r.output).toEqual({ a: 1, list: [1, 2] });
    expect(r.nodes.map((n) => [n.id, n.status, n.attempts])).toEqual([["start", "succeeded", 1], ["end", "succeeded", 1]]);
    for (const n of r.nodes) expect(n.ms).toBeGreaterThanOrEqual(0);
  });

  test("an error node fails the run with its message and its node id", async () => {
    const r = await run(line("fail", { id: "nope", type: "error", message: "orders over 1000 need approval" }));
    expect(r.status).toBe("failed");
    expect(r.error).toEqual({ node: "nope", message: "orders over 1000 need approval" });
    expect(r.output).toBeUndefined();
  });

  test("a script's return value flows on; its ctx.log lines are in the node's logs", async () => {
    const r = await succeeds(line("calc", { id: "calc", type: "script", code: 'ctx.log("qty", input.qty); ctx.log("run of " + ctx.run.flow); return { total: input.qty * input.price };' }), { qty: 3, price: 7 });
    expect(r.output).toEqual({ total: 21 });
    expect(r.nodes.find((n) => n.id === "calc")!.logs).toEqual(["qty 3", "run of calc"]);
  });

  test("a failing script fails the run naming the node and the script's error", async () => {
    const r = await run(line("boom", { id: "calc", type: "script", code: 'throw new Error("price missing");' }));
    expect(r.status).toBe("failed");
    expect(r.error?.node).toBe("calc");
    expect(r.error?.message).toContain("price missing");
  });

  test("a condition follows its true or false edge", async () => {
    const f = {
      name: "branch",
      nodes: [
        { id: "start", type: "start" },
        { id: "big", type: "condition", expression: "input.total > 1000" },
        { id: "yes", type: "transform", expression: '({ ...input, size: "big" })' },
        { id: "no", type: "transform", expression: '({ ...input, size: "small" })' },
        { id: "end", type: "end" },
      ],
      edges: [{ from: "start", to: "big" }, { from: "big", to: "yes", when: "true" }, { from: "big", to: "no", when: "false" }, { from: "yes", to: "end" }, { from: "no", to: "end" }],
    } as FlowDef;
    expect((await succeeds(f, { total: 5000 })).output).toEqual({ total: 5000, size: "big" });
    const small = await succeeds(f, { total: 5 });
    expect(small.output).toEqual({ total: 5, size: "small" });
    expect(small.nodes.map((n) => n.id)).not.toContain("yes");
  });

  test("a transform's value is the output", async () => {
    const r = await succeeds(line("t", { id: "t", type: "transform", expression: "input.items.filter((x) => x % 2).map((x) => x * 10)" }), { items: [1, 2, 3] });
    expect(r.output).toEqual([10, 30]);
  });

  test("entityQuery with a JSON filter and with a filterExpression", async () => {
    await newTask("q-open-1");
    await newTask("q-done-1", { status: "done" });
    await newTask("q-done-2", { status: "done" });
    const byFilter = await succeeds(line("q1", { id: "q", type: "entityQuery", entity: "task", filter: { status: "done", title: { startsWith: "q-" } }, sort: [{ field: "title" }] }));
    expect((byFilter.output as any[]).map((r) => r.data.title)).toEqual(["q-done-1", "q-done-2"]);
    const byExpr = await succeeds(line("q2", { id: "q", type: "entityQuery", entity: "task", filterExpression: "({ title: { startsWith: input.prefix }, status: input.status })", limit: 5 }), { prefix: "q-", status: "open" });
    expect((byExpr.output as any[]).map((r) => r.data.title)).toEqual(["q-open-1"]);
  });

  test("entityWrite create, update, delete and upsert change the app's data", async () => {
    const created = await succeeds(line("c", { id: "w", type: "entityWrite", entity: "task", operation: "create", dataExpression: "({ title: input.t, project: input.p, priority: 5 })" }), { t: "written", p: projectId });
    const rec = created.output as any;
    expect((await s.entities.get("todo", "task", rec.id)).data).toMatchObject({ title: "written", priority: 5, status: "open" });

    await succeeds(line("u", { id: "w", type: "entityWrite", entity: "task", operation: "update" }), { id: rec.id, data: { status: "done" } });
    expect((await s.entities.get("todo", "task", rec.id)).data.status).toBe("done");

    // Writes are validated like any other: a bad value fails the node.
    const bad = await run(line("u2", { id: "w", type: "entityWrite", entity: "task", operation: "update", idExpression: "input.key", dataExpression: "({ priority: 99 })" }), { key: rec.id });
    expect(bad.status).toBe("failed");
    expect(bad.error?.node).toBe("w");
    expect(bad.error?.message).toContain("priority");

    await succeeds(line("d", { id: "w", type: "entityWrite", entity: "task", operation: "delete", idExpression: "input.key" }), { key: rec.id });
    expect(await s.entities.get("todo", "task", rec.id).catch((e) => e.code)).toBe("not_found");

    const upsert = line("up", { id: "w", type: "entityWrite", entity: "project", operation: "upsert", matchField: "name" });
    const first = (await succeeds(upsert, { name: "Garden", description: "v1" })).output as any;
    const second = (await succeeds(upsert, { name: "Garden", description: "v2" })).output as any;
    expect(second.id).toBe(first.id);
    const gardens = await s.entities.query("todo", "project", { filter: { name: "Garden" } });
    expect(gardens.data.map((r) => r.data.description)).toEqual(["v2"]);
  });

  test("http calls a host on the allow-list and refuses one that is not", async () => {
    const url = `http://127.0.0.1:${echo.port}/orders`;
    const post = await succeeds(line("h", { id: "h", type: "http", url, method: "post", headers: { "x-auth": "k1" } }), { qty: 2 });
    expect(post.output).toMatchObject({ status: 200, body: { method: "POST", path: "/orders", body: { qty: 2 }, auth: "k1" } });
    const get = await succeeds(line("h2", { id: "h", type: "http", url }));
    expect((get.output as any).body).toMatchObject({ method: "GET", body: null });

    const refused = await run(line("h3", { id: "h", type: "http", url: `http://localhost:${echo.port}/orders` }));
    expect(refused.status).toBe("failed");
    expect(refused.error?.node).toBe("h");
    expect(refused.error?.message).toMatch(/allow-list/);
  });

  test("a subflow's output flows back; a failing subflow fails the parent naming the node", async () => {
    flows.double = line("double", { id: "x2", type: "transform", expression: "({ n: input.n * 2 })" });
    flows.broken = line("broken", { id: "bad", type: "error", message: "cannot double" });
    const parent = line("parent", { id: "sub", type: "subflow", flow: "double", inputExpression: "({ n: input.value })" }, { id: "plus", type: "transform", expression: "input.n + 1" });
    expect((await succeeds(parent, { value: 20 })).output).toBe(41);

    const failing = await run(line("parent2", { id: "call_broken", type: "subflow", flow: "broken" }));
    expect(failing.status).toBe("failed");
    expect(failing.error?.node).toBe("call_broken");
    expect(failing.error?.message).toContain("cannot double");
    expect(failing.error?.message).toContain("bad");
  });

  test("parallel branches run at once and meet at the join as a list", async () => {
    const f = {
      name: "fan",
      nodes: [
        { id: "start", type: "start" },
        { id: "fan", type: "parallel" },
        { id: "wait_a", type: "delay", ms: 150 },
        { id: "a", type: "transform", expression: '({ branch: "a", n: input.n })' },
        { id: "wait_b", type: "delay", ms: 150 },
        { id: "b", type: "transform", expression: '({ branch: "b", n: input.n + 1 })' },
        { id: "meet", type: "join" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "fan" }, { from: "fan", to: "wait_a" }, { from: "wait_a", to: "a" }, { from: "fan", to: "wait_b" },
        { from: "wait_b", to: "b" }, { from: "a", to: "meet" }, { from: "b", to: "meet" }, { from: "meet", to: "end" },
      ],
    } as FlowDef;
    const t0 = performance.now();
    const r = await succeeds(f, { n: 1 });
    const took = performance.now() - t0;
    expect(r.output).toEqual([{ branch: "a", n: 1 }, { branch: "b", n: 2 }]);
    expect(took).toBeGreaterThanOrEqual(140); // the delays did happen
    expect(took).toBeLessThan(290); // …side by side, not one after the other
  });

  test("delay waits and passes the input on; log adds a line", async () => {
    const r = await succeeds(line("dl", { id: "wait", type: "delay", ms: 30 }, { id: "say", type: "log", message: "waited" }, { id: "say2", type: "log", expression: "({ got: input.x })" }), { x: 7 });
    expect(r.output).toEqual({ x: 7 });
    expect(r.nodes.find((n) => n.id === "wait")!.ms).toBeGreaterThanOrEqual(25);
    expect(r.nodes.find((n) => n.id === "say")!.logs).toEqual(["waited"]);
    expect(r.nodes.find((n) => n.id === "say2")!.logs).toEqual(['{"got":7}']);
  });

  test("a node retries with backoff: fails twice, succeeds on the third attempt", async () => {
    // Each attempt leaves a project behind, so the attempts are counted in the app's data.
    const code = `
      const tries = await ctx.entities.query("project", { filter: { name: { startsWith: "attempt-" } } });
      const n = tries.data.length + 1;
      await ctx.entities.create("project", { name: "attempt-" + n });
      if (n < 3) throw new Error("flaky " + n);
      return { attempt: n };`;
    const r = await succeeds(line("retry", { id: "flaky", type: "script", code, retry: { attempts: 5, backoffMs: 20 } }));
    expect(r.output).toEqual({ attempt: 3 });
    const node = r.nodes.find((n) => n.id === "flaky")!;
    expect(node.attempts).toBe(3);
    expect(node.logs.filter((l) => l.includes("retrying"))).toHaveLength(2);
    expect(node.logs[1]).toContain("in 40 ms"); // the backoff doubles
    expect((await s.entities.query("todo", "project", { filter: { name: { startsWith: "attempt-" } } })).data).toHaveLength(3);
  });

  test("retries stop after the configured attempts, with the last error", async () => {
    const r = await run(line("retry2", { id: "always", type: "script", code: 'throw new Error("down");', retry: { attempts: 2, backoffMs: 5 } }));
    expect(r.status).toBe("failed");
    expect(r.error?.node).toBe("always");
    expect(r.nodes.find((n) => n.id === "always")!.attempts).toBe(2);
  });

  test("the whole run has a time limit", async () => {
    const t0 = performance.now();
    const r = await run(line("slow", { id: "wait", type: "delay", ms: 1000 }), {}, { timeoutMs: 300 });
    expect(r.status).toBe("failed");
    expect(r.error?.message).toMatch(/time limit/);
    expect(performance.now() - t0).toBeLessThan(1000);
    // Steps that each fit but together do not are stopped as well.
    const r2 = await run(line("slow2", { id: "w1", type: "delay", ms: 200 }, { id: "w2", type: "delay", ms: 200 }, { id: "w3", type: "delay", ms: 200 }), {}, { timeoutMs: 300 });
    expect(r2.status).toBe("failed");
    expect(r2.error?.message).toMatch(/time limit/);
    const loop = await run(line("spin", { id: "spin", type: "script", code: "for (;;) {}", timeoutMs: 5000 }), {}, { timeoutMs: 300 });
    expect(loop.status).toBe("failed");
    expect(loop.error?.node).toBe("spin");
  });

  test("every node type took part in a successful run above", () => {
    const missing = Object.keys(nodeKinds).filter((t) => t !== "error" && !typesRun.has(t));
    expect(missing).toEqual([]);
  });
});

test("a script that logs without end keeps at most 200 lines per node and is stopped by its time limit", async () => {
  const { runFlow } = await import("../engine");
  const { Sandbox } = await import("../../sandbox/sandbox");
  const sb = new Sandbox({ timeoutMs: 300, memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024 });
  const flow = { name: "chatty", nodes: [{ id: "start", type: "start" }, { id: "s", type: "script", code: "for (;;) ctx.log('x'.repeat(100000));" }, { id: "end", type: "end" }], edges: [{ from: "start", to: "s" }, { from: "s", to: "end" }] };
  const host = { entities: {} as never, fetch: async () => ({ status: 200, headers: {}, body: null }), runSubflow: async () => { throw new Error("no"); } };
  const run = await runFlow(flow as never, {}, host as never, sb, { runId: "r", app: "a", trigger: "manual", timeoutMs: 5000, depth: 0 });
  expect(run.status).toBe("failed");
  expect(run.error?.message).toMatch(/time/);
  const logs = run.nodes.find((n) => n.id === "s")!.logs;
  expect(logs.length).toBeLessThanOrEqual(201);
  expect(logs.every((l) => l.length <= 4100)).toBe(true);
  sb.close();
});

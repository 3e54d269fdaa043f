// Workflows as a user meets them, over the real server (JSON-RPC, GraphQL, webhooks, the
// scheduler) and the real CLI on the same SQLite file: entity flows that veto or change
// writes whatever door they come through, after-commit flows, manual runs and their
// history, webhooks, a schedule, input schemas, and hostile scripts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { templates } from "../../src/model/templates";
import { systemActor } from "../../src/services/actor";
import { torque, writeJson } from "../helpers/cli";
import { makeProject, rpc, rpcError, sleep, startTestServer, type TestServer } from "../helpers/server";

type N = Record<string, unknown> & { id: string; type: string };
const S: N = { id: "start", type: "start" };
const END: N = { id: "end", type: "end" };

/** start → nodes… → end. */
const line = (name: string, trigger: Record<string, unknown>, ...nodes: N[]) => {
  const all = [S, ...nodes, END];
  return { name, trigger, nodes: all, edges: all.slice(1).map((n, i) => ({ from: all[i]!.id, to: n.id })) };
};
/** start → condition → (true: yes, then end unless it is an error) / (false: end). */
const gate = (name: string, trigger: Record<string, unknown>, expression: string, yes: N) => ({
  name,
  trigger,
  nodes: [S, { id: "check", type: "condition", expression }, yes, END],
  edges: [
    { from: "start", to: "check" },
    { from: "check", to: yes.id, when: "true" },
    { from: "check", to: "end", when: "false" },
    ...(yes.type === "error" ? [] : [{ from: yes.id, to: "end" }]),
  ],
});
const on = (entity: string, event: string) => ({ type: "entity", entity, event });
const manual = { type: "manual" };
const webhook = { type: "webhook" };

const flows = [
  {
    name: "task_guard",
    trigger: on("task", "beforeCreate"),
    nodes: [
      S,
      { id: "forbidden", type: "condition", expression: 'input.data.title.toLowerCase().includes("forbidden")' },
      { id: "reject", type: "error", message: "titles may not say forbidden" },
      { id: "upper", type: "script", code: "return { data: { ...input.data, title: input.data.title.toUpperCase() } };" },
      END,
    ],
    edges: [
      { from: "start", to: "forbidden" },
      { from: "forbidden", to: "reject", when: "true" },
      { from: "forbidden", to: "upper", when: "false" },
      { from: "upper", to: "end" },
    ],
  },
  line(
    "project_after",
    on("project", "afterCreate"),
    { id: "wait", type: "delay", ms: 500 },
    { id: "note", type: "entityWrite", entity: "task", operation: "create", dataExpression: '({ title: "note for " + input.data.name, project: input.id })' },
  ),
  line("project_after_fails", on("project", "afterCreate"), { id: "boom", type: "script", code: 'throw new Error("after-create failure");' }),
  line("task_update", on("task", "beforeUpdate"), {
    id: "check",
    type: "script",
    code: 'if (input.previous.status === "done" && input.data.status !== "done") throw new Error("task " + input.previous.title + " is done and cannot be reopened");\nreturn { data: { ...input.data, notes: "was " + input.previous.status } };',
  }),
  gate("project_keep", on("project", "beforeDelete"), 'input.data.name.startsWith("keep")', {
    id: "refuse",
    type: "error",
    message: "kept projects cannot be deleted",
  }),
  gate("project_loop", on("project", "beforeCreate"), 'input.data.name.startsWith("loop")', {
    id: "again",
    type: "entityWrite",
    entity: "project",
    operation: "create",
    dataExpression: '({ name: input.data.name + "+" })',
  }),
  {
    ...line("add", manual, { id: "sum", type: "script", code: 'ctx.log("adding " + input.x); return { sum: input.x + (input.y ?? 0) };' }),
    input: { type: "object", required: ["x"], properties: { x: { type: "number" } } },
  },
  line("hook_echo", webhook, { id: "echo", type: "transform", expression: "({ received: input.msg, ok: true })" }),
  line("hook_fail", webhook, { id: "nope", type: "script", code: 'throw new Error("webhook refused: " + input.why);' }),
  line("tick", { type: "schedule", cron: "* * * * * *" }, { id: "t", type: "transform", expression: "({ at: input.scheduled })" }),
  line("spin", manual, { id: "forever", type: "script", code: "for (;;) {}" }),
  line("bomb", manual, { id: "grow", type: "script", code: 'let s = "x"; for (;;) s += s;' }),
];

let srv: TestServer;
let url: string;
let projectId: string;
const cli = (...args: string[]) => torque(args, { cwd: srv.dir, env: { TORQUE_DB: srv.dbPath } });
const tasks = async (filter: Record<string, unknown>) => (await srv.services.entities.query("todo", "task", { filter })).data;
const projects = async (filter: Record<string, unknown>) => (await srv.services.entities.query("todo", "project", { filter })).data;
const runsOf = (xflow: string) => rpc(url, "listXFlowRuns", { app: "todo", xflow }) as Promise<any[]>;

/** Poll `fn` until it returns something truthy, or give up after `ms`. */
async function eventually<T>(fn: () => Promise<T>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v || undefined;
    await sleep(50);
  }
}

beforeAll(async () => {
  srv = await startTestServer();
  url = srv.url;
  await srv.services.models.save(srv.models.todo!, { ...structuredClone(templates.todo), xflows: flows }, systemActor);
  projectId = await makeProject(url, "Main");
});
afterAll(() => srv?.close());

describe("entity flows", () => {
  test("beforeCreate rejects through JSON-RPC, naming the flow; nothing is written", async () => {
    const err = await rpcError(url, "createEntity", { app: "todo", entity: "task", data: { title: "a Forbidden idea", project: projectId } });
    expect(err.code).toBe(-32001);
    expect(err.message).toContain("titles may not say forbidden");
    expect(err.data).toContainEqual(expect.objectContaining({ rule: "task_guard", message: "titles may not say forbidden" }));
    expect(await tasks({ title: { contains: "orbidden" } })).toEqual([]);
  });

  test("beforeCreate rejects through the CLI (exit 1 with the message); nothing is written", async () => {
    const r = await cli("entity", "create", "todo", "task", "--data", JSON.stringify({ title: "forbidden by cli", project: projectId }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("titles may not say forbidden");
    expect(r.stderr).toContain("task_guard");
    expect(await tasks({ title: { contains: "orbidden" } })).toEqual([]);
  });

  test("an accepted task is stored as the flow changed it (upper-cased), through JSON-RPC and the CLI", async () => {
    const t = await rpc(url, "createEntity", { app: "todo", entity: "task", data: { title: "buy milk", project: projectId } });
    expect(t.data.title).toBe("BUY MILK");
    expect((await rpc(url, "getEntity", { app: "todo", entity: "task", id: t.id })).data.title).toBe("BUY MILK");
    const r = await cli("entity", "create", "todo", "task", "--data", JSON.stringify({ title: "walk dog", project: projectId }));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).data.title).toBe("WALK DOG");
    expect(await tasks({ title: "WALK DOG" })).toHaveLength(1);
  });

  test("an afterCreate flow runs after the commit, without delaying or failing the create", async () => {
    const t0 = performance.now();
    const p = await makeProject(url, "Garden");
    expect(performance.now() - t0).toBeLessThan(500); // the flow waits 500 ms before writing; the create does not
    expect(await tasks({ project: p })).toEqual([]); // answered before the flow wrote
    const note = await eventually(async () => (await tasks({ project: p }))[0], 2000);
    expect(note?.data.title).toBe("NOTE FOR GARDEN"); // the flow's own write went through task_guard
    // The other afterCreate flow failed, and that is in the run history, not in the create.
    const failed = await eventually(async () => (await runsOf("project_after_fails")).find((r) => r.input.id === p), 2000);
    expect(failed).toMatchObject({ status: "failed", trigger: "entity.afterCreate", error: { node: "boom" } });
    expect(failed.error.message).toContain("after-create failure");
  });

  test("an afterCreate flow also runs when the write came through the CLI", async () => {
    const r = await cli("entity", "create", "todo", "project", "--data", JSON.stringify({ name: "from the shell" }));
    expect(r.code, r.stderr).toBe(0);
    const id = JSON.parse(r.stdout).id;
    expect(await eventually(async () => (await tasks({ project: id }))[0], 2000)).toBeDefined();
  });

  test("a beforeUpdate flow receives the previous data and can refuse a change", async () => {
    const t = await rpc(url, "createEntity", { app: "todo", entity: "task", data: { title: "report", project: projectId } });
    const done = await rpc(url, "updateEntity", { app: "todo", entity: "task", id: t.id, data: { status: "done" } });
    expect(done.data).toMatchObject({ status: "done", notes: "was open" });
    const err = await rpcError(url, "updateEntity", { app: "todo", entity: "task", id: t.id, data: { status: "open" } });
    expect(err.code).toBe(-32001);
    expect(err.message).toContain("task REPORT is done and cannot be reopened");
    expect((await rpc(url, "getEntity", { app: "todo", entity: "task", id: t.id })).data.status).toBe("done");
  });

  test("a beforeDelete flow vetoes a delete; other deletes go through", async () => {
    const keep = await makeProject(url, "keep me");
    const err = await rpcError(url, "deleteEntity", { app: "todo", entity: "project", id: keep });
    expect(err.code).toBe(-32001);
    expect(err.message).toContain("kept projects cannot be deleted");
    expect((await rpc(url, "getEntity", { app: "todo", entity: "project", id: keep })).id).toBe(keep);
    const temp = await makeProject(url, "temporary");
    expect((await rpc(url, "deleteEntity", { app: "todo", entity: "project", id: temp })).deleted).toBe(true);
  });

  test("a flow that writes its own entity type stops at the depth limit with a clear error", async () => {
    const t0 = performance.now();
    const err = await rpcError(url, "createEntity", { app: "todo", entity: "project", data: { name: "loop" } });
    expect(err.message).toMatch(/levels deep/);
    expect(err.message).toContain("project_loop");
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(await projects({ name: { startsWith: "loop" } })).toEqual([]);
    expect(await rpc(url, "ping", {})).toBe("pong");
  });
});

describe("manual flows", () => {
  test("JSON-RPC executeXFlow, getXFlowRun and listXFlowRuns", async () => {
    const run = await rpc(url, "executeXFlow", { app: "todo", xflow: "add", input: { x: 2, y: 3 } });
    expect(run).toMatchObject({ status: "succeeded", output: { sum: 5 } });
    expect(typeof run.runId).toBe("string");
    const rec = await rpc(url, "getXFlowRun", { id: run.runId });
    expect(rec).toMatchObject({ id: run.runId, xflow: "add", status: "succeeded", trigger: "manual", input: { x: 2, y: 3 }, output: { sum: 5 } });
    expect(rec.nodes.map((n: any) => n.id)).toEqual(["start", "sum", "end"]);
    const sum = rec.nodes.find((n: any) => n.id === "sum");
    expect(sum.logs).toEqual(["adding 2"]);
    expect(typeof sum.ms).toBe("number");
    expect(Date.parse(sum.startedAt)).not.toBeNaN();
    expect((await runsOf("add")).map((r) => r.id)).toContain(run.runId);
  });

  test("an input that breaks the flow's input schema is refused, naming input.x", async () => {
    const err = await rpcError(url, "executeXFlow", { app: "todo", xflow: "add", input: { y: 1 } });
    expect(err.code).toBe(-32001);
    expect(err.message).toMatch(/input(\.x\b| must have required property 'x')/);
    const wrongType = await rpcError(url, "executeXFlow", { app: "todo", xflow: "add", input: { x: "two" } });
    expect(wrongType.message).toMatch(/input\.x must be .*number/);
    const r = await cli("xflow", "execute", "add", "--app", "todo", "--input", '{"y":1}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/input(\.x\b| must have required property 'x')/);
  });

  test("GraphQL executeXFlow and xflowRuns", async () => {
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      (await (
        await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) })
      ).json()) as any;
    const ran = await gql('mutation($i: JSON) { executeXFlow(app: "todo", xflow: "add", input: $i) }', { i: { x: 40, y: 2 } });
    expect(ran.errors).toBeUndefined();
    expect(ran.data.executeXFlow).toMatchObject({ status: "succeeded", output: { sum: 42 } });
    const runs = await gql('{ xflowRuns(app: "todo", xflow: "add", limit: 5) }');
    expect(runs.data.xflowRuns.map((r: any) => r.id)).toContain(ran.data.executeXFlow.runId);
  });

  test("CLI: xflow execute prints the output; runs, list and validate", async () => {
    const r = await cli("xflow", "execute", "add", "--app", "todo", "--input", '{"x":2}');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ sum: 2 });
    const runs = JSON.parse((await cli("xflow", "runs", "--app", "todo", "--json")).stdout);
    expect(runs.some((x: any) => x.xflow === "add" && x.output?.sum === 2 && x.status === "succeeded")).toBe(true);
    const list = await cli("xflow", "list", "--app", "todo");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/todo\s+add\s+manual/);
    expect(list.stdout).toMatch(/todo\s+task_guard\s+entity/);
    expect(list.stdout).toMatch(/todo\s+hook_echo\s+webhook/);

    const good = await writeJson(srv.dir, "good.json", flows[6]);
    const v = await cli("xflow", "validate", good);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("valid");
    const broken = await writeJson(srv.dir, "broken.json", {
      ...flows[6],
      edges: [
        { from: "start", to: "sum" },
        { from: "sum", to: "nowhere" },
      ],
    });
    const b = await cli("xflow", "validate", broken);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("/edges/1/to");
    expect(b.stderr).toContain("nowhere");
  });

  test("CLI: a failing flow exits 1 naming the node", async () => {
    const r = await cli("xflow", "execute", "hook_fail", "--app", "todo", "--input", '{"why":"test"}');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("at node nope");
    expect(r.stderr).toContain("webhook refused: test");
  });
});

describe("webhooks", () => {
  const hook = (flow: string, body: string) => fetch(`${url}/hooks/todo/${flow}`, { method: "POST", headers: { "content-type": "application/json" }, body });

  test("the flow's output is the answer", async () => {
    const res = await hook("hook_echo", JSON.stringify({ msg: "hi" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: "hi", ok: true });
  });

  test("a failing flow answers 422 with its error", async () => {
    const res = await hook("hook_fail", JSON.stringify({ why: "no stock" }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as any;
    expect(body.error.node).toBe("nope");
    expect(body.error.message).toContain("webhook refused: no stock");
  });

  test("unknown flows, non-webhook flows and malformed bodies", async () => {
    expect((await hook("no_such_flow", "{}")).status).toBe(404);
    expect((await hook("add", JSON.stringify({ x: 1 }))).status).toBe(404);
    const bad = await hook("hook_echo", "{not json");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toContain("JSON");
  });
});

describe("schedules and hostile scripts", () => {
  test("a schedule flow runs every second while the server is up", async () => {
    const run = await eventually(async () => (await runsOf("tick")).find((r) => r.trigger === "schedule" && r.status === "succeeded"), 3000);
    expect(run).toBeDefined();
    expect(Date.parse(run.output.at)).not.toBeNaN();
  });

  test("an infinite loop and a memory bomb fail naming the node; the server keeps answering", async () => {
    const spin = await rpc(url, "executeXFlow", { app: "todo", xflow: "spin" });
    expect(spin.status).toBe("failed");
    expect(spin.error.node).toBe("forever");
    expect(spin.error.message).toMatch(/time/);
    expect(await rpc(url, "ping", {})).toBe("pong");
    const bomb = await rpc(url, "executeXFlow", { app: "todo", xflow: "bomb" });
    expect(bomb.status).toBe("failed");
    expect(bomb.error.node).toBe("grow");
    expect(bomb.error.message).toMatch(/memory|time/);
    expect(await rpc(url, "ping", {})).toBe("pong");
    expect((await rpc(url, "executeXFlow", { app: "todo", xflow: "add", input: { x: 1 } })).output).toEqual({ sum: 1 });
  });

  test("a flow's own timeoutMs limits the whole run", async () => {
    const slow = { ...line("slow", manual, { id: "wait", type: "delay", ms: 1000 }), timeoutMs: 300 };
    await srv.services.models.save(srv.models.todo!, { ...structuredClone(templates.todo), xflows: [...flows, slow] }, systemActor);
    const r = await rpc(url, "executeXFlow", { app: "todo", xflow: "slow" });
    expect(r.status).toBe("failed");
    expect(r.error.message).toMatch(/time limit/);
  });
});

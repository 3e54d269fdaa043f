// One trigger may start only so much work (red-team findings on the sandbox, issue 8
// follow-up, finding 1). Before, depth was the only bound: one POST to a webhook flow
// whose parallel ran four subflows of itself started 21,844 runs, took the server from
// 190 MB to 1.07 GB, stalled /health for 5 s and replaced the app's run history. Now a
// trigger and everything it starts (subflows, flows its writes trigger) share a budget
// of runs and the root's deadline; a parallel has at most 16 branches, a flow 200 nodes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { templates } from "../../src/model/templates";
import { systemActor } from "../../src/services/actor";
import { MAX_BRANCHES, MAX_RUNS_PER_TRIGGER } from "../../src/xflow/types";
import { makeProject, startTestServer, type TestServer } from "../helpers/server";

const line = (name: string, code: string, more: Record<string, unknown> = {}) => ({
  name,
  trigger: { type: "manual" },
  ...more,
  nodes: [
    { id: "start", type: "start" },
    { id: "js", type: "script", code, timeoutMs: 5000 },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "js" },
    { from: "js", to: "end" },
  ],
});

/** start → parallel → k subflows of `target` → join → end. */
function fan(name: string, k: number, target: string, trigger = "webhook") {
  const branches = Array.from({ length: k }, (_, i) => `b${i}`);
  return {
    name,
    trigger: { type: trigger },
    nodes: [
      { id: "start", type: "start" },
      { id: "par", type: "parallel" },
      ...branches.map((id) => ({ id, type: "subflow", flow: target })),
      { id: "join", type: "join" },
      { id: "end", type: "end" },
    ],
    edges: [
      { from: "start", to: "par" },
      ...branches.map((id) => ({ from: "par", to: id })),
      ...branches.map((id) => ({ from: id, to: "join" })),
      { from: "join", to: "end" },
    ],
  };
}

const flows = [
  fan("fan4", 4, "fan4"),
  // Every task written runs this before-flow: each one is a run of the writer's trigger.
  {
    name: "task_guard",
    trigger: { type: "entity", entity: "task", event: "beforeCreate" },
    nodes: [
      { id: "start", type: "start" },
      { id: "end", type: "end" },
    ],
    edges: [{ from: "start", to: "end" }],
  },
  line(
    "many_writes",
    "let n = 0; try { for (; n < 150; n++) await ctx.entities.create('task', { title: 't' + n, project: input.project }); } catch (e) { return { n, message: e.message }; } return { n };",
  ),
  // A parent with 0.5 s; the flow its write triggers would wait 3 s.
  line("short_parent", "await ctx.entities.create('project', { name: 'SLOW-' + ctx.run.runId }); return 1;", { timeoutMs: 500 }),
  {
    name: "slow_guard",
    trigger: { type: "entity", entity: "project", event: "beforeCreate" },
    nodes: [
      { id: "start", type: "start" },
      { id: "slow", type: "condition", expression: "String(input.data.name).startsWith('SLOW-')" },
      { id: "wait", type: "delay", ms: 3000 },
      { id: "end", type: "end" },
    ],
    edges: [
      { from: "start", to: "slow" },
      { from: "slow", to: "wait", when: "true" },
      { from: "slow", to: "end", when: "false" },
      { from: "wait", to: "end" },
    ],
  },
];

let srv: TestServer;
const model = () => ({ ...structuredClone(templates.todo), xflows: flows });

beforeAll(async () => {
  srv = await startTestServer();
  await srv.services.models.save(srv.models.todo!, model(), systemActor);
});
afterAll(() => srv?.close());

const runsOf = async (xflow: string) => {
  await srv.services.xflows.runs.flush();
  return srv.services.xflows.listRuns({ app: "todo", xflow, limit: 1000 });
};

test("one webhook call whose parallel runs four subflows of itself starts at most the trigger's budget of runs", async () => {
  const res = await fetch(`${srv.url}/hooks/todo/fan4`, { method: "POST", body: "{}" });
  expect(res.status).toBe(422);
  const body = (await res.json()) as { error: { message: string } };
  expect(body.error.message).toMatch(
    new RegExp(
      `workflow fan4 not run: this trigger has already started ${MAX_RUNS_PER_TRIGGER} workflow runs \\(subflows and flows started by its writes count\\)`,
    ),
  );
  await Bun.sleep(300); // branches still walking when the root failed have stopped
  const runs = await runsOf("fan4");
  expect(runs.length).toBeLessThanOrEqual(MAX_RUNS_PER_TRIGGER); // before: 21,844
  expect((await fetch(`${srv.url}/health`)).status).toBe(200);
}, 30_000);

test("flows started by a run's writes count against its trigger: the write past the budget is refused saying so", async () => {
  const project = await makeProject(srv.url, "budget");
  const run = await srv.services.xflows.execute("todo", "many_writes", { project }, { actor: systemActor });
  expect(run.status).toBe("succeeded");
  // the run itself and 99 before-flows; the 100th task's before-flow is over the budget
  expect(run.output).toEqual({
    n: MAX_RUNS_PER_TRIGGER - 1,
    message: expect.stringMatching(/workflow task_guard not run: this trigger has already started 100 workflow runs/),
  });
  const tasks = await srv.services.entities.query("todo", "task", { filter: { project: { eq: project } }, limit: 1000 });
  expect(tasks.data.length).toBe(MAX_RUNS_PER_TRIGGER - 1); // the refused write changed nothing
}, 30_000);

test("a flow started by a run's write inherits the run's deadline: it cannot outlive its root, nor write after it", async () => {
  const parent = await srv.services.xflows.execute("todo", "short_parent", {}, { actor: systemActor });
  expect(parent.status).toBe("failed");
  await Bun.sleep(600); // the root's deadline has passed well before the child's 3 s delay would end
  const [child] = await runsOf("slow_guard").then((r) => r.filter((x) => String((x.input as { data: { name: string } }).data.name).startsWith("SLOW-")));
  expect(child?.status).toBe("failed"); // before: still running (its own 30 s limit), recorded 3 s later
  expect(child!.error!.message).toMatch(/time limit/);
  expect(child!.durationMs).toBeLessThan(1500);
  const slow = (await srv.services.entities.query("todo", "project", { limit: 1000 })).data.filter((p) => String(p.data.name).startsWith("SLOW-"));
  expect(slow).toEqual([]); // the write whose before-flow failed was refused
}, 30_000);

test(`a parallel with more than ${MAX_BRANCHES} branches, or a flow of more than 200 nodes, is refused when the model is saved`, async () => {
  const refused = async (flow: unknown) => {
    const err: any = await srv.services.models.save(srv.models.todo!, { ...model(), xflows: [...flows, flow] }, systemActor).catch((e) => e);
    expect(err?.code).toBe("validation");
    return JSON.stringify(err.data);
  };
  expect(await refused(fan("wide", MAX_BRANCHES + 1, "fan4", "manual"))).toContain(`parallel par has 17 branches; at most ${MAX_BRANCHES} are allowed`);
  const long = fan("long", 2, "fan4", "manual");
  long.nodes.push(...Array.from({ length: 200 }, (_, i) => ({ id: `pad${i}`, type: "log", message: "x" }) as never));
  expect(await refused(long)).toMatch(/\/xflows\/\d+\/nodes.*200/);
  expect(await srv.services.xflows.list("todo")).toHaveLength(flows.length); // nothing saved
}, 30_000);

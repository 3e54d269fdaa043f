// Conformance of every registered node type: its `type` is its key; `check` accepts a
// minimal valid node and names the setting of an invalid one; its shape rule accepts it
// where it belongs in a flow and names it where it does not; and it does its job inside
// a small flow run by the engine with a real Sandbox, over the real services of a todo
// app on a temp SQLite file (the engine host is the one the services build).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDatabase } from "../../../tests/helpers/db";
import { templates } from "../../model/templates";
import { Sandbox } from "../../sandbox/sandbox";
import { openServices, type Services } from "../../services";
import { systemActor } from "../../services/actor";
import { engineHost } from "../../services/xflow/host";
import { runFlow } from "../engine";
import type { EngineHost, FlowDef, NodeDef, RunRecord } from "../types";
import { validateFlow } from "../validate";
import { nodeKind, nodeTypes } from "./registry";

type N = Record<string, unknown> & { id: string; type: string };

/** Per type: a minimal valid node, and invalid ones with the setting their problem must name. */
const examples: Record<string, { valid: Record<string, unknown>; invalid: [Record<string, unknown>, string][] }> = {
  start: { valid: {}, invalid: [] },
  end: { valid: {}, invalid: [] },
  parallel: { valid: {}, invalid: [] },
  join: { valid: {}, invalid: [] },
  error: {
    valid: { message: "no" },
    invalid: [
      [{}, "message"],
      [{ message: " " }, "message"],
    ],
  },
  script: {
    valid: { code: "return 1;" },
    invalid: [
      [{}, "code"],
      [{ code: 42 }, "code"],
    ],
  },
  condition: { valid: { expression: "input.ok" }, invalid: [[{}, "expression"]] },
  transform: { valid: { expression: "input" }, invalid: [[{}, "expression"]] },
  entityQuery: {
    valid: { entity: "task" },
    invalid: [
      [{}, "entity"],
      [{ entity: "task", filter: [1] }, "filter"],
      [{ entity: "task", limit: 0 }, "limit"],
    ],
  },
  entityWrite: {
    valid: { entity: "task", operation: "create" },
    invalid: [
      [{ operation: "create" }, "entity"],
      [{ entity: "task", operation: "merge" }, "operation"],
      [{ entity: "project", operation: "upsert" }, "matchField"],
    ],
  },
  http: {
    valid: { url: "http://127.0.0.1/" },
    invalid: [
      [{}, "url"],
      [{ url: "http://x/", headers: "a: b" }, "headers"],
    ],
  },
  subflow: { valid: { flow: "other" }, invalid: [[{}, "flow"]] },
  delay: {
    valid: { ms: 0 },
    invalid: [
      [{}, "ms"],
      [{ ms: -5 }, "ms"],
      [{ ms: 3_600_000 }, "ms"],
    ],
  },
  log: { valid: { message: "hi" }, invalid: [[{}, "message"]] },
};

/** A flow of exactly these nodes and [from, to, when?] edges. */
const raw = (nodes: N[], edges: [string, string, string?][]): FlowDef =>
  ({ name: "shape", nodes, edges: edges.map(([from, to, when]) => ({ from, to, ...(when && { when }) })) }) as FlowDef;
/** A flow from nodes (start and end are added when not given) and [from, to, when?] edges. */
function graph(nodes: N[], edges: [string, string, string?][]): FlowDef {
  const all = [
    ...(nodes.some((n) => n.type === "start") ? [] : [{ id: "start", type: "start" }]),
    ...nodes,
    ...(nodes.some((n) => n.type === "end") ? [] : [{ id: "end", type: "end" }]),
  ];
  return { name: "shape", nodes: all, edges: edges.map(([from, to, when]) => ({ from, to, ...(when && { when }) })) } as FlowDef;
}
const node = (type: string, id = "n"): N => ({ id, type, ...examples[type]!.valid });
const S: N = { id: "start", type: "start" };
const E: N = { id: "end", type: "end" };
/** start → fan → (a, b) → meet → end, the sound parallel. */
const fanOut = (): [N[], [string, string][]] => [
  [node("parallel", "fan"), node("log", "a"), node("log", "b"), node("join", "meet")],
  [
    ["start", "fan"],
    ["fan", "a"],
    ["fan", "b"],
    ["a", "meet"],
    ["b", "meet"],
    ["meet", "end"],
  ],
];
const ordinary = (type: string) => ({
  placed: graph(
    [node(type)],
    [
      ["start", "n"],
      ["n", "end"],
    ],
  ),
  misplaced: [
    [graph([node(type)], [["start", "n"]]), "n", /n leads nowhere/],
    [
      graph(
        [node(type), node("log", "x")],
        [
          ["start", "n"],
          ["n", "x"],
          ["n", "end"],
          ["x", "end"],
        ],
      ),
      "n",
      /2 outgoing edges/,
    ],
    [
      graph(
        [node(type)],
        [
          ["start", "n"],
          ["n", "end", "true"],
        ],
      ),
      "n",
      /only edges from a condition node carry "when"/,
    ],
  ] as [FlowDef, string, RegExp][],
});

/**
 * Per type: a flow where the node stands as it should (no problems at all), and flows
 * where it does not, with the node whose problem it is (or "" for the flow's nodes) and
 * what the problem says.
 */
const shapes: Record<string, { placed: FlowDef; misplaced: [FlowDef, string, RegExp][] }> = {
  start: {
    placed: graph([], [["start", "end"]]),
    misplaced: [
      [
        graph(
          [S, { id: "s2", type: "start" }],
          [
            ["start", "end"],
            ["s2", "end"],
          ],
        ),
        "",
        /exactly one start node \(has 2\)/,
      ],
      [raw([E], []), "", /exactly one start node \(has 0\)/],
      [
        graph(
          [node("log", "x")],
          [
            ["start", "end"],
            ["x", "start"],
          ],
        ),
        "start",
        /nothing may lead into the start node/,
      ],
    ],
  },
  end: {
    placed: graph([], [["start", "end"]]),
    misplaced: [
      [
        graph(
          [S, E, node("log", "x")],
          [
            ["start", "end"],
            ["end", "x"],
          ],
        ),
        "end",
        /end node end must not lead anywhere/,
      ],
      [raw([S, node("error", "no")], [["start", "no"]]), "", /at least one end node \(has 0\)/],
    ],
  },
  error: {
    placed: graph(
      [node("condition", "c"), node("error", "no")],
      [
        ["start", "c"],
        ["c", "no", "true"],
        ["c", "end", "false"],
      ],
    ),
    misplaced: [
      [
        graph(
          [node("error", "no")],
          [
            ["start", "no"],
            ["no", "end"],
          ],
        ),
        "no",
        /error node no must not lead anywhere/,
      ],
    ],
  },
  condition: {
    placed: graph(
      [node("condition", "c")],
      [
        ["start", "c"],
        ["c", "end", "true"],
      ],
    ),
    misplaced: [
      [
        graph(
          [node("condition", "c")],
          [
            ["start", "c"],
            ["c", "end"],
          ],
        ),
        "c",
        /need when "true" or "false"/,
      ],
      [
        graph(
          [node("condition", "c"), node("log", "x")],
          [
            ["start", "c"],
            ["c", "x", "true"],
            ["c", "end", "true"],
            ["x", "end"],
          ],
        ),
        "c",
        /two edges for the same answer/,
      ],
      [graph([node("condition", "c")], [["start", "c"]]), "c", /c leads nowhere/],
    ],
  },
  parallel: {
    placed: graph(...fanOut()),
    misplaced: [
      [
        graph(
          [node("parallel", "fan"), node("log", "a"), node("join", "meet")],
          [
            ["start", "fan"],
            ["fan", "a"],
            ["a", "meet"],
            ["meet", "end"],
          ],
        ),
        "fan",
        /needs at least two branches/,
      ],
      [
        graph(
          [node("parallel", "fan"), node("log", "a")],
          [
            ["start", "fan"],
            ["fan", "a"],
            ["fan", "end"],
            ["a", "end"],
          ],
        ),
        "fan",
        /reaches end before its branches meet/,
      ],
      [
        graph(
          [node("parallel", "fan"), node("join", "j1"), node("join", "j2"), node("parallel", "p2")],
          [
            ["start", "p2"],
            ["p2", "fan"],
            ["p2", "j1"],
            ["fan", "j1"],
            ["fan", "j2"],
            ["j1", "j2"],
            ["j2", "end"],
          ],
        ),
        "fan",
        /arrive at different joins \(j\d, j\d\)/,
      ],
      // Entered from outside the branches: a walk that comes in there reaches the join alone.
      [
        graph(
          [node("condition", "c"), node("parallel", "fan"), node("log", "a"), node("log", "b"), node("join", "meet")],
          [
            ["start", "c"],
            ["c", "fan", "true"],
            ["c", "b", "false"],
            ["fan", "a"],
            ["fan", "b"],
            ["a", "meet"],
            ["b", "meet"],
            ["meet", "end"],
          ],
        ),
        "fan",
        /c leads into b, which is on the branches of parallel fan/,
      ],
      [
        graph(
          [node("parallel", "fan"), node("log", "a"), node("log", "b"), node("join", "meet")],
          [
            ["start", "fan"],
            ["fan", "a", "true"],
            ["fan", "b"],
            ["a", "meet"],
            ["b", "meet"],
            ["meet", "end"],
          ],
        ),
        "fan",
        /only edges from a condition/,
      ],
    ],
  },
  join: {
    placed: graph(...fanOut()),
    misplaced: [
      // A condition's two answers meeting at a join: the join would run after one of them, waiting for nothing.
      [
        graph(
          [node("condition", "c"), node("log", "a"), node("log", "b"), node("join", "meet")],
          [
            ["start", "c"],
            ["c", "a", "true"],
            ["c", "b", "false"],
            ["a", "meet"],
            ["b", "meet"],
            ["meet", "end"],
          ],
        ),
        "meet",
        /not where the branches of a parallel node meet/,
      ],
      [
        graph(
          [node("parallel", "fan"), node("log", "a"), node("join", "meet")],
          [
            ["start", "fan"],
            ["fan", "a"],
            ["fan", "meet"],
            ["a", "meet"],
            ["meet", "end"],
            ["meet", "end"],
          ],
        ),
        "meet",
        /2 outgoing edges/,
      ],
      // Two parallels, one nested in the other, sharing one join.
      [
        graph(
          [node("parallel", "p1"), node("parallel", "p2"), node("log", "a"), node("log", "b"), node("log", "c"), node("join", "meet")],
          [
            ["start", "p1"],
            ["p1", "a"],
            ["p1", "p2"],
            ["p2", "b"],
            ["p2", "c"],
            ["a", "meet"],
            ["b", "meet"],
            ["c", "meet"],
            ["meet", "end"],
          ],
        ),
        "meet",
        /the branches of p\d and p\d all meet at join meet; each parallel needs its own join/,
      ],
      [
        graph(
          [node("parallel", "fan"), node("join", "meet")],
          [
            ["start", "fan"],
            ["fan", "meet"],
            ["fan", "end"],
            ["meet", "end"],
          ],
        ),
        "meet",
        /needs at least two incoming branches/,
      ],
    ],
  },
  ...Object.fromEntries(["script", "transform", "entityQuery", "entityWrite", "http", "subflow", "delay", "log"].map((t) => [t, ordinary(t)])),
};

describe("every node type", () => {
  test("has an example in these tables (a new type must come with its tests)", () => {
    expect(Object.keys(examples).sort()).toEqual([...nodeTypes].sort());
    expect(Object.keys(shapes).sort()).toEqual([...nodeTypes].sort());
  });
  for (const key of nodeTypes) {
    const kind = nodeKind(key)!;
    test(`${key}: type matches its key; check accepts a valid node and names the bad setting`, () => {
      expect(kind.type).toBe(key);
      const ex = examples[key]!;
      expect(kind.check({ id: "n", type: key, ...ex.valid } as NodeDef)).toEqual([]);
      for (const [bad, setting] of ex.invalid) {
        const problems = kind.check({ id: "n", type: key, ...bad } as NodeDef);
        expect(problems.length, `${key} ${JSON.stringify(bad)}`).toBeGreaterThan(0);
        expect(
          problems.some((p) => p.startsWith(`${setting}: `)),
          `${JSON.stringify(problems)} should name ${setting}`,
        ).toBe(true);
      }
    });
    test(`${key}: its shape rule accepts it where it belongs and names it where it does not`, () => {
      const { placed, misplaced } = shapes[key]!;
      expect(placed.nodes.some((n) => n.type === key)).toBe(true);
      expect(validateFlow(placed)).toEqual([]);
      for (const [f, at, msg] of misplaced) {
        const path = at ? `/nodes/${f.nodes.findIndex((n) => n.id === at)}` : "/nodes";
        const issues = validateFlow(f);
        const hit = issues.some((i) => i.path === path && msg.test(i.message));
        expect(hit, `${key}: no problem at ${path} matching ${msg}; got ${JSON.stringify(issues)}`).toBe(true);
      }
    });
  }

  test("describes itself and its settings for the editor: every setting its check names is described, required ones as required", () => {
    for (const type of nodeTypes) {
      const kind = nodeKind(type)!;
      expect(kind.summary.length).toBeGreaterThan(10);
      const keys = kind.settings.map((x) => x.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const [, setting] of examples[type]!.invalid) expect(keys).toContain(setting);
      // A node with none of its settings: its check names exactly the required settings that apply.
      const named = kind.check({ id: "n", type } as NodeDef).map((p) => p.split(":")[0]);
      for (const x of kind.settings) {
        if (x.required && !x.when) expect(named).toContain(x.key);
        if (x.kind === "select") expect(x.options?.length).toBeGreaterThan(1);
        if (x.kind === "field") expect(keys).toContain(x.of!);
        if (x.kind === "json" && x.example) expect(() => JSON.parse(x.example!.replace(/(\w+):/g, '"$1":'))).not.toThrow();
      }
      // The example of a valid node is valid with every example value filled in as well.
      const full: Record<string, unknown> = { id: "n", type, ...examples[type]!.valid };
      for (const x of kind.settings) if (x.example && full[x.key] === undefined) full[x.key] = x.kind === "json" ? JSON.parse(x.example) : x.example;
      expect(kind.check(full as NodeDef)).toEqual([]);
    }
  });

  test("names that objects inherit are not node types", () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) expect(nodeKind(name)).toBeUndefined();
  });

  test("the engine and the validator name no node type: every kind's behaviour and rules are its own", () => {
    for (const file of ["../engine.ts", "../validate.ts"]) {
      const source = readFileSync(new URL(file, import.meta.url), "utf8");
      const named = nodeTypes.filter((type) => new RegExp(`["'\`]${type}["'\`]`).test(source));
      expect(named, `${file} names node types`).toEqual([]);
    }
  });
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
    fetch: async (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/hang") await Bun.sleep(3000); // answers long after the run that called it gave up
      return Response.json({ method: req.method, path, body: req.method === "GET" ? null : await req.json(), auth: req.headers.get("x-auth") });
    },
  });
  s = await openServices(await testDatabase(dir, "nodes.db"));
  // The echo server is on this machine: allowed private addresses as well (services/xflow/outbound.ts).
  const echoHost = `127.0.0.1:${echo.port}`;
  const model = { ...structuredClone(templates.todo), settings: { fetchAllowList: [echoHost], fetchAllowPrivate: [echoHost] } };
  const m = await s.models.create(model, systemActor);
  await s.apps.create(m.id, "todo", systemActor);
  projectId = (await s.entities.create("todo", "project", { name: "Home" }, { actor: systemActor })).id;
  const rt = await s.apps.runtime("todo");
  host = engineHost(
    s,
    rt,
    { kind: "workflow", id: "nodes-test", depth: 1 },
    (f) => f(),
    (name, input, depth) => {
      const f = flows[name];
      if (!f) throw new Error(`no flow ${name}`);
      return run(f, input, { depth });
    },
  );
});

afterAll(async () => {
  echo?.stop(true);
  sandbox.close();
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
async function run(flow: FlowDef, input: unknown = {}, opts: { timeoutMs?: number; depth?: number } = {}): Promise<RunRecord> {
  const r = await runFlow(flow, input, host, sandbox, {
    runId: `run-${++runs}`,
    app: "todo",
    trigger: "manual",
    timeoutMs: opts.timeoutMs ?? 10_000,
    depth: opts.depth ?? 0,
  });
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

const newTask = (title: string, extra: Record<string, unknown> = {}) =>
  s.entities.create("todo", "task", { title, project: projectId, ...extra }, { actor: systemActor });

describe("running each node type", () => {
  test("start and end pass the input through; each node's timing is recorded", async () => {
    const r = await succeeds(line("pass"), { a: 1, list: [1, 2] });
    expect(r.output).toEqual({ a: 1, list: [1, 2] });
    expect(r.nodes.map((n) => [n.id, n.status, n.attempts])).toEqual([
      ["start", "succeeded", 1],
      ["end", "succeeded", 1],
    ]);
    for (const n of r.nodes) expect(n.ms).toBeGreaterThanOrEqual(0);
  });

  test("an error node fails the run with its message and its node id", async () => {
    const r = await run(line("fail", { id: "nope", type: "error", message: "orders over 1000 need approval" }));
    expect(r.status).toBe("failed");
    expect(r.error).toEqual({ node: "nope", message: "orders over 1000 need approval" });
    expect(r.output).toBeUndefined();
  });

  test("a script's return value flows on; its ctx.log lines are in the node's logs", async () => {
    const r = await succeeds(
      line("calc", {
        id: "calc",
        type: "script",
        code: 'ctx.log("qty", input.qty); ctx.log("run of " + ctx.run.flow); return { total: input.qty * input.price };',
      }),
      { qty: 3, price: 7 },
    );
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
      edges: [
        { from: "start", to: "big" },
        { from: "big", to: "yes", when: "true" },
        { from: "big", to: "no", when: "false" },
        { from: "yes", to: "end" },
        { from: "no", to: "end" },
      ],
    } as FlowDef;
    expect((await succeeds(f, { total: 5000 })).output).toEqual({ total: 5000, size: "big" });
    const small = await succeeds(f, { total: 5 });
    expect(small.output).toEqual({ total: 5, size: "small" });
    expect(small.nodes.map((n) => n.id)).not.toContain("yes");
  });

  test("a transform's value is the output", async () => {
    const r = await succeeds(line("t", { id: "t", type: "transform", expression: "input.items.filter((x) => x % 2).map((x) => x * 10)" }), {
      items: [1, 2, 3],
    });
    expect(r.output).toEqual([10, 30]);
  });

  test("entityQuery with a JSON filter and with a filterExpression", async () => {
    await newTask("q-open-1");
    await newTask("q-done-1", { status: "done" });
    await newTask("q-done-2", { status: "done" });
    const byFilter = await succeeds(
      line("q1", { id: "q", type: "entityQuery", entity: "task", filter: { status: "done", title: { startsWith: "q-" } }, sort: [{ field: "title" }] }),
    );
    expect((byFilter.output as any[]).map((r) => r.data.title)).toEqual(["q-done-1", "q-done-2"]);
    const byExpr = await succeeds(
      line("q2", {
        id: "q",
        type: "entityQuery",
        entity: "task",
        filterExpression: "({ title: { startsWith: input.prefix }, status: input.status })",
        limit: 5,
      }),
      { prefix: "q-", status: "open" },
    );
    expect((byExpr.output as any[]).map((r) => r.data.title)).toEqual(["q-open-1"]);
  });

  test("entityWrite create, update, delete and upsert change the app's data", async () => {
    const created = await succeeds(
      line("c", { id: "w", type: "entityWrite", entity: "task", operation: "create", dataExpression: "({ title: input.t, project: input.p, priority: 5 })" }),
      { t: "written", p: projectId },
    );
    const rec = created.output as any;
    expect((await s.entities.get("todo", "task", rec.id)).data).toMatchObject({ title: "written", priority: 5, status: "open" });

    await succeeds(line("u", { id: "w", type: "entityWrite", entity: "task", operation: "update" }), { id: rec.id, data: { status: "done" } });
    expect((await s.entities.get("todo", "task", rec.id)).data.status).toBe("done");

    // Writes are validated like any other: a bad value fails the node.
    const bad = await run(
      line("u2", { id: "w", type: "entityWrite", entity: "task", operation: "update", idExpression: "input.key", dataExpression: "({ priority: 99 })" }),
      { key: rec.id },
    );
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
    // Each call, sent or refused, is a line in the node's log (no header values).
    const [sent] = post.nodes.find((n) => n.id === "h")?.logs ?? [];
    expect(sent).toStartWith(`fetch POST ${url} → 200 (`);
    expect(sent).toEndWith(" ms, 127.0.0.1)");
    expect(sent).not.toContain("k1");
    expect(refused.nodes.find((n) => n.id === "h")?.logs).toEqual([
      `fetch GET http://localhost:${echo.port}/orders refused: ${refused.error?.message.replace(/^fetch: /, "")}`,
    ]);
  });

  test("a subflow's output flows back; a failing subflow fails the parent naming the node", async () => {
    flows.double = line("double", { id: "x2", type: "transform", expression: "({ n: input.n * 2 })" });
    flows.broken = line("broken", { id: "bad", type: "error", message: "cannot double" });
    const parent = line(
      "parent",
      { id: "sub", type: "subflow", flow: "double", inputExpression: "({ n: input.value })" },
      { id: "plus", type: "transform", expression: "input.n + 1" },
    );
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
        { from: "start", to: "fan" },
        { from: "fan", to: "wait_a" },
        { from: "wait_a", to: "a" },
        { from: "fan", to: "wait_b" },
        { from: "wait_b", to: "b" },
        { from: "a", to: "meet" },
        { from: "b", to: "meet" },
        { from: "meet", to: "end" },
      ],
    } as FlowDef;
    const r = await succeeds(f, { n: 1 });
    expect(r.output).toEqual([
      { branch: "a", n: 1 },
      { branch: "b", n: 2 },
    ]);
    // Side by side: the second delay began long before the first one's 150 ms were over.
    const [a, b] = ["wait_a", "wait_b"].map((id) => r.nodes.find((n) => n.id === id)!);
    expect(a!.ms).toBeGreaterThanOrEqual(140);
    expect(Math.abs(Date.parse(a!.startedAt) - Date.parse(b!.startedAt))).toBeLessThan(100);
  });

  test("nested parallels: the inner branches meet at their own join, which is then one branch of the outer", async () => {
    const f = {
      name: "nested",
      nodes: [
        { id: "start", type: "start" },
        { id: "outer", type: "parallel" },
        { id: "a", type: "transform", expression: '"a" + input.n' },
        { id: "inner", type: "parallel" },
        { id: "b", type: "transform", expression: '"b" + input.n' },
        { id: "big", type: "condition", expression: "input.n > 1" },
        { id: "c", type: "transform", expression: '"c" + input.n' },
        { id: "meet_inner", type: "join" },
        { id: "meet_outer", type: "join" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "outer" },
        { from: "outer", to: "a" },
        { from: "outer", to: "inner" },
        { from: "inner", to: "b" },
        { from: "inner", to: "big" },
        { from: "big", to: "c", when: "true" },
        { from: "big", to: "meet_inner", when: "false" },
        { from: "b", to: "meet_inner" },
        { from: "c", to: "meet_inner" },
        { from: "meet_inner", to: "meet_outer" },
        { from: "a", to: "meet_outer" },
        { from: "meet_outer", to: "end" },
      ],
    } as FlowDef;
    expect(validateFlow(f)).toEqual([]);
    expect((await succeeds(f, { n: 2 })).output).toEqual(["a2", ["b2", "c2"]]);
    const r = await succeeds(f, { n: 1 });
    expect(r.output).toEqual(["a1", ["b1", { n: 1 }]]);
    expect(r.nodes.filter((n) => n.type === "join").map((n) => n.id)).toEqual(["meet_inner", "meet_outer"]);
  });

  test("delay waits and passes the input on; log adds a line", async () => {
    const r = await succeeds(
      line(
        "dl",
        { id: "wait", type: "delay", ms: 30 },
        { id: "say", type: "log", message: "waited" },
        { id: "say2", type: "log", expression: "({ got: input.x })" },
      ),
      { x: 7 },
    );
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
    const r2 = await run(
      line("slow2", { id: "w1", type: "delay", ms: 200 }, { id: "w2", type: "delay", ms: 200 }, { id: "w3", type: "delay", ms: 200 }),
      {},
      { timeoutMs: 300 },
    );
    expect(r2.status).toBe("failed");
    expect(r2.error?.message).toMatch(/time limit/);
    const loop = await run(line("spin", { id: "spin", type: "script", code: "for (;;) {}", timeoutMs: 5000 }), {}, { timeoutMs: 300 });
    expect(loop.status).toBe("failed");
    expect(loop.error?.node).toBe("spin");
    // A node with no limit of its own short of the run's (a request that never answers) is named too.
    const t1 = performance.now();
    const hung = await run(line("hang", { id: "call", type: "http", url: `http://127.0.0.1:${echo.port}/hang` }), {}, { timeoutMs: 300 });
    expect(hung.error).toEqual({ node: "call", message: "the run passed its time limit of 300 ms" });
    expect(performance.now() - t1).toBeLessThan(2000);
  });

  test("every node type took part in a successful run above", () => {
    const missing = nodeTypes.filter((t) => t !== "error" && !typesRun.has(t));
    expect(missing).toEqual([]);
  });
});

test("a script that logs without end keeps at most 200 lines per node and is stopped by its time limit", async () => {
  const { runFlow } = await import("../engine");
  const { Sandbox } = await import("../../sandbox/sandbox");
  const sb = new Sandbox({ timeoutMs: 300, memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024 });
  const flow = {
    name: "chatty",
    nodes: [
      { id: "start", type: "start" },
      { id: "s", type: "script", code: "for (;;) ctx.log('x'.repeat(100000));" },
      { id: "end", type: "end" },
    ],
    edges: [
      { from: "start", to: "s" },
      { from: "s", to: "end" },
    ],
  };
  const host = {
    entities: {} as never,
    fetch: async () => ({ status: 200, headers: {}, body: null }),
    runSubflow: async () => {
      throw new Error("no");
    },
  };
  const run = await runFlow(flow as never, {}, host as never, sb, { runId: "r", app: "a", trigger: "manual", timeoutMs: 5000, depth: 0 });
  expect(run.status).toBe("failed");
  expect(run.error?.message).toMatch(/time/);
  const logs = run.nodes.find((n) => n.id === "s")!.logs;
  expect(logs.length).toBeLessThanOrEqual(201);
  expect(logs.every((l) => l.length <= 4100)).toBe(true);
  sb.close();
});

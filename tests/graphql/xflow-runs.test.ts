// Running workflows from the editor, against the real server: a run started by
// startXFlowRun answers at once with its id, its progress arrives over the
// xflowRunEvents subscription (SSE) node by node with each node's input, output, logs and
// timing, its record is in the history with the same, and a re-run from a node begins
// there with the pinned input. What may not start (an unknown node, a node inside
// parallel branches, an input against the schema) is refused and nothing is recorded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startServer } from "../../src/http/server";
import type { Model } from "../../src/model/schema";
import { templates } from "../../src/model/templates";
import { openServices, type Services } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { testDatabase } from "../helpers/db";
import { watchRuns } from "../helpers/run-events";

let dir: string, running: RunningServer, services: Services;

const shout = {
  name: "shout",
  trigger: { type: "manual" },
  input: { type: "object", required: ["label"], properties: { label: { type: "string" } } },
  nodes: [
    { id: "start", type: "start" },
    { id: "check", type: "condition", expression: "input.label.trim() !== ''" },
    { id: "upper", type: "transform", expression: "({ ...input, label: input.label[0].toUpperCase() + input.label.slice(1) })" },
    { id: "note", type: "log", expression: "'label is ' + input.label" },
    { id: "empty", type: "error", message: "a todo needs a label" },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "check" },
    { from: "check", to: "upper", when: "true" },
    { from: "check", to: "empty", when: "false" },
    { from: "upper", to: "note" },
    { from: "note", to: "end" },
  ],
};
const fan = {
  name: "fan",
  nodes: [
    { id: "start", type: "start" },
    { id: "split", type: "parallel" },
    { id: "a", type: "transform", expression: "1" },
    { id: "b", type: "transform", expression: "2" },
    { id: "meet", type: "join" },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "split" },
    { from: "split", to: "a" },
    { from: "split", to: "b" },
    { from: "a", to: "meet" },
    { from: "b", to: "meet" },
    { from: "meet", to: "end" },
  ],
};
const big = {
  name: "big",
  nodes: [
    { id: "start", type: "start" },
    { id: "blow", type: "transform", expression: "'x'.repeat(100000)" },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "blow" },
    { from: "blow", to: "end" },
  ],
};

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${running.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: { message: string }[] };
}

const watch = (app: string, xflow: string) => watchRuns(running.url, app, xflow);

const start = (x: string, input: unknown, from?: string) =>
  gql('mutation($x: String!, $i: JSON, $f: String) { startXFlowRun(app: "todo", xflow: $x, input: $i, from: $f) }', { x, i: input, f: from });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "torque-runs-"));
  services = await openServices(await testDatabase(dir, "t.db"));
  const doc = { ...structuredClone(templates.todo), xflows: [shout, fan, big] } as Model;
  const m = await services.models.create(doc, systemActor);
  await services.apps.create(m.id, "todo", systemActor);
  running = await startServer(services, { hostname: "127.0.0.1", port: 0, log: false });
});

afterAll(async () => {
  await running.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("running a workflow from the editor", () => {
  test("a started run answers with its id at once; each node's input, output and logs arrive as it proceeds", async () => {
    const w = await watch("todo", "shout");
    const r = await start("shout", { label: "buy milk" });
    expect(r.errors).toBeUndefined();
    const runId = r.data.startXFlowRun as string;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const finished = await w.until((e) => e.kind === "finished" && e.runId === runId);
    await w.close();
    expect(w.errors).toEqual([]);
    const mine = w.events.filter((e) => e.runId === runId);
    expect(mine[0]).toMatchObject({ kind: "started", trigger: "manual", input: { label: "buy milk" } });
    // Every node is told started before finished, in the order the run went.
    expect(mine.filter((e) => e.kind === "nodeStarted").map((e) => e.node)).toEqual(["start", "check", "upper", "note", "end"]);
    const done = Object.fromEntries(mine.filter((e) => e.kind === "nodeFinished").map((e) => [e.node.id, e.node]));
    expect(done.upper).toMatchObject({ status: "succeeded", input: { label: "buy milk" }, output: { label: "Buy milk" } });
    expect(done.note.logs).toEqual(["label is Buy milk"]);
    expect(done.check.ms).toBeGreaterThanOrEqual(0);
    expect(finished.run).toMatchObject({ status: "succeeded", output: { label: "Buy milk" } });

    // The same record, from the history.
    const one = await gql("query($id: ID!) { xflowRun(id: $id) }", { id: runId });
    expect(one.data.xflowRun.nodes.map((n: any) => n.id)).toEqual(["start", "check", "upper", "note", "end"]);
    expect(one.data.xflowRun.nodes[2].output).toEqual({ label: "Buy milk" });
  });

  test("a failing run names the node that failed, with its message, in its events and its record", async () => {
    const w = await watch("todo", "shout");
    const runId = (await start("shout", { label: "  " })).data.startXFlowRun;
    const finished = await w.until((e) => e.kind === "finished" && e.runId === runId);
    await w.close();
    const failed = w.events.find((e) => e.kind === "nodeFinished" && e.runId === runId && e.node.status === "failed");
    expect(failed.node).toMatchObject({ id: "empty", error: "a todo needs a label", input: { label: "  " } });
    expect(finished.run.error).toEqual({ node: "empty", message: "a todo needs a label" });
  });

  test("a re-run from a node begins there with the pinned input", async () => {
    const r = await start("shout", { label: "zed" }, "upper");
    expect(r.errors).toBeUndefined();
    // The record is there once the run is over.
    let run: any;
    for (const deadline = Date.now() + 3000; !run && Date.now() < deadline; await Bun.sleep(20))
      run = (await gql("query($id: ID!) { xflowRun(id: $id) }", { id: r.data.startXFlowRun })).data?.xflowRun;
    expect(run.trigger).toBe("rerun");
    expect(run.nodes.map((n: any) => n.id)).toEqual(["upper", "note", "end"]);
    expect(run.output).toEqual({ label: "Zed" });

    // The same through JSON-RPC.
    const rpc = await fetch(`${running.url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "executeXFlow",
        params: { app: "todo", xflow: "shout", from: { node: "note", input: { label: "Q" } } },
      }),
    }).then((x) => x.json() as Promise<any>);
    expect(rpc.result).toMatchObject({ status: "succeeded", output: { label: "Q" } });
  });

  test("what may not run is refused, naming why, and nothing is recorded", async () => {
    await services.xflows.runs.flush();
    const before = (await gql('{ xflowRuns(app: "todo", limit: 1000) }')).data.xflowRuns.length;
    const cases: [string, unknown, string | undefined, RegExp][] = [
      ["shout", {}, undefined, /label/],
      ["shout", { label: 5 }, undefined, /string/],
      ["shout", {}, "nope", /no node "nope"/],
      ["shout", {}, "__proto__", /no node "__proto__"/],
      ["fan", [], "a", /branches of parallel split; re-run from split/],
      ["fan", [], "meet", /branches of parallel split/],
      ["missing", {}, undefined, /missing/],
    ];
    for (const [flow, input, from, message] of cases) {
      const r = await start(flow, input, from);
      expect(r.data).toBeNull();
      expect(r.errors?.[0]?.message).toMatch(message);
    }
    // A re-run from the parallel itself is allowed.
    const allowed = await start("fan", null, "split");
    expect(allowed.errors).toBeUndefined();
    // Its record is there once it is over (no time is assumed: a loaded machine is slow).
    for (let got = null; !got; await Bun.sleep(20))
      got = (await gql("query($id: ID!) { xflowRun(id: $id) }", { id: allowed.data.startXFlowRun })).data?.xflowRun;
    await services.xflows.runs.flush();
    expect((await gql('{ xflowRuns(app: "todo", limit: 1000) }')).data.xflowRuns.length).toBe(before + 1);
  });

  test("a node's large output is capped in its events and its record", async () => {
    const w = await watch("todo", "big");
    const runId = (await start("big", {})).data.startXFlowRun;
    const finished = await w.until((e) => e.kind === "finished" && e.runId === runId);
    await w.close();
    const blow = w.events.find((e) => e.kind === "nodeFinished" && e.node.id === "blow").node;
    expect(blow.output.$truncated).toMatch(/at most 8192 are kept/);
    expect(JSON.stringify(blow).length).toBeLessThan(10_000);
    expect(finished.run.nodes.find((n: any) => n.id === "blow").output.$truncated).toBeDefined();
  });

  test("watching an unknown app is refused; a closed watch is let go", async () => {
    const w = await watch("nope", "shout");
    await w.until(() => false, 300);
    await w.close();
    expect(String((w.errors[0] as any)?.message)).toMatch(/nope/);
    const open = await watch("todo", "shout");
    await open.close();
    await Bun.sleep(100);
    // No watcher is left, so a run builds no progress at all.
    expect((services.xflows as any).watchers.size).toBe(0);
  });
});

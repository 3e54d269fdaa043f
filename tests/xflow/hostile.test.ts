// Scripts never run on the server's thread (issue 8, item 3). Before, a script that sorted
// a 4M-element Float64Array 30 times ran 7.6 s and reported success against a 1 s limit,
// and three such runs left /health unanswered for 14.8 s: the time limit did not reach
// native built-ins. Now three hostile scripts run while /health and JSON-RPC getEntity
// keep answering at once, and each hostile run ends as a timeout near its limit.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { templates } from "../../src/model/templates";
import { systemActor } from "../../src/services/actor";
import { makeProject, rpc, startTestServer, type TestServer } from "../helpers/server";

const line = (name: string, code: string) => ({
  name,
  trigger: { type: "manual" },
  nodes: [
    { id: "start", type: "start" },
    { id: "js", type: "script", code },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "js" },
    { from: "js", to: "end" },
  ],
});

const flows = [
  // The review's scripts: a native sort in a loop; a big string searched again and again.
  line(
    "sorts",
    "const a = new Float64Array(4e6); for (let i = 0; i < 30; i++) { for (let j = 0; j < a.length; j += 1024) a[j] = Math.random(); a.sort(); } return 'sorted';",
  ),
  line("searches", "const s = 'ab'.repeat(5e6); let n = 0; for (let i = 0; i < 200; i++) n += s.indexOf('ab'.repeat(1000) + 'c' + i); return n;"),
];

let srv: TestServer;
let projectId: string;

beforeAll(async () => {
  srv = await startTestServer();
  await srv.services.models.save(srv.models.todo!, { ...structuredClone(templates.todo), xflows: flows }, systemActor);
  // An app's runs hold at most half of the workers: a second app, so all three run at once.
  await srv.services.apps.create(srv.models.todo!, "todo2", systemActor);
  projectId = await makeProject(srv.url, "steady");
  await rpc(srv.url, "executeXFlow", { app: "todo", xflow: "sorts" }); // workers started, QuickJS loaded
});
afterAll(() => srv?.close());

test("while three hostile scripts run, /health and getEntity answer at once; the hostile runs end as timeouts", async () => {
  const t0 = performance.now();
  const hostile = [
    ["todo", "sorts"],
    ["todo", "searches"],
    ["todo2", "sorts"],
  ].map(([app, xflow]) => rpc(srv.url, "executeXFlow", { app, xflow }).then((r) => ({ ...r, took: performance.now() - t0 })));
  await Bun.sleep(100); // they are running
  const latencies: number[] = [];
  while (performance.now() - t0 < 1000) {
    let s = performance.now();
    expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    latencies.push(performance.now() - s);
    s = performance.now();
    expect((await rpc(srv.url, "getEntity", { app: "todo", entity: "project", id: projectId })).id).toBe(projectId);
    latencies.push(performance.now() - s);
  }
  expect(latencies.length).toBeGreaterThan(10);
  expect(Math.max(...latencies)).toBeLessThan(300); // before: seconds
  for (const run of await Promise.all(hostile)) {
    expect(run.status).toBe("failed");
    expect(run.error.node).toBe("js");
    expect(run.error.message).toMatch(/ran out of time/);
    expect(run.took).toBeLessThan(1000 + 500 + 2000); // the 1 s limit, the grace, slack for a loaded machine
  }
}, 30_000);

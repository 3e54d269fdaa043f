// The server's own thread while hostile scripts run: /health and JSON-RPC getEntity
// latency with three scripts stuck in native built-ins (a big Float64Array sorted in a
// loop; a huge string searched) kept running the whole time. Scripts run on worker
// threads, so the figure should stay near the idle one.
import { latency, record } from "./report";

/** Manual flows the benchmarks' model carries (xflow.ts saves them with the others). */
export const HOSTILE_FLOWS = [
  [
    "hostile_sorts",
    "const a = new Float64Array(4e6); for (let i = 0; i < 30; i++) { for (let j = 0; j < a.length; j += 1024) a[j] = Math.random(); a.sort(); } return 'sorted';",
  ],
  ["hostile_searches", "const s = 'ab'.repeat(5e6); let n = 0; for (let i = 0; i < 200; i++) n += s.indexOf('ab'.repeat(1000) + 'c' + i); return n;"],
].map(([name, code]) => ({
  name: name!,
  nodes: [
    { id: "start", type: "start" },
    { id: "js", type: "script", code: code! },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "js" },
    { from: "js", to: "end" },
  ],
}));

/** `cmd` starts torque (the binary, or bun src/main.ts); the database holds the todo app with HOSTILE_FLOWS. */
export async function benchHostile(cmd: string[], dbPath: string): Promise<void> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  const server = Bun.spawn([...cmd, "server", "--bind", `127.0.0.1:${port}`, "--db", dbPath, "--quiet"], { stdout: "ignore", stderr: "ignore" });
  try {
    const end = Date.now() + 10_000;
    while (
      !(await fetch(`${base}/health`)
        .then((r) => r.ok)
        .catch(() => false))
    ) {
      if (Date.now() > end) throw new Error("server did not become healthy");
      await Bun.sleep(20);
    }
    const rpc = async (method: string, params: object) =>
      ((await (await fetch(`${base}/rpc`, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) })).json()) as any).result;
    const id = (await rpc("queryEntities", { app: "todo", entity: "project", limit: 1 })).data[0].id;
    const getEntity = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getEntity", params: { app: "todo", entity: "project", id } });
    const probe = async () => {
      await (await fetch(`${base}/health`)).text();
      await (await fetch(`${base}/rpc`, { method: "POST", body: getEntity })).text();
    };
    await rpc("executeXFlow", { app: "todo", xflow: "hostile_sorts" }); // workers started, QuickJS loaded
    const idle = await latency(500, probe);

    // Three hostile runs in flight all the time (each ends as a timeout after ~1.5 s).
    let stop = false;
    let hostileRuns = 0;
    const keepHostile = async (xflow: string) => {
      while (!stop) await rpc("executeXFlow", { app: "todo", xflow }).then(() => hostileRuns++);
    };
    const hostile = ["hostile_sorts", "hostile_searches", "hostile_sorts"].map(keepHostile);
    await Bun.sleep(200);
    const loaded = await latency(2000, probe);
    stop = true;
    await Promise.all(hostile);
    record({ name: "/health + getEntity, idle, p99", value: idle.p99, unit: "ms" });
    record({
      name: "/health + getEntity while 3 hostile scripts run, p99",
      value: loaded.p99,
      unit: "ms",
      target: { op: "<", value: 10 },
      note: `${hostileRuns} hostile runs, all stopped`,
    });
  } finally {
    server.kill("SIGTERM");
    await server.exited;
  }
}

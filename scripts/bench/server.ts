// The compiled binary under load from a separate load generator (wrk): JSON-RPC
// getEntity/createEntity, loadEntityData over 1M entities, a GraphQL model query, start-up
// time, idle and loaded memory, and WebSocket fan-out of one change to 1,000 subscribers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { record } from "./report";

const repo = new URL("../../", import.meta.url).pathname;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function waitHealthy(base: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (
      await fetch(`${base}/health`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return;
    await Bun.sleep(2);
  }
  throw new Error("server did not become healthy");
}

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

type WrkOptions = { connections?: number; seconds?: number };

function wrkArgs(base: string, path: string, lua: string, opts: WrkOptions): { args: string[]; script: string } {
  const script = join(tmpdir(), `torque-wrk-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(script, lua);
  return { args: ["wrk", "-t1", `-c${opts.connections ?? 50}`, `-d${opts.seconds ?? 8}s`, "--latency", "-s", script, `${base}${path}`], script };
}

/** Run wrk with a Lua script; latencies in ms. */
export function wrk(base: string, path: string, lua: string, opts: WrkOptions = {}): WrkResult {
  const { args, script } = wrkArgs(base, path, lua, opts);
  const r = Bun.spawnSync(args);
  rmSync(script, { force: true });
  if (r.exitCode !== 0) throw new Error(`wrk failed: ${r.stderr.toString() || r.stdout.toString()}`);
  return parseWrk(r.stdout.toString());
}

/** Several wrk runs at once (one per server of a pair); each one's result. */
export async function wrkTogether(runs: { base: string; path: string; lua: string; opts?: WrkOptions }[]): Promise<WrkResult[]> {
  return Promise.all(
    runs.map(async (run) => {
      const { args, script } = wrkArgs(run.base, run.path, run.lua, run.opts ?? {});
      const p = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
      const [out, code] = [await new Response(p.stdout).text(), await p.exited];
      rmSync(script, { force: true });
      if (code !== 0) throw new Error(`wrk failed: ${await new Response(p.stderr).text()}`);
      return parseWrk(out);
    }),
  );
}

function parseWrk(out: string): WrkResult {
  const ms = (s: string | undefined) =>
    !s ? NaN : s.endsWith("us") ? parseFloat(s) / 1000 : s.endsWith("ms") ? parseFloat(s) : s.endsWith("s") ? parseFloat(s) * 1000 : NaN;
  const errs = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50: ms(/\s50%\s+(\S+)/.exec(out)?.[1]),
    p99: ms(/\s99%\s+(\S+)/.exec(out)?.[1]),
    errors: errs ? Number(errs[1]) : 0,
  };
}

export const rpcLua = (bodies: string[]) => `
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = { ${bodies.map((b) => JSON.stringify(b)).join(",\n")} }
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])
end
`;

/** Build the binary into a fresh folder (the benchmarks measure what users run). */
export function buildBinary(): { bin: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "torque-bench-bin-"));
  const bin = join(dir, "torque");
  const built = Bun.spawnSync([process.execPath, "scripts/build.ts", "--out", bin], { cwd: repo });
  if (built.exitCode !== 0) throw new Error(built.stderr.toString());
  return { bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function benchServer(bin: string, dbPath: string): Promise<void> {
  if (Bun.spawnSync(["which", "wrk"]).exitCode !== 0) {
    console.log("wrk is not installed (apt-get install -y wrk): skipping the HTTP benchmarks");
    return;
  }
  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  // The default configuration, request logs included (written to a discarded stderr).
  const start = () => Bun.spawn([bin, "server", "--bind", `127.0.0.1:${port}`, "--db", dbPath], { stdout: "ignore", stderr: "ignore" });

  // Start-up: spawn to first healthy answer (median of 5), on the 1M-entity database.
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const p = start();
    await waitHealthy(base);
    times.push(performance.now() - t0);
    p.kill("SIGTERM");
    await p.exited;
  }
  times.sort((a, b) => a - b);
  record({ name: "binary start to first healthy response (median)", value: times[2]!, unit: "ms", target: { op: "<", value: 150 } });

  const server = start();
  await waitHealthy(base);
  await Bun.sleep(500);
  record({ name: "idle memory (RSS, 1M-entity database open)", value: rssMb(server.pid), unit: "MB", target: { op: "<", value: 80 } });

  const rpc = async (method: string, params: object) =>
    ((await (await fetch(`${base}/rpc`, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) })).json()) as any).result;
  const tasks = await rpc("queryEntities", { app: "todo", entity: "task", limit: 1000, filter: { status: "done" } });
  const ids: string[] = tasks.data.map((t: { id: string }) => t.id);
  const project = (await rpc("queryEntities", { app: "todo", entity: "project", limit: 1 })).data[0].id;

  const get = wrk(
    base,
    "/rpc",
    rpcLua(ids.slice(0, 500).map((id, i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "getEntity", params: { app: "todo", entity: "task", id } }))),
  );
  record({
    name: "JSON-RPC getEntity, 50 connections",
    value: get.rps,
    unit: "req/s",
    target: { op: ">=", value: 15_000 },
    note: get.errors ? `${get.errors} errors` : undefined,
  });
  record({ name: "JSON-RPC getEntity p99", value: get.p99, unit: "ms", target: { op: "<", value: 5 } });

  const create = wrk(
    base,
    "/rpc",
    rpcLua(
      Array.from({ length: 200 }, (_, i) =>
        JSON.stringify({
          jsonrpc: "2.0",
          id: i,
          method: "createEntity",
          params: { app: "todo", entity: "task", data: { title: `load ${i}`, project, status: "open", due: "2026-06-01" } },
        }),
      ),
    ),
  );
  record({
    name: "JSON-RPC createEntity, 50 connections",
    value: create.rps,
    unit: "req/s",
    target: { op: ">=", value: 5_000 },
    note: create.errors ? `${create.errors} errors` : undefined,
  });
  record({ name: "JSON-RPC createEntity p99", value: create.p99, unit: "ms" });

  const statuses = ["open", "doing", "done"];
  const load = wrk(
    base,
    "/rpc",
    rpcLua(
      statuses.map((s, i) =>
        JSON.stringify({
          jsonrpc: "2.0",
          id: i,
          method: "loadEntityData",
          params: { app: "todo", entity: "task", filter: { status: s }, sort: [{ field: "due", dir: "asc" }], limit: 50 },
        }),
      ),
    ),
  );
  record({ name: "loadEntityData (filter+sort, 50 rows of 1M)", value: load.rps, unit: "req/s" });
  record({ name: "loadEntityData p99", value: load.p99, unit: "ms", target: { op: "<", value: 100 } });

  const modelId = (
    (await (
      await fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ apps { model { id } } }" }),
      })
    ).json()) as any
  ).data.apps[0].model.id;
  const gqlBody = JSON.stringify({ query: "query($id: ID!) { model(id: $id) { name version document } }", variables: { id: modelId } });
  const gql = wrk(base, "/graphql", `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(gqlBody)}\n`);
  record({ name: "GraphQL model query", value: gql.rps, unit: "req/s" });
  record({ name: "GraphQL model query p50", value: gql.p50, unit: "ms", target: { op: "<", value: 50 } });

  // The first workflow run of a process loads QuickJS (kept lazy: it costs ~30 MB that a
  // server without workflows should not pay); reported on its own, then the steady state.
  const t1 = performance.now();
  await fetch(`${base}/hooks/todo/echo`, { method: "POST", body: "{}" });
  record({ name: "first workflow run after start (loads QuickJS)", value: performance.now() - t1, unit: "ms" });
  const hook = wrk(base, "/hooks/todo/echo", `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = '{"qty": 3, "price": 7}'\n`);
  record({
    name: "webhook → script flow → response, 50 connections",
    value: hook.rps,
    unit: "runs/s",
    target: { op: ">=", value: 2_000 },
    note: hook.errors ? `${hook.errors} errors` : undefined,
  });
  record({ name: "webhook flow p99", value: hook.p99, unit: "ms" });

  record({ name: "loaded memory (RSS after the runs above)", value: rssMb(server.pid), unit: "MB" });

  // Fan-out: 1,000 subscribers, one change; time until the last one has it.
  const clients: WebSocket[] = [];
  let received = 0;
  let allIn: () => void;
  const done = new Promise<void>((r) => (allIn = r));
  for (let i = 0; i < 1000; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    clients.push(ws);
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data as string);
      if (msg.method === "entityChanged" && ++received === 1000) allIn();
    };
    await new Promise((r) => (ws.onopen = r));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { app: "todo", entity: "project" } }));
  }
  await Bun.sleep(500);
  const t0 = performance.now();
  await rpc("updateEntity", { app: "todo", entity: "project", id: project, data: { description: "fan-out" } });
  await Promise.race([done, Bun.sleep(5000)]);
  record({
    name: "one change reaches 1,000 WebSocket subscribers",
    value: performance.now() - t0,
    unit: "ms",
    target: { op: "<", value: 100 },
    note: received < 1000 ? `only ${received} arrived` : undefined,
  });
  for (const c of clients) c.close();

  server.kill("SIGTERM");
  await server.exited;
}

// Several servers on one PostgreSQL database (SPEC §9): the throughput of two `torque
// server` processes sharing the database against one, for reads (getEntity) and writes
// (createEntity), with the same 50 connections in all (split 25 + 25 over two servers).
// Writes are serialised across servers (one advisory lock, as SQLite's single writer), so
// two servers add read capacity, not write capacity; on a machine whose cores also run the
// database and the load generator, they can add little of either.
import { record } from "./report";
import { rpcLua, waitHealthy, wrkTogether } from "./server";

export async function benchServers(bin: string, url: string): Promise<void> {
  if (Bun.spawnSync(["which", "wrk"]).exitCode !== 0) {
    console.log("wrk is not installed (apt-get install -y wrk): skipping");
    return;
  }
  const ports = [0, 1].map(() => 20000 + Math.floor(Math.random() * 20000));
  const bases = ports.map((p) => `http://127.0.0.1:${p}`);
  const servers = ports.map((p) => Bun.spawn([bin, "server", "--quiet", "--bind", `127.0.0.1:${p}`, "--db", url], { stdout: "ignore", stderr: "ignore" }));
  try {
    await Promise.all(bases.map((b) => waitHealthy(b)));
    const rpc = async (method: string, params: object) =>
      ((await (await fetch(`${bases[0]}/rpc`, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) })).json()) as any).result;
    const ids: string[] = (await rpc("queryEntities", { app: "todo", entity: "task", limit: 500, filter: { status: "done" } })).data.map(
      (t: { id: string }) => t.id,
    );
    const project = (await rpc("queryEntities", { app: "todo", entity: "project", limit: 1 })).data[0].id;
    const gets = rpcLua(ids.map((id, i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "getEntity", params: { app: "todo", entity: "task", id } })));
    const creates = rpcLua(
      Array.from({ length: 200 }, (_, i) =>
        JSON.stringify({
          jsonrpc: "2.0",
          id: i,
          method: "createEntity",
          params: { app: "todo", entity: "task", data: { title: `two ${i}`, project, due: "2026-06-01" } },
        }),
      ),
    );
    for (const [what, lua] of [
      ["getEntity", gets],
      ["createEntity", creates],
    ] as const) {
      const [one] = await wrkTogether([{ base: bases[0]!, path: "/rpc", lua, opts: { connections: 50 } }]);
      const two = await wrkTogether(bases.map((base) => ({ base, path: "/rpc", lua, opts: { connections: 25 } })));
      const sum = two.reduce((a, r) => a + r.rps, 0);
      const errors = one!.errors + two.reduce((a, r) => a + r.errors, 0);
      record({ name: `PostgreSQL ${what}, one server, 50 connections`, value: one!.rps, unit: "req/s" });
      record({
        name: `PostgreSQL ${what}, two servers, 25 + 25 connections`,
        value: sum,
        unit: "req/s",
        // Sharing the database must cost the pair nothing against one server.
        target: { op: ">=", value: Math.round(one!.rps * 0.9) },
        note: errors ? `${errors} errors` : `p99 ${Math.max(...two.map((r) => r.p99)).toFixed(1)} ms`,
      });
    }
  } finally {
    for (const s of servers) s.kill("SIGTERM");
    await Promise.all(servers.map((s) => s.exited));
  }
}

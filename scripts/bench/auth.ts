// Users and permissions under load (issue: users, roles and permissions): what a
// permission check costs per request (in-process, and over HTTP with a bearer token against
// the same server without users), and 10,000 authenticated WebSocket subscribers held by the
// compiled binary: memory per connection, a change's fan-out to all of them, and JSON-RPC
// latency while they are held.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openServices } from "../../src/services";
import { type Actor, cliActor } from "../../src/services/actor";
import { ACCESS_MODEL } from "../../tests/helpers/access-model";
import { latency, record } from "./report";
import { rpcLua, waitHealthy, wrk } from "./server";

const SUBSCRIBERS = 10_000;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function benchAuth(bin: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "torque-bench-auth-"));
  const db = join(dir, "auth.db");
  try {
    // The permissions model with 10,000 notes and tasks; a viewer (hidden field, row-filtered tasks) and an editor.
    const s = await openServices(db);
    const m = await s.models.create({ ...structuredClone(ACCESS_MODEL), name: "Bench" }, cliActor);
    await s.apps.create(m.id, "office", cliActor);
    await s.users.add("vi", "vi-password-1", "viewer", cliActor);
    await s.users.add("ed", "ed-password-1", "editor", cliActor);
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ title: `note ${i}`, owner: i % 2 ? "ed" : "vi", secret: `s${i}`, points: i }));
    await s.entities.insertMany("office", "note", rows, { actor: cliActor });
    await s.entities.insertMany(
      "office",
      "task",
      rows.map((r, i) => ({ title: r.title, assignee: i % 10 === 0 ? "vi" : "ed" })),
      { actor: cliActor },
    );
    const ids = (await s.entities.query("office", "note", { limit: 1000 })).data.map((r) => r.id);
    const viewer: Actor = { kind: "token", id: "bench:vi", door: "rpc", grant: { role: "viewer", user: "vi" } };
    // In-process: a getEntity and a filtered page with a grant against the same without one.
    // Alternating rounds, the median of each: one warm JIT and cache for both.
    const get = async (actor?: Actor) => (await latency(20_000, (i) => s.entities.get("office", "note", ids[i % ids.length]!, {}, actor))).mean;
    const plainRounds: number[] = [],
      grantedRounds: number[] = [];
    for (let round = 0; round < 7; round++) {
      plainRounds.push(await get());
      grantedRounds.push(await get(viewer));
    }
    const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[xs.length >> 1]!;
    const plain = median(plainRounds.slice(2)),
      granted = median(grantedRounds.slice(2));
    record({
      name: "permission check per getEntity (in-process)",
      value: (granted - plain) * 1000,
      unit: "µs",
      note: `${(plain * 1000).toFixed(2)} → ${(granted * 1000).toFixed(2)} µs a read, hidden field stripped`,
    });
    const page = async (actor?: Actor) => (await latency(2_000, () => s.entities.query("office", "task", { limit: 50 }, actor))).p99;
    record({
      name: "task page of 50 within a row filter, p99 (in-process)",
      value: await page(viewer),
      unit: "ms",
      target: { op: "<", value: 10 },
      note: `without: ${(await page()).toFixed(2)} ms`,
    });
    const token = (await s.users.createToken({ user: "vi", name: "bench" }, cliActor)).token;
    await s.close();

    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const base = `http://127.0.0.1:${port}`;
    const server = Bun.spawn([bin, "server", "--bind", `127.0.0.1:${port}`, "--db", db, "--quiet", "--rate", "1000000"], {
      stdout: "ignore",
      stderr: "ignore",
    });
    try {
      await waitHealthy(base);
      const body = (id: string) => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getEntity", params: { app: "office", entity: "note", id } });
      const headers = `wrk.headers["Authorization"] = "Bearer ${token}"\n`;
      const withToken = wrk(base, "/rpc", headers + rpcLua(ids.slice(0, 200).map(body)), { seconds: 6 });
      record({
        name: "getEntity over HTTP with a viewer's token, 50 conn.",
        value: withToken.rps,
        unit: "req/s",
        target: { op: ">=", value: 30_000 },
        note: `p99 ${withToken.p99.toFixed(2)} ms${withToken.errors ? `, ${withToken.errors} errors` : ""}`,
      });

      // 10,000 subscribers, each on its own authenticated WebSocket.
      const before = rssMb(server.pid);
      const clients: WebSocket[] = [];
      let subscribed = 0,
        received = 0;
      let allReceived: () => void = () => {};
      const done = new Promise<void>((r) => (allReceived = r));
      const t0 = performance.now();
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: `Bearer ${token}` } } as never);
        ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { app: "office", entity: "note" } }));
        ws.onmessage = (e) => {
          const msg = JSON.parse(String(e.data));
          if (msg.id === 1) subscribed++;
          else if (msg.method === "entityChanged" && ++received === SUBSCRIBERS) allReceived();
        };
        clients.push(ws);
        if (i % 500 === 499) await Bun.sleep(1); // let the handshakes through
      }
      const deadline = Date.now() + 120_000;
      while (subscribed < SUBSCRIBERS && Date.now() < deadline) await Bun.sleep(50);
      const connectS = (performance.now() - t0) / 1000;
      await Bun.sleep(1000);
      const held = rssMb(server.pid);
      record({
        name: "authenticated WebSocket subscribers held",
        value: subscribed,
        unit: "conn.",
        target: { op: ">=", value: SUBSCRIBERS },
        note: `connected and subscribed in ${connectS.toFixed(1)} s`,
      });
      record({
        name: "server memory per subscriber",
        value: ((held - before) * 1024) / Math.max(1, subscribed),
        unit: "KB",
        note: `RSS ${before.toFixed(0)} → ${held.toFixed(0)} MB`,
      });
      // JSON-RPC while they are held.
      const loaded = wrk(base, "/rpc", headers + rpcLua(ids.slice(0, 200).map(body)), { seconds: 6 });
      record({
        name: "getEntity p99 with 10,000 subscribers held",
        value: loaded.p99,
        unit: "ms",
        target: { op: "<", value: 100 },
        note: `${Math.round(loaded.rps).toLocaleString("en-US")} req/s`,
      });
      // One change, as the viewer may see it (the secret stripped), to every subscriber.
      const t1 = performance.now();
      const edit = await fetch(`${base}/rpc`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await editorToken(db)}` },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "updateEntity", params: { app: "office", entity: "note", id: ids[1], data: { points: -1 } } }),
      }).then((r) => r.json());
      if (edit.error) throw new Error(`the editor's update failed: ${edit.error.message}`);
      await Promise.race([done, Bun.sleep(20_000)]);
      record({
        name: "one change reaches 10,000 authenticated subscribers",
        value: performance.now() - t1,
        unit: "ms",
        target: { op: "<", value: 1000 },
        note: received < SUBSCRIBERS ? `only ${received} arrived` : undefined,
      });
      for (const c of clients) c.close();
    } finally {
      server.kill("SIGTERM");
      await server.exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An editor's token, made while the server runs (the CLI beside it would do the same). */
async function editorToken(db: string): Promise<string> {
  const s = await openServices(db);
  try {
    return (await s.users.createToken({ user: "ed", name: "bench-edit" }, cliActor)).token;
  } finally {
    await s.close();
  }
}

// Shared pieces for the end-to-end server tests: a real SQLite file in a fresh temp dir
// (or a fresh PostgreSQL database, tests/helpers/db.ts),
// the real server in-process on an ephemeral port, and small JSON-RPC / WebSocket clients.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { type RunningServer, type ServerOptions, startServer } from "../../src/http/server";
import { templates } from "../../src/model/templates";
import { openServices, type Services } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { testDatabase } from "./db";

export interface TestServer {
  dir: string;
  dbPath: string;
  services: Services;
  running: RunningServer;
  url: string;
  wsUrl: string;
  /** Model ids by app slug. */
  models: Record<string, string>;
  close(): Promise<void>;
}

/** A fresh database with one app per template (slug = template name), served on 127.0.0.1:0. */
export async function startTestServer(opts: { apps?: ("todo" | "crm")[]; server?: Partial<ServerOptions> } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "torque-srv-"));
  const dbPath = await testDatabase(dir, "t.db");
  const services = await openServices(dbPath);
  const models: Record<string, string> = {};
  for (const t of opts.apps ?? ["todo"]) {
    const m = await services.models.create(structuredClone(templates[t]), systemActor);
    await services.apps.create(m.id, t, systemActor);
    models[t] = m.id;
  }
  const running = await startServer(services, { hostname: "127.0.0.1", port: 0, log: false, ...opts.server });
  const url = running.url;
  return {
    dir,
    dbPath,
    services,
    running,
    url,
    models,
    wsUrl: `ws://127.0.0.1:${running.server.port}/ws`,
    async close() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RpcReply {
  jsonrpc: "2.0";
  id: string | number | null;
  result?: any;
  error?: { code: number; message: string; data?: any };
}

let nextId = 1;

/** POST one body (any text) to /rpc; returns status, raw text and parsed JSON (when any). */
export async function post(url: string, body: string): Promise<{ status: number; text: string; json: any }> {
  const res = await fetch(`${url}/rpc`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** One JSON-RPC call over HTTP; returns the whole reply (result or error). */
export async function call(url: string, method: string, params?: unknown): Promise<RpcReply> {
  const id = nextId++;
  const r = await post(url, JSON.stringify({ jsonrpc: "2.0", id, method, ...(params !== undefined && { params }) }));
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
  if (r.json?.id !== id) throw new Error(`reply to another id: ${r.text}`);
  return r.json;
}

/** One JSON-RPC call that must succeed; returns its result. */
export async function rpc(url: string, method: string, params?: unknown): Promise<any> {
  const r = await call(url, method, params);
  if (r.error) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.result;
}

/** One JSON-RPC call that must fail; returns its error. */
export async function rpcError(url: string, method: string, params?: unknown): Promise<NonNullable<RpcReply["error"]>> {
  const r = await call(url, method, params);
  if (!r.error) throw new Error(`${method} was expected to fail but returned ${JSON.stringify(r.result)}`);
  return r.error;
}

/** A project + task in the todo app; returns the project id. */
export async function makeProject(url: string, name = `p-${crypto.randomUUID()}`): Promise<string> {
  return (await rpc(url, "createEntity", { app: "todo", entity: "project", data: { name } })).id;
}

/** Bun's client WebSocket: the DOM type lacks its terminate/pause/resume. */
export type BunWebSocket = WebSocket & { terminate(): void; pause(): boolean; resume(): boolean };

/** A WebSocket client speaking JSON-RPC, collecting notifications. */
export class WsClient {
  readonly notifications: any[] = [];
  private pending = new Map<string | number, (r: RpcReply) => void>();
  private raw: ((m: any) => void)[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: BunWebSocket) {
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data));
      if (!Array.isArray(msg) && msg.method && !("id" in msg)) {
        this.notifications.push(msg);
        for (const w of this.waiters.splice(0)) w();
        return;
      }
      if (!Array.isArray(msg) && msg.id !== null && this.pending.has(msg.id)) {
        const resolve = this.pending.get(msg.id)!;
        this.pending.delete(msg.id);
        return resolve(msg);
      }
      const next = this.raw.shift();
      if (next) next(msg);
    };
  }

  static open(url: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new WsClient(ws as BunWebSocket));
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
  }

  call(method: string, params?: unknown, timeoutMs = 5000): Promise<RpcReply> {
    const id = `w${nextId++}`;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no reply to ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(id, (r) => (clearTimeout(t), resolve(r)));
      this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params !== undefined && { params }) }));
    });
  }

  async rpc(method: string, params?: unknown): Promise<any> {
    const r = await this.call(method, params);
    if (r.error) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
    return r.result;
  }

  /** Send raw text; resolves with the next message that is not a notification or a pending reply. */
  sendRaw(text: string, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.raw.push((m) => (clearTimeout(t), resolve(m)));
      this.ws.send(text);
    });
  }

  /** Wait (bounded) for a notification matching `pred`; returns it, or undefined on timeout. */
  async waitFor(pred: (n: any) => boolean, timeoutMs = 2000): Promise<any | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.notifications.find(pred);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port nothing listens on right now (bound once on port 0 by the OS, then released). */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

const MAIN = join(import.meta.dir, "../../src/main.ts");

/** A `torque server` subprocess: its URL and what it printed so far. */
export interface Child {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  out: () => string;
  err: () => string;
}

function collect(stream: ReadableStream<Uint8Array>): () => string {
  let text = "";
  void (async () => {
    const dec = new TextDecoder();
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += dec.decode(r.value, { stream: true });
  })();
  return () => text;
}

/** Start `torque server --db DB` on a free port; resolves once it says it serves JSON-RPC. */
export async function spawnServer(dbPath: string, extra: string[] = []): Promise<Child> {
  for (let attempt = 0; ; attempt++) {
    const port = freePort();
    const proc = Bun.spawn([process.execPath, MAIN, "server", "--bind", `127.0.0.1:${port}`, "--db", dbPath, ...extra], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const child: Child = { proc, url: `http://127.0.0.1:${port}`, out: collect(proc.stdout), err: collect(proc.stderr) };
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && proc.exitCode === null && !child.out().includes("JSON-RPC")) await sleep(50);
    if (child.out().includes("JSON-RPC")) return child;
    if (proc.exitCode === null) proc.kill();
    await proc.exited;
    if (attempt >= 3 || !/cannot listen|in use/i.test(child.err())) throw new Error(`torque server did not start: ${child.err()}`);
  }
}

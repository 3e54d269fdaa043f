// Where `torque server` listens, with real processes and raw sockets: a second server on an
// address in use is refused (never two servers sharing a port and splitting requests), an
// IPv6 loopback address is printed as a valid URL and served, and Host headers that are not
// plainly HOST[:PORT] are refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort, sleep, startTestServer, type TestServer } from "../helpers/server";

const MAIN = join(import.meta.dir, "../../src/main.ts");
const dir = mkdtempSync(join(tmpdir(), "torque-listen-"));
const started: Subprocess[] = [];
afterAll(async () => {
  for (const p of started) if (p.exitCode === null) p.kill("SIGKILL");
  await Promise.all(started.map((p) => p.exited));
  rmSync(dir, { recursive: true, force: true });
});

/** `torque server --bind BIND --db DB`; resolves once it printed its URLs, or exited. */
async function server(bind: string, db: string) {
  const proc = Bun.spawn([process.execPath, MAIN, "server", "--quiet", "--bind", bind, "--db", join(dir, db)], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  started.push(proc);
  let out = "",
    err = "";
  const collect = async (stream: ReadableStream<Uint8Array>, add: (text: string) => void) => {
    const reader = stream.getReader(),
      dec = new TextDecoder();
    for (let r = await reader.read(); !r.done; r = await reader.read()) add(dec.decode(r.value, { stream: true }));
  };
  void collect(proc.stdout, (t) => (out += t));
  void collect(proc.stderr, (t) => (err += t));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && proc.exitCode === null && !out.includes("JSON-RPC")) await sleep(25);
  if (proc.exitCode !== null) await sleep(50); // let the pipes drain
  return { proc, out: () => out, err: () => err };
}

test("a second server on the same address exits 1 naming the address; the first keeps every request", async () => {
  const port = freePort();
  const a = await server(`127.0.0.1:${port}`, "a.db");
  expect(a.out()).toContain(`http://127.0.0.1:${port}`);
  const b = await server(`127.0.0.1:${port}`, "b.db");
  expect(await b.proc.exited).toBe(1);
  expect(b.out()).not.toContain("running");
  expect(b.err().trim().split("\n")).toHaveLength(1);
  expect(b.err()).toContain(`127.0.0.1:${port}`);
  expect(b.err()).toContain("address in use");
  for (let i = 0; i < 20; i++) {
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(health.database.location).toBe(join(dir, "a.db"));
  }
  a.proc.kill("SIGTERM");
  expect(await a.proc.exited).toBe(0);
}, 30_000);

test("--bind [::1]:PORT prints http://[::1]:PORT and serves there", async () => {
  const port = freePort();
  const s = await server(`[::1]:${port}`, "v6.db");
  const url = `http://[::1]:${port}`;
  expect(s.out()).toContain(`Torque is running on ${url}\n`);
  expect(s.out()).toContain(`ws://[::1]:${port}/ws`);
  expect(() => new URL(`${url}/editor/`)).not.toThrow();
  const res = await fetch(`${url}/health`);
  expect(res.status).toBe(200);
  expect((await res.json()).status).toBe("ok");
  const rpc = await fetch(`${url}/rpc`, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) });
  expect(await rpc.json()).toMatchObject({ result: "pong" });
  s.proc.kill("SIGTERM");
  expect(await s.proc.exited).toBe(0);
}, 30_000);

describe("Host headers", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  /** One HTTP/1.1 request over a raw socket, so the Host header is exactly what we write. */
  function raw(method: string, path: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const sock = connect(srv.running.server.port!, "127.0.0.1");
      let text = "";
      sock.on("data", (d) => (text += d));
      sock.on("error", reject);
      sock.on("end", () => resolve({ status: Number(text.split(" ")[1]), body: text.slice(text.indexOf("\r\n\r\n") + 4) }));
      const body = method === "POST" ? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) : "";
      sock.write(
        `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  }

  const malformed = [
    "127.0.0.1:8088@evil.example", // userinfo: some URL parsers read the host as evil.example
    "user@127.0.0.1:8088",
    "127.0.0.1 :8088", // spaces
    "127.0.0.1:8088 evil.example",
    "127.0.0.1:80:8088", // two ports
    "127.0.0.1:8088/x", // trailing junk
    "localhost:8088#frag",
    "localhost:99999", // no such port
  ];

  for (const host of malformed)
    test(`"${host}" is refused with 403 and a message naming the header, on /rpc and other routes`, async () => {
      for (const [method, path] of [
        ["POST", "/rpc"],
        ["POST", "/mcp"],
        ["GET", "/health"],
        ["GET", "/graphql?query=%7B__typename%7D"],
        ["GET", "/ws"],
      ] as const) {
        const r = await raw(method, path, host);
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(JSON.parse(r.body).error).toContain("malformed Host header");
      }
    });

  test("well-formed loopback hosts are served", async () => {
    const port = srv.running.server.port;
    for (const host of [`127.0.0.1:${port}`, "127.0.0.1", `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const r = await raw("POST", "/rpc", host);
      expect(r.status, host).toBe(200);
      expect(JSON.parse(r.body).result).toBe("pong");
    }
  });
});

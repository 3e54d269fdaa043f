// Plain HTTP routes of the real server (health, frontends, redirects, 404, 426), and
// `torque server` as a subprocess: the URLs it prints, the loopback-only rule, request
// log lines, and a clean SIGTERM that lets an in-flight write finish and keeps its rows.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templates } from "../../src/model/templates";
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { onPostgres, testDatabase } from "../helpers/db";
import { type Child, makeProject, sleep, spawnServer, startTestServer, type TestServer } from "../helpers/server";

const MAIN = join(import.meta.dir, "../../src/main.ts");

describe("routes", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());
  const get = (path: string, init?: RequestInit) => fetch(`${s.url}${path}`, { redirect: "manual", ...init });

  test("GET /health reports status, version, the database and uptime", async () => {
    const res = await get("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", database: { driver: onPostgres ? "postgres" : "sqlite", location: s.dbPath } });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.uptimeSeconds).toBe("number");
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  test("the Model Editor and an app are served as HTML pages with scripts", async () => {
    for (const path of ["/editor/", "/app/todo/"]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      const html = await res.text();
      expect(html).toContain("<script");
    }
    // The first request of each page bundles it (React and Mantine, Solid): seconds on 2 cores.
  }, 60_000);

  test("/ and /editor redirect to /editor/", async () => {
    for (const path of ["/", "/editor"]) {
      const res = await get(path);
      expect([301, 302, 303, 307, 308]).toContain(res.status);
      expect(new URL(res.headers.get("location")!, s.url).pathname).toBe("/editor/");
    }
    const followed = await fetch(`${s.url}/`);
    expect(followed.status).toBe(200);
    expect(followed.url).toEndWith("/editor/");
  });

  test("an unknown path is 404; so is GET /rpc", async () => {
    expect((await get("/no/such/page")).status).toBe(404);
    expect((await get("/rpc")).status).toBe(404);
  });

  test("GET /ws without an upgrade is 426 Upgrade Required", async () => {
    const res = await get("/ws");
    expect(res.status).toBe(426);
    expect((await res.json()).error).toContain("WebSocket");
  });
});

/** `torque server` in a child process, its output collected as it arrives. */
describe("torque server (subprocess)", () => {
  let dir: string, dbPath: string, child: Child;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "torque-cli-"));
    dbPath = await testDatabase(dir, "t.db");
    const services = await openServices(dbPath);
    const m = await services.models.create(structuredClone(templates.todo), systemActor);
    await services.apps.create(m.id, "todo", systemActor);
    await services.close();
    child = await spawnServer(dbPath);
  });
  afterAll(async () => {
    if (child.proc.exitCode === null) child.proc.kill("SIGKILL");
    await child.proc.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test("prints the editor and app URLs and answers /health", async () => {
    expect(child.out()).toContain(`${child.url}/editor/`);
    expect(child.out()).toMatch(new RegExp(`app todo\\s+${child.url.replace(/\./g, "\\.")}/app/todo/`));
    const res = await fetch(`${child.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: { driver: onPostgres ? "postgres" : "sqlite", location: dbPath } });
  });

  test("refuses to bind beyond the loopback while there are no users (exit 1, one-line reason)", async () => {
    const proc = Bun.spawn([process.execPath, MAIN, "server", "--bind", "0.0.0.0:1234", "--db", dbPath], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(1);
    const err = await new Response(proc.stderr).text();
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain("0.0.0.0");
    expect(err).toMatch(/loopback|users/);
    expect(await new Response(proc.stdout).text()).not.toContain("running");
  });

  test("SIGTERM during a slow bulkImport: the response arrives whole, the process exits 0, the rows are kept", async () => {
    const project = await makeProject(child.url);
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ title: `import ${i}`, priority: (i % 5) + 1, project }));
    const pending = fetch(`${child.url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "bulkImport", params: { app: "todo", entity: "task", format: "json", data: rows } }),
    });
    await sleep(50); // the request is on its way (the import takes far longer)
    child.proc.kill("SIGTERM");
    const res = await pending;
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.result.inserted).toBe(20_000);
    expect(body.result.ids).toHaveLength(20_000);
    expect(await child.proc.exited).toBe(0);
    expect(child.err()).toContain("SIGTERM");
    const after = await openServices(dbPath);
    try {
      const n = await after.entities.aggregate("todo", "task", { aggregates: [{ op: "count" }], filter: { project } });
      expect(n.groups[0]!.values[0]).toBe(20_000);
    } finally {
      await after.close();
    }
  });

  test("stderr carries one JSON line per request with method, path, status and ms", async () => {
    await fetch(`${child.url}/health`).catch(() => undefined); // at least one GET, unless already stopped
    if (child.proc.exitCode === null) child.proc.kill("SIGTERM");
    await child.proc.exited; // the log is flushed on shutdown
    const lines = child
      .err()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    const requests = lines.filter((l) => "path" in l);
    for (const r of requests) {
      expect(typeof r.method).toBe("string");
      expect(typeof r.status).toBe("number");
      expect(typeof r.ms).toBe("number");
    }
    expect(requests).toContainEqual(expect.objectContaining({ method: "GET", path: "/health", status: 200 }));
    expect(requests.filter((r) => r.method === "POST" && r.path === "/rpc" && r.status === 200).length).toBeGreaterThanOrEqual(2);
  });
});

// Workflows may not reach this machine or its private network (outbound.ts): a real
// HTTP server on 127.0.0.1 that an http node or a script's ctx.fetch must not reach
// through any notation of its address or any name for it, even with the host on
// settings.fetchAllowList, and does reach once the host is on settings.fetchAllowPrivate
// too. Every call, sent or refused, is a line in the node's log, without header values or
// query strings. Real services, real runs, a real server; nothing is mocked.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { templates } from "../../model/templates";
import { validateModel } from "../../model/validate";
import type { RunRecord } from "../../xflow/types";
import { systemActor } from "../actor";
import { testServices } from "../entities/test-kit";
import type { TestServices } from "../testing";

const freshServices = testServices("torque-fetch-private-", systemActor);

let server: ReturnType<typeof Bun.serve>;
let hits: string[] = [];
let port = 0;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      hits.push(new URL(req.url).pathname);
      return Response.json({ reached: true, host: req.headers.get("host") });
    },
  });
  port = server.port!;
});
afterAll(() => server?.stop(true));

const httpFlow = (name: string, url: string, headers?: Record<string, string>) => ({
  name,
  nodes: [
    { id: "start", type: "start" },
    { id: "call", type: "http", url, ...(headers && { headers }) },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "call" },
    { from: "call", to: "end" },
  ],
});

const scriptFlow = (name: string, code: string) => ({
  name,
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

const model = (settings: Record<string, string[]>, xflows: unknown[]) => ({ ...structuredClone(templates.todo), settings, xflows });
const logsOf = (r: RunRecord, node: string) => r.nodes.find((n) => n.id === node)?.logs ?? [];
const run = (s: TestServices, name: string) => s.xflows.execute("todo", name, {}, { actor: systemActor });

describe("without settings.fetchAllowPrivate, this machine is out of reach", () => {
  let s: TestServices;
  // Each URL's host is on the allow-list, as written there (URL parsing writes 2130706433 as 127.0.0.1).
  const urls = () => ({
    plain: `http://127.0.0.1:${port}/plain`,
    decimal: `http://2130706433:${port}/decimal`,
    hex: `http://0x7f000001:${port}/hex`,
    short: `http://127.1:${port}/short`,
    localhost: `http://localhost:${port}/localhost`,
    sub: `http://app.localhost:${port}/sub`,
    mapped: `http://[::ffff:127.0.0.1]:${port}/mapped`,
  });

  beforeAll(async () => {
    const u = urls();
    s = await freshServices(
      model({ fetchAllowList: [`127.0.0.1:${port}`, `localhost:${port}`, `app.localhost:${port}`, `[::ffff:7f00:1]:${port}`] }, [
        ...Object.entries(u).map(([k, url]) => httpFlow(`call_${k}`, url)),
        scriptFlow("script_call", `return await ctx.fetch("http://127.0.0.1:${port}/script");`),
        scriptFlow("script_caught", `try { await ctx.fetch("http://localhost:${port}/caught"); return "reached"; } catch (e) { return e.message; }`),
      ]),
      "todo",
    );
  });

  test("an http node reaches it through no notation or name, and says why in the error and the log", async () => {
    hits = [];
    const expected: Record<string, RegExp> = {
      plain: /^fetch: 127\.0\.0\.1 is a loopback address \(127\.0\.0\.0\/8\); workflows may not reach this machine or its private network/,
      decimal: /^fetch: 127\.0\.0\.1 is a loopback address/,
      hex: /^fetch: 127\.0\.0\.1 is a loopback address/,
      short: /^fetch: 127\.0\.0\.1 is a loopback address/,
      localhost: /^fetch: localhost is a name of this machine \(a loopback name\)/,
      sub: /^fetch: app\.localhost is a name of this machine/,
      mapped: /^fetch: ::ffff:7f00:1 is a loopback address \(IPv4-mapped 127\.0\.0\.1, 127\.0\.0\.0\/8\)/,
    };
    for (const [k, url] of Object.entries(urls())) {
      const r = await run(s, `call_${k}`);
      expect([k, r.status]).toEqual([k, "failed"]);
      expect(r.error?.node).toBe("call");
      expect(r.error?.message).toMatch(expected[k]!);
      expect(r.error?.message).toContain("settings.fetchAllowPrivate");
      const shown = new URL(url);
      const logs = logsOf(r, "call");
      expect(logs).toHaveLength(1);
      expect(logs[0]).toStartWith(`fetch GET http://${shown.host}/${k} refused: `);
      expect(logs[0]).toContain("settings.fetchAllowPrivate");
    }
    expect(hits).toEqual([]);
  });

  test("a script's ctx.fetch is refused the same way, and its log has the line", async () => {
    hits = [];
    const r = await run(s, "script_call");
    expect(r.status).toBe("failed");
    expect(r.error?.message).toContain("127.0.0.1 is a loopback address");
    expect(logsOf(r, "js")).toEqual([
      expect.stringMatching(new RegExp(`^fetch GET http://127\\.0\\.0\\.1:${port}/script refused: 127\\.0\\.0\\.1 is a loopback`)),
    ]);
    const caught = await run(s, "script_caught");
    expect(caught.status).toBe("succeeded");
    expect(caught.output).toMatch(/localhost is a name of this machine/);
    expect(logsOf(caught, "js")[0]).toStartWith(`fetch GET http://localhost:${port}/caught refused: `);
    expect(hits).toEqual([]);
  });

  test("the stored run keeps the log line", async () => {
    const r = await run(s, "call_decimal");
    await s.xflows.runs.flush();
    const stored = await s.xflows.getRun(r.id);
    expect(logsOf(stored, "call")[0]).toStartWith(`fetch GET http://127.0.0.1:${port}/decimal refused: 127.0.0.1 is a loopback address`);
  });
});

describe("with the host on settings.fetchAllowPrivate too, it is reached", () => {
  let s: TestServices;
  beforeAll(async () => {
    s = await freshServices(
      model({ fetchAllowList: [`127.0.0.1:${port}`, `localhost:${port}`, "other.localhost"], fetchAllowPrivate: [`127.0.0.1:${port}`, `localhost:${port}`] }, [
        httpFlow("call_ip", `http://127.0.0.1:${port}/ok?token=s3cr3t-query`, { authorization: "Bearer s3cr3t-header" }),
        httpFlow("call_decimal", `http://2130706433:${port}/decimal`),
        httpFlow("call_name", `http://localhost:${port}/name`),
        httpFlow("call_other", `http://other.localhost:${port}/other`),
        scriptFlow("script_call", `const r = await ctx.fetch("http://127.0.0.1:${port}/script", { headers: { "x-api-key": "s3cr3t-key" } }); return r.body;`),
      ]),
      "todo",
    );
  });

  test("an http node reaches it, and the log says so without secrets", async () => {
    hits = [];
    const r = await run(s, "call_ip");
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
    expect(r.output).toMatchObject({ status: 200, body: { reached: true, host: `127.0.0.1:${port}` } });
    const logs = logsOf(r, "call");
    expect(logs).toEqual([expect.stringMatching(new RegExp(`^fetch GET http://127\\.0\\.0\\.1:${port}/ok\\?… → 200 \\(\\d+ ms, 127\\.0\\.0\\.1\\)$`))]);
    expect(JSON.stringify(logs)).not.toContain("s3cr3t");
    expect((await run(s, "call_decimal")).status).toBe("succeeded");
    expect(hits).toEqual(["/ok", "/decimal"]);
  });

  test("a name listed there is resolved, and the request goes to the address it resolved to", async () => {
    hits = [];
    const r = await run(s, "call_name");
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
    expect(r.output).toMatchObject({ status: 200, body: { reached: true, host: `localhost:${port}` } });
    expect(logsOf(r, "call")[0]).toMatch(new RegExp(`^fetch GET http://localhost:${port}/name → 200 \\(\\d+ ms, (127\\.0\\.0\\.1|::1)\\)$`));
    expect(hits).toEqual(["/name"]);
  });

  test("a host on the allow-list but not on fetchAllowPrivate is still refused", async () => {
    hits = [];
    const r = await run(s, "call_other");
    expect(r.status).toBe("failed");
    expect(r.error?.message).toMatch(/^fetch: other\.localhost is a name of this machine/);
    expect(hits).toEqual([]);
  });

  test("a script's ctx.fetch reaches it, and its node's log has the line without the header's value", async () => {
    hits = [];
    const r = await run(s, "script_call");
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
    expect(r.output).toEqual({ reached: true, host: `127.0.0.1:${port}` });
    const logs = logsOf(r, "js");
    expect(logs).toEqual([expect.stringMatching(new RegExp(`^fetch GET http://127\\.0\\.0\\.1:${port}/script → 200 \\(\\d+ ms, 127\\.0\\.0\\.1\\)$`))]);
    expect(JSON.stringify(logs)).not.toContain("s3cr3t");
    expect(hits).toEqual(["/script"]);
  });

  test("a failed call is logged too", async () => {
    server.stop(true);
    try {
      const r = await run(s, "call_decimal");
      expect(r.status).toBe("failed");
      expect(r.error?.message).toMatch(new RegExp(`^fetch: 127\\.0\\.0\\.1:${port} could not be reached: `));
      expect(logsOf(r, "call")[0]).toMatch(new RegExp(`^fetch GET http://127\\.0\\.0\\.1:${port}/decimal failed after \\d+ ms \\(127\\.0\\.0\\.1\\): `));
    } finally {
      server = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => Response.json({ reached: true }) });
    }
  });
});

describe("settings.fetchAllowPrivate in the model", () => {
  const issuesOf = (settings: Record<string, unknown>) =>
    validateModel({ ...structuredClone(templates.todo), settings }).filter((i) => i.path?.startsWith("/settings"));

  test("hosts that are also on fetchAllowList, written as a URL writes them, are accepted", () => {
    expect(
      issuesOf({
        fetchAllowList: ["intranet.local", "10.0.0.5", "[fd00::1]", "intranet.local:8080", "api.example.com"],
        fetchAllowPrivate: ["intranet.local", "10.0.0.5", "[fd00::1]", "Intranet.Local:8080"],
      }),
    ).toEqual([]);
  });

  test("a host not on fetchAllowList, a wildcard, or a host not written as a URL writes it is a problem at its entry", () => {
    const issues = issuesOf({
      fetchAllowList: ["intranet.local", "*.corp", "2130706433"],
      fetchAllowPrivate: ["db.internal", "*.corp", "2130706433", "http://intranet.local/", "intranet.local/x", "", "intranet.local"],
    });
    expect(issues.map((i) => [i.path, i.rule])).toEqual([
      ["/settings/fetchAllowPrivate/0", "reference"],
      ["/settings/fetchAllowPrivate/1", "host"],
      ["/settings/fetchAllowPrivate/2", "host"],
      ["/settings/fetchAllowPrivate/3", "host"],
      ["/settings/fetchAllowPrivate/4", "host"],
      ["/settings/fetchAllowPrivate/5", "host"],
    ]);
    expect(issues[0]!.message).toBe('"db.internal" is not on settings.fetchAllowList; a host may reach private addresses only if workflows may call it at all');
    expect(issues[1]!.message).toMatch(/wildcards are not allowed/);
    expect(issues[2]!.message).toBe('"2130706433" is written "127.0.0.1" in a URL; write it so');
    expect(issuesOf({ fetchAllowPrivate: "intranet.local" }).map((i) => i.path)).toEqual(["/settings/fetchAllowPrivate"]);
  });

  test("a model saved with a host there not on the allow-list is refused", async () => {
    const e = await freshServices(model({ fetchAllowPrivate: ["10.0.0.5"] }, []), "todo").catch((x) => x);
    expect(String(e?.message)).toContain("settings/fetchAllowPrivate/0");
  });
});

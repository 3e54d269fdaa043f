// The security headers of every answer (http/headers.ts, http/frontends.ts), on the real
// server: the frontends' pages (a Content-Security-Policy without inline scripts, framing,
// nosniff, referrer), their script and style files (nosniff, kept a year, 304 on their
// ETag), and every API answer (a policy that allows nothing, nosniff, no-store: /rpc,
// /graphql, /auth/*, /health, refusals, 404s). In --dev the page keeps a policy, relaxed
// for the dev server's inline script (by hash) and hot reload's blob: modules.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cliActor } from "../../src/services/actor";
import { startTestServer, type TestServer } from "../helpers/server";

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"] });
});
afterAll(() => s.close());

const API = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};
const headersOf = (res: Response) => Object.fromEntries(res.headers.entries());
const policyOf = (res: Response) =>
  new Map(
    (res.headers.get("content-security-policy") ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([k, ...v]) => [k, v]),
  );

describe("the frontends' pages", () => {
  test("the editor: only this server's scripts, never framed; styles may be inline (Mantine's style elements)", async () => {
    const res = await fetch(`${s.url}/editor/models/x/diagram`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = policyOf(res);
    expect(csp.get("script-src")).toEqual(["'self'"]);
    expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("frame-src")).toEqual(["'self'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(headersOf(res)).toMatchObject({
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "same-origin",
      "cache-control": "no-cache",
    });
    // Neither page has an inline script (Bun's production HTML bundles inject none).
    expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  test("an app: framed only by its own origin (the editor's preview), no style elements, style attributes inline", async () => {
    const res = await fetch(`${s.url}/app/todo/tasks?record=task/1`);
    const csp = policyOf(res);
    expect(csp.get("script-src")).toEqual(["'self'"]);
    expect(csp.get("style-src")).toEqual(["'self'"]);
    expect(csp.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'self'"]);
    expect(csp.get("frame-src")).toEqual(["'none'"]);
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    // Its files: nosniff, kept a year under their hashed names, 304 for a known ETag.
    const js = /src="(\/[^"]+\.js)"/.exec(html)![1]!;
    const file = await fetch(`${s.url}${js}`);
    expect(file.status).toBe(200);
    expect(headersOf(file)).toMatchObject({
      "content-type": "text/javascript;charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=31536000, immutable",
    });
    await file.arrayBuffer();
    const again = await fetch(`${s.url}${js}`, { headers: { "if-none-match": file.headers.get("etag")! } });
    expect(again.status).toBe(304);
    const css = /href="(\/[^"]+\.css)"/.exec(html)![1]!;
    expect((await fetch(`${s.url}${css}`)).headers.get("content-type")).toContain("text/css");
    // A page is only read: other methods are refused.
    expect((await fetch(`${s.url}/app/todo/`, { method: "POST" })).status).toBe(405);
  });

  test("/editor redirects and the gallery (off) answers 404, both with the API's headers", async () => {
    const r = await fetch(`${s.url}/editor`, { redirect: "manual" });
    expect(r.status).toBe(302);
    expect(headersOf(r)).toMatchObject(API);
    const g = await fetch(`${s.url}/app/_gallery/`);
    expect(g.status).toBe(404);
    expect(headersOf(g)).toMatchObject(API);
  });
});

describe("API answers", () => {
  test("JSON-RPC, GraphQL, /health, /auth and a 404 carry nosniff, a policy allowing nothing, and no-store", async () => {
    const answers = [
      await fetch(`${s.url}/rpc`, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getModelMetadata", params: { app: "todo" } }) }),
      await fetch(`${s.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ apps { slug } }" }),
      }),
      await fetch(`${s.url}/health`),
      await fetch(`${s.url}/auth/session`),
      await fetch(`${s.url}/auth/logout`, { method: "POST" }),
      await fetch(`${s.url}/no/such/thing`),
    ];
    for (const a of answers) expect({ status: a.status, ...headersOf(a) }).toMatchObject({ ...API, "cache-control": "no-store" });
  });

  test("once a user exists: the 401 before JSON-RPC, the sign-in answers and a foreign origin's 403 too", async () => {
    const t = await startTestServer({ apps: ["todo"] });
    try {
      await t.services.users.add("ann", "correct horse battery", "admin", cliActor);
      const refused = await fetch(`${t.url}/rpc`, {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getModelMetadata", params: { app: "todo" } }),
      });
      expect(refused.status).toBe(401);
      expect(headersOf(refused)).toMatchObject({ ...API, "cache-control": "no-store" });
      const wrong = await fetch(`${t.url}/auth/login`, { method: "POST", body: JSON.stringify({ name: "ann", password: "nope" }) });
      expect(wrong.status).toBe(401);
      expect(headersOf(wrong)).toMatchObject({ ...API, "cache-control": "no-store" });
      const login = await fetch(`${t.url}/auth/login`, { method: "POST", body: JSON.stringify({ name: "ann", password: "correct horse battery" }) });
      expect(login.status).toBe(200);
      expect(headersOf(login)).toMatchObject({ ...API, "cache-control": "no-store" });
      const foreign = await fetch(`${t.url}/graphql`, {
        method: "POST",
        headers: { origin: "https://evil.example", "content-type": "application/json" },
        body: "{}",
      });
      expect(foreign.status).toBe(403);
      expect(headersOf(foreign)).toMatchObject(API);
    } finally {
      await t.close();
    }
  });
});

describe("--dev", () => {
  test("the page keeps a policy: the dev server's inline script allowed by its hash, hot reload's blob: modules", async () => {
    const d = await startTestServer({ apps: ["todo"], server: { development: true } });
    try {
      const res = await fetch(`${d.url}/app/todo/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      expect(inline.length).toBeGreaterThan(0);
      const script = policyOf(res).get("script-src")!;
      for (const code of inline) expect(script).toContain(`'sha256-${new Bun.CryptoHasher("sha256").update(code).digest("base64")}'`);
      expect(script).toContain("blob:");
      expect(script).not.toContain("'unsafe-inline'");
      expect(policyOf(res).get("frame-ancestors")).toEqual(["'self'"]);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    } finally {
      await d.close();
    }
  }, 60_000);
});

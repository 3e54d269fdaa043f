// Other web pages and rebound host names cannot act through a loopback server.
import { expect, test } from "bun:test";
import { refuseForeign } from "./guard";

const req = (headers: Record<string, string>) => new Request("http://127.0.0.1:8080/rpc", { method: "POST", headers });

test("a page of another site is refused, the server's own pages and non-browser clients are not", () => {
  expect(refuseForeign(req({ host: "127.0.0.1:8080", origin: "https://evil.example" }), "127.0.0.1")?.status).toBe(403);
  expect(refuseForeign(req({ host: "127.0.0.1:8080", origin: "http://127.0.0.1:9999" }), "127.0.0.1")?.status).toBe(403);
  expect(refuseForeign(req({ host: "127.0.0.1:8080", origin: "null" }), "127.0.0.1")?.status).toBe(403);
  expect(refuseForeign(req({ host: "127.0.0.1:8080", origin: "http://127.0.0.1:8080" }), "127.0.0.1")).toBeUndefined();
  expect(refuseForeign(req({ host: "localhost:8080", origin: "http://localhost:8080" }), "127.0.0.1")).toBeUndefined();
  expect(refuseForeign(req({ host: "127.0.0.1:8080" }), "127.0.0.1")).toBeUndefined();
});

test("a host name rebound to the loopback is refused", () => {
  expect(refuseForeign(req({ host: "attacker.example:8080" }), "127.0.0.1")?.status).toBe(403);
  expect(refuseForeign(req({ host: "[::1]:8080" }), "::1")).toBeUndefined();
});

test("a Host that is not plainly HOST[:PORT] is refused as malformed, whatever loopback name it starts with", async () => {
  for (const host of [
    "127.0.0.1:8088@evil.example",
    "user@localhost",
    "127.0.0.1 :8088",
    "127.0.0.1:8088 x",
    "127.0.0.1:1:2",
    "localhost:8088/",
    "localhost:70000",
    "[::1",
  ]) {
    const res = refuseForeign(req({ host }), "127.0.0.1");
    expect(res?.status, host).toBe(403);
    expect((await res!.json()).error).toContain("malformed Host header");
  }
  expect(refuseForeign(req({ host: "LocalHost:8080" }), "127.0.0.1")).toBeUndefined();
  expect(refuseForeign(req({ host: "[::1]" }), "::1")).toBeUndefined();
});

// One rule per count, whichever door it comes through: the same out-of-range value sent
// through GraphQL, JSON-RPC, MCP (SDK client over Streamable HTTP) and the CLI (a real
// `torque` process on the same SQLite file) gets the same sentence, naming the argument
// and the allowed range (services/limits.ts). The seed count used to be 0–1,000,000 in
// GraphQL, 1–10,000 in MCP and unbounded in the CLI.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rangeMessage } from "../../src/lib/errors";
import { LIMITS } from "../../src/services/limits";
import { torque } from "../helpers/cli";
import { rpcError, startTestServer, type TestServer } from "../helpers/server";
import { fails, type HttpSession, httpClient } from "./helpers";

let s: TestServer, mcp: HttpSession, scoped: HttpSession;
beforeAll(async () => {
  s = await startTestServer();
  mcp = await httpClient(s.url);
  scoped = await httpClient(s.url, { app: "todo" });
});
afterAll(async () => {
  await mcp.close().catch(() => {});
  await scoped.close().catch(() => {});
  await s.close();
});

async function graphqlError(query: string): Promise<string> {
  const res = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { errors?: { message: string }[] };
  expect(body.errors?.length).toBeGreaterThan(0);
  return body.errors![0]!.message;
}
async function cliError(args: string[]): Promise<string> {
  const r = await torque([...args, "--db", s.dbPath], { cwd: s.dir });
  expect(r.code).toBe(1);
  return r.stderr;
}
const records = async () => (await s.services.entities.query("todo", "project", { total: true })).pagination.total;

describe("the same out-of-range value gets the same answer at every door", () => {
  test("seed count 1,000,001: GraphQL, MCP and the CLI; nothing is written", async () => {
    const sentence = rangeMessage("count", LIMITS.seedCount.min, LIMITS.seedCount.max);
    expect(sentence).toBe("count must be a whole number from 0 to 1,000,000");
    const before = await records();
    expect(await graphqlError('mutation { seedApp(slug: "todo", count: 1000001) }')).toContain(sentence);
    expect((await fails(mcp.client, "seed_app", { app: "todo", count: 1_000_001 })).message).toContain(sentence);
    expect(await cliError(["app", "seed", "todo", "--count", "1000001"])).toContain(sentence);
    // Below the range, too (MCP used to allow 1 to 10,000, the CLI anything).
    expect((await fails(mcp.client, "seed_app", { app: "todo", count: -1 })).message).toContain(sentence);
    expect(await records()).toBe(before);
  });

  test("workflow runs limit: GraphQL, JSON-RPC and the CLI", async () => {
    const sentence = rangeMessage("limit", 1, LIMITS.xflowRuns.max);
    for (const bad of [LIMITS.xflowRuns.max + 1, -1, 0]) {
      expect(await graphqlError(`{ xflowRuns(limit: ${bad}) }`)).toContain(sentence);
      expect((await rpcError(s.url, "listXFlowRuns", { limit: bad })).message).toContain(sentence);
    }
    expect(await cliError(["xflow", "runs", "--limit", String(LIMITS.xflowRuns.max + 1)])).toContain(sentence);
  });

  test("page size: JSON-RPC, MCP (generic and typed tools) and the CLI", async () => {
    const sentence = rangeMessage("limit", 1, LIMITS.pageSize.max);
    expect(sentence).toBe("limit must be a whole number from 1 to 1,000");
    for (const bad of [LIMITS.pageSize.max + 1, -1, 0, 2.5]) {
      const rpc = await rpcError(s.url, "queryEntities", { app: "todo", entity: "task", limit: bad });
      expect(rpc.message).toContain(sentence);
      expect(rpc.data).toEqual([{ field: "limit", rule: "range", message: sentence }]);
      expect((await fails(mcp.client, "query_entities", { app: "todo", entity: "task", limit: bad })).message).toContain(sentence);
      expect((await fails(scoped.client, "task_query", { limit: bad })).message).toContain(sentence);
    }
    expect(await cliError(["entity", "list", "todo", "task", "--limit", "1001"])).toContain(sentence);
  });

  test("the published contracts carry the same bounds", async () => {
    const caps = (await (
      await fetch(`${s.url}/rpc`, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getCapabilities" }) })
    ).json()) as any;
    expect(caps.result.limits.maxPageSize).toBe(LIMITS.pageSize.max);
    const tools = (await scoped.client.listTools()).tools;
    const limitOf = (name: string) => (tools.find((t) => t.name === name)!.inputSchema.properties as any).limit;
    for (const name of ["query_entities", "task_query"]) expect(limitOf(name)).toMatchObject({ minimum: 1, maximum: LIMITS.pageSize.max });
    expect((tools.find((t) => t.name === "seed_app")!.inputSchema.properties as any).count).toMatchObject({ minimum: 0, maximum: LIMITS.seedCount.max });
  });
});

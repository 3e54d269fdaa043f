// MCP answers are bounded like JSON-RPC's (mcp/answers.ts), and request ids above 2^53
// are answered byte for byte (mcp/ids.ts), over real HTTP to the real server and on the
// real `torque mcp` process. A batch of MCP queries used to run all at once on the
// server's one thread and build one huge answer; 12345678901234567890 as an id was refused
// (-32700 over HTTP, -32600 on stdio).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ANSWER_TOO_LARGE, NOT_RUN } from "../../src/rpc/protocol";
import { systemActor } from "../../src/services/actor";
import { makeProject, startTestServer, type TestServer } from "../helpers/server";
import { MAIN, removeTempDirs, todoProject } from "./helpers";

let roomy: TestServer, tight: TestServer;
const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const initialize = (id: unknown = 1) =>
  `{"jsonrpc":"2.0","id":${id},"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}`;

async function seed(s: TestServer) {
  const project = await makeProject(s.url);
  const rows = Array.from({ length: 2000 }, (_, i) => ({ title: `task ${i} ${"x".repeat(50)}`, project, notes: "n".repeat(200) }));
  await s.services.entities.insertMany("todo", "task", rows, { actor: systemActor });
  await s.services.models.edit(
    s.models.todo!,
    {
      op: "addXFlow",
      xflow: {
        name: "spin",
        trigger: { type: "manual" },
        nodes: [
          { id: "start", type: "start" },
          { id: "wait", type: "script", code: "const t = Date.now(); while (Date.now() - t < 25) {} return {};" },
          { id: "end", type: "end" },
        ],
        edges: [
          { from: "start", to: "wait" },
          { from: "wait", to: "end" },
        ],
      },
    },
    systemActor,
  );
}

/** A session opened by hand (initialize, initialized); returns a poster of raw bodies and the SSE messages they got back. */
async function session(url: string, init = initialize()) {
  const res = await fetch(`${url}/mcp`, { method: "POST", headers, body: init });
  const first = await res.text();
  const sid = res.headers.get("mcp-session-id")!;
  const h = { ...headers, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" };
  await (await fetch(`${url}/mcp`, { method: "POST", headers: h, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' })).text();
  const post = async (body: string) => {
    const r = await fetch(`${url}/mcp`, { method: "POST", headers: h, body });
    const text = await r.text();
    return { status: r.status, text, messages: dataLines(text).map((l) => JSON.parse(l)) };
  };
  return { first, post };
}
const dataLines = (sse: string) =>
  sse
    .split("\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => l.slice(6));

const query = (id: number, args: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "query_entities", arguments: { app: "todo", entity: "task", ...args } },
});
/** `n` runs of the manual workflow `spin` (seed): each takes at least 25 ms. */
const spins = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    jsonrpc: "2.0",
    id: i,
    method: "tools/call",
    params: { name: "execute_xflow", arguments: { app: "todo", xflow: "spin" } },
  }));

beforeAll(async () => {
  roomy = await startTestServer({ server: { answers: { batchMs: 60_000, answerBytes: 1e9 } } });
  tight = await startTestServer({ server: { answers: { batchMs: 100, answerBytes: 50_000 } } });
  await seed(roomy);
  await seed(tight);
});
afterAll(async () => {
  await roomy.close();
  await tight.close();
  removeTempDirs();
});

describe("MCP batches over HTTP", () => {
  test("members run one at a time: /health is answered while a batch of 100 pages runs, and every member is answered", async () => {
    const { post } = await session(roomy.url);
    // The server runs in this process: a timer here fires late exactly when the batch holds the thread.
    const started = performance.now();
    let batchDone = 0;
    const batch = post(JSON.stringify(Array.from({ length: 100 }, (_, i) => query(i, { limit: 200 })))).then((r) => {
      batchDone = performance.now() - started;
      return r;
    });
    await Bun.sleep(50);
    const healthSent = performance.now() - started;
    await (await fetch(`${roomy.url}/health`)).json();
    const healthDone = performance.now() - started;
    const r = await batch;
    expect(r.messages.map((m) => m.id)).toEqual([...Array(100).keys()]);
    expect(r.messages.every((m) => m.result && !m.result.isError)).toBe(true);
    expect(healthSent).toBeLessThan(batchDone / 2);
    expect(healthDone).toBeLessThan(batchDone);
  });

  test("past the time budget the requests left are -32010 (send again), in order, and the answer completes", async () => {
    const { post } = await session(tight.url);
    const r = await post(JSON.stringify(spins(20)));
    expect(r.status).toBe(200);
    expect(r.messages.map((m) => m.id)).toEqual([...Array(20).keys()]);
    const firstNotRun = r.messages.findIndex((m) => m.error);
    expect(firstNotRun).toBeGreaterThan(0);
    expect(firstNotRun).toBeLessThanOrEqual(5); // 100 ms of 25 ms members, and the one that crosses it
    expect(r.messages.slice(0, firstNotRun).every((m) => !m.result.isError)).toBe(true);
    for (const m of r.messages.slice(firstNotRun)) {
      expect(m.error.code).toBe(NOT_RUN);
      expect(m.error.message).toContain("send this call again");
    }
  });

  test("a batch's answer stops at the byte budget; a single answer over it is refused with -32011", async () => {
    const { post } = await session(tight.url);
    const r = await post(JSON.stringify(Array.from({ length: 30 }, (_, i) => query(i, { limit: 20 }))));
    expect(r.messages).toHaveLength(30);
    expect(Buffer.byteLength(r.text)).toBeLessThan(50_000 + 30 * 400);
    const crossing = r.messages.findIndex((m) => m.error);
    expect(r.messages[crossing].error.code).toBe(ANSWER_TOO_LARGE);
    expect(r.messages.slice(crossing + 1).every((m) => m.error.code === NOT_RUN)).toBe(true);

    const one = await post(JSON.stringify(query(7, { limit: 1000 })));
    expect(one.messages).toEqual([{ jsonrpc: "2.0", id: 7, error: expect.objectContaining({ code: ANSWER_TOO_LARGE }) }]);
    expect(one.messages[0].error.message).toContain("ask for less");
    expect(one.text.length).toBeLessThan(1000);
  });
});

describe("request ids above 2^53", () => {
  test("HTTP: initialize, a call and a batch member with such ids are answered with the same digits", async () => {
    const { first, post } = await session(roomy.url, initialize("12345678901234567890"));
    expect(dataLines(first)[0]).toContain('"id":12345678901234567890');
    expect(JSON.parse(dataLines(first)[0]!).result.serverInfo.name).toBe("torque");
    const one = await post('{"jsonrpc":"2.0","id":98765432109876543210,"method":"ping"}');
    expect(one.status).toBe(200);
    expect(dataLines(one.text)).toEqual(['{"result":{},"jsonrpc":"2.0","id":98765432109876543210}']);
    const batch = await post('[{"jsonrpc":"2.0","id":-98765432109876543211,"method":"ping"},{"jsonrpc":"2.0","id":"s","method":"ping"}]');
    expect(dataLines(batch.text)).toEqual(['{"result":{},"jsonrpc":"2.0","id":-98765432109876543211}', '{"result":{},"jsonrpc":"2.0","id":"s"}']);
  });

  test("stdio: the same, on the real `torque mcp` process", async () => {
    const { dir, dbPath } = await todoProject();
    const p = Bun.spawn([process.execPath, MAIN, "mcp", "--db", dbPath], { cwd: dir, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    const reader = p.stdout.getReader();
    const dec = new TextDecoder();
    let buf = "";
    const nextLine = async (): Promise<string> => {
      for (;;) {
        const nl = buf.indexOf("\n");
        if (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          return line;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`stdout ended; stderr: ${await new Response(p.stderr).text()}`);
        buf += dec.decode(value);
      }
    };
    p.stdin.write(`${initialize("12345678901234567890")}\n`);
    const init = await nextLine();
    expect(init).toContain('"id":12345678901234567890');
    p.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    p.stdin.write('{"jsonrpc":"2.0","id":98765432109876543210,"method":"ping"}\n');
    expect(await nextLine()).toBe('{"result":{},"jsonrpc":"2.0","id":98765432109876543210}');
    p.stdin.write('{"jsonrpc":"2.0","id":98765432109876543211,"method":"nope"}\n');
    expect(await nextLine()).toContain('"id":98765432109876543211');
    p.stdin.write('{"jsonrpc":"2.0","id":3,"method":"ping"}\n'); // small ids as before
    expect(await nextLine()).toBe('{"result":{},"jsonrpc":"2.0","id":3}');
    p.stdin.end();
    expect(await p.exited).toBe(0);
  });
});

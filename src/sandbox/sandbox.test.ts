// Hostile scripts against the QuickJS sandbox: each one ends in a clear ScriptError of the
// right kind, within its limits, and the same Sandbox runs the next ordinary script as if
// nothing had happened (pooled contexts keep no state between runs).
import { afterAll, describe, expect, test } from "bun:test";
import { Sandbox, ScriptError, type ScriptErrorKind, type ScriptHost } from "./sandbox";

const sandbox = new Sandbox();
afterAll(() => sandbox.close());

/** A host that records calls and logs; `answer` decides what each call resolves to. */
function host(answer: (op: string, args: unknown[]) => Promise<unknown> = async () => null) {
  const calls: { op: string; args: unknown[] }[] = [];
  const logs: string[] = [];
  const h: ScriptHost = {
    call: (op, args) => (calls.push({ op, args }), answer(op, args)),
    log: (line) => void logs.push(line),
    meta: () => ({ runId: "r1", flow: "f", node: "n" }),
  };
  return { h, calls, logs };
}

const run = (code: string, input: unknown = {}, opts: { timeoutMs?: number } = {}): Promise<any> => sandbox.run(code, input, host().h, opts);

/** Runs `code`, expects a ScriptError of one of `kinds`; returns it. */
async function fails(code: string, kinds: ScriptErrorKind[], opts: { timeoutMs?: number } = {}): Promise<ScriptError> {
  let caught: unknown;
  try {
    await run(code, {}, opts);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ScriptError);
  const err = caught as ScriptError;
  expect(kinds).toContain(err.kind);
  expect(err.message.length).toBeGreaterThan(0);
  return err;
}

/** The sandbox still works: an ordinary script gives its answer. */
async function stillWorks() {
  expect(await run("return { sum: input.a + input.b };", { a: 2, b: 3 })).toEqual({ sum: 5 });
}

describe("ordinary scripts", () => {
  test("input in, JSON out; undefined becomes null", async () => {
    expect(await run("return input.items.map((x) => x * 2);", { items: [1, 2, 3] })).toEqual([2, 4, 6]);
    expect(await run("const x = 1;")).toBeNull();
  });

  test("ctx.log lines reach the host and ctx.run shows the run's metadata", async () => {
    const { h, logs } = host();
    const out = await sandbox.run('ctx.log("hello", 42, {a: 1}); return ctx.run.flow;', {}, h);
    expect(out).toBe("f");
    expect(logs).toEqual(['hello 42 {"a":1}']);
  });
});

describe("hostile scripts end with a clear error, and the next run works", () => {
  test("an infinite loop is stopped as a timeout, within about twice the limit", async () => {
    const t0 = performance.now();
    const err = await fails("for (;;) {}", ["timeout"], { timeoutMs: 200 });
    expect(performance.now() - t0).toBeLessThan(400 + 200); // 2x the limit, plus set-up slack
    expect(err.message).toMatch(/time/);
    await stillWorks();
  });

  test("a busy loop inside an awaited promise chain is stopped too", async () => {
    await fails("await Promise.resolve(); while (true) { Math.random(); }", ["timeout"], { timeoutMs: 200 });
    await stillWorks();
  });

  test("memory bombs fail with memory (or timeout) and the process stays bounded", async () => {
    const bombs = [
      'let s = "x"; for (;;) s += s;',
      "const a = []; for (;;) a.push({ i: a.length, pad: [1, 2, 3, 4] });",
      "new Array(1e9).fill(7);",
      "const bufs = []; for (;;) bufs.push(new ArrayBuffer(8 * 1024 * 1024));",
      "const m = new Map(); for (let i = 0; ; i++) m.set('k' + i, 'v'.repeat(100) + i);",
      'const s = "y".repeat(2 ** 29); return s.length;',
    ];
    for (const code of bombs) {
      await fails(code, ["memory", "timeout"], { timeoutMs: 3000 });
      await stillWorks();
    }
    Bun.gc(true);
    expect(process.memoryUsage().rss).toBeLessThan(800 * 1024 * 1024);
  }, 60_000);

  test("unbounded recursion is a stack error", async () => {
    const err = await fails("function f(n) { return f(n + 1) + 1; } return f(0);", ["stack"]);
    expect(err.message).toMatch(/stack|recursion/);
    await stillWorks();
  });

  test("a huge output is refused (output or memory)", async () => {
    await fails('return "x".repeat(5 * 1024 * 1024);', ["output", "memory"]);
    await stillWorks();
  });

  test("a promise that never resolves times out", async () => {
    const t0 = performance.now();
    const err = await fails("await new Promise(() => {}); return 1;", ["timeout"], { timeoutMs: 300 });
    expect(err.message).toMatch(/never settles|time/);
    expect(performance.now() - t0).toBeLessThan(2000);
    await stillWorks();
  });

  test("a syntax error is kind syntax", async () => {
    const err = await fails("return {;", ["syntax"]);
    expect(err.message).toContain("SyntaxError");
    await stillWorks();
  });

  test("a thrown error is kind thrown and keeps its message", async () => {
    const err = await fails('throw new Error("no such customer: 42");', ["thrown"]);
    expect(err.message).toContain("no such customer: 42");
    await stillWorks();
  });
});

describe("isolation from the host", () => {
  test("host globals are not there", async () => {
    const seen = await run(`return {
      process: typeof process, Bun: typeof Bun, require: typeof require, fetch: typeof fetch,
      module: typeof module, setTimeout: typeof setTimeout, host: typeof __host,
    };`);
    expect(seen).toEqual({ process: "undefined", Bun: "undefined", require: "undefined", fetch: "undefined", module: "undefined", setTimeout: "undefined", host: "undefined" });
  });

  test("the Function constructor does not reach the host's process", async () => {
    const out = await run(`
      const f = globalThis.constructor.constructor("return typeof process")();
      const g = (() => {}).constructor("return typeof require")();
      let viaProcess;
      try { viaProcess = typeof globalThis.constructor.constructor("return process")(); } catch (e) { viaProcess = "threw: " + e.message; }
      return { f, g, viaProcess };`);
    expect(out.f).toBe("undefined");
    expect(out.g).toBe("undefined");
    expect(String(out.viaProcess)).toMatch(/^threw: .*process/);
  });

  test("prototype pollution is refused and invisible to the next run", async () => {
    const attempt = await run(`
      const r = {};
      try { Object.prototype.polluted = 1; r.proto = "set"; } catch (e) { r.proto = "refused"; }
      try { Array.prototype.push = () => 0; r.push = "set"; } catch (e) { r.push = "refused"; }
      try { JSON.parse = () => "evil"; r.json = "set"; } catch (e) { r.json = "refused"; }
      return r;`);
    expect(attempt).toEqual({ proto: "refused", push: "refused", json: "refused" });
    for (let i = 0; i < 6; i++) {
      const next = await run("const a = []; a.push(1, 2); return { polluted: ({}).polluted ?? null, len: a.length, json: JSON.parse('[1]') };");
      expect(next).toEqual({ polluted: null, len: 2, json: [1] });
    }
  });

  test("new globals do not survive into the next run", async () => {
    await run("try { globalThis.leak = 'secret'; } catch {} try { var leaked = 1; } catch {} return 1;").catch(() => undefined);
    for (let i = 0; i < 6; i++) expect(await run("return typeof globalThis.leak + '/' + typeof leaked;")).toBe("undefined/undefined");
  });

  test("ordinary code may shadow prototype properties on its own objects", async () => {
    const out = await run(`
      class NotFound extends Error { constructor(m) { super(m); this.name = "NotFound"; } }
      const o = {}; o.toString = () => "mine";
      return { name: new NotFound("x").name, str: String(o) };`);
    expect(out).toEqual({ name: "NotFound", str: "mine" });
  });

  test("ctx itself cannot be changed", async () => {
    const out = await run(`try { ctx.entities.query = () => "mine"; } catch (e) { return "refused"; } return "changed";`);
    expect(out).toBe("refused");
  });
});

describe("ctx.entities reaches the host", () => {
  test("calls carry their arguments and results come back", async () => {
    const { h, calls } = host(async (op, args) => (op === "entities.query" ? { data: [{ id: "t1", data: { title: "A" } }] } : { id: "new", args }));
    const out = await sandbox.run(
      `const page = await ctx.entities.query("task", { filter: { status: "open" } });
       const made = await ctx.entities.create("task", { title: page.data[0].data.title + "!" });
       await ctx.entities.update("task", "t1", { status: "done" });
       await ctx.entities.get("task", "t1");
       await ctx.entities.delete("task", "t1");
       return { first: page.data[0].id, made: made.id };`,
      {},
      h,
    );
    expect(out).toEqual({ first: "t1", made: "new" });
    expect(calls.map((c) => c.op)).toEqual(["entities.query", "entities.create", "entities.update", "entities.get", "entities.delete"]);
    expect(calls[0]!.args).toEqual(["task", { filter: { status: "open" } }]);
    expect(calls[1]!.args).toEqual(["task", { title: "A!" }]);
    expect(calls[2]!.args).toEqual(["task", "t1", { status: "done" }, {}]);
  });

  const rejecting = (message: string) =>
    host(async () => {
      throw new Error(message);
    }).h;

  test("a host rejection is a catchable error inside the script", async () => {
    const out = await sandbox.run(
      `try { await ctx.entities.get("task", "nope"); return "no error"; } catch (e) { return { isError: e instanceof Error, name: e.name }; }`,
      {},
      rejecting("task 'nope' not found"),
    );
    expect(out).toEqual({ isError: true, name: "Error" });
    await stillWorks();
  });

  test("a host rejection keeps the host's message, caught or uncaught", async () => {
    const caught = await sandbox.run(`try { await ctx.entities.get("task", "nope"); } catch (e) { return e.message; }`, {}, rejecting("task 'nope' not found"));
    expect(caught).toBe("task 'nope' not found");
    const err: any = await sandbox.run(`await ctx.entities.create("task", {}); return 1;`, {}, rejecting("invalid task: title is required")).catch((e) => e);
    expect(err).toBeInstanceOf(ScriptError);
    expect(err.kind).toBe("thrown");
    expect(err.message).toContain("title is required");
  });

  test("a host call that outlives the time limit ends in a timeout", async () => {
    const { h } = host(() => new Promise((r) => setTimeout(() => r("late"), 2000)));
    const t0 = performance.now();
    const err: any = await sandbox.run(`return await ctx.entities.get("task", "slow");`, {}, h, { timeoutMs: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(ScriptError);
    expect(err.kind).toBe("timeout");
    expect(performance.now() - t0).toBeLessThan(1500);
    await stillWorks();
  });
});

test("hidden built-ins (iterator and generator prototypes) are frozen: one run cannot watch the next", async () => {
  const sb = new Sandbox();
  const host = { call: async () => null, log: () => {}, meta: () => null };
  for (const code of [
    "Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true });",
    "Object.getPrototypeOf(function* () {}).prototype.next = () => ({ done: true });",
    "Object.getPrototypeOf(new Map()[Symbol.iterator]()).next = () => ({ done: true });",
  ])
    await expect(sb.run(code, {}, host)).rejects.toThrow(/read-only|not extensible/);
  expect(await sb.run("let n = 0; for (const x of input) n += x; return n;", [1, 2, 3], host)).toBe(6);
  sb.close();
});

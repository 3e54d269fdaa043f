// Hostile scripts against the QuickJS sandbox: each one ends in a clear ScriptError of the
// right kind, within its limits, and the same Sandbox runs the next ordinary script as if
// nothing had happened (pooled contexts keep no state between runs).
import { afterAll, describe, expect, test } from "bun:test";
import { WorkerPool } from "./pool";
import { HARDEN_RECIPE } from "./recipe";
import { type RunIO, ScriptRunner, STALE_CTX, searchRecipe } from "./runner";
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
    expect(seen).toEqual({
      process: "undefined",
      Bun: "undefined",
      require: "undefined",
      fetch: "undefined",
      module: "undefined",
      setTimeout: "undefined",
      host: "undefined",
    });
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
    // Global lexical declarations (indirect eval) live outside the global object: not kept either.
    await run("(0, eval)(\"let lexLeak = 'secret'; class LexClass {}\"); return 1;").catch(() => undefined);
    expect(
      await run("const r = []; for (const n of ['lexLeak', 'LexClass']) { try { r.push((0, eval)(n)); } catch (e) { r.push(e.name); } } return r;"),
    ).toEqual(["ReferenceError", "ReferenceError"]);
  });

  test("a script cannot keep state on its own (reused) compiled function", async () => {
    const code = "let kept = null; try { kept = script.last; script.last = input.v; } catch (e) { kept = e.name; } return kept;";
    for (const v of [1, 2, 3]) expect(await run(code, { v })).toBe("ReferenceError");
  });

  // Red-team finding 6: the body was pasted into `Object.freeze(async function (input, ctx) {…})`,
  // so code that closed the wrapper declared a global binding that outlived the run (two
  // runs returned 1 then 2, and another flow read it).
  test("code that closes its wrapper function is refused, and what it declared is gone", async () => {
    const breakouts = [
      // a global lexical binding, kept by a second function opened to match the wrapper's end
      "return 1 }); let __inj = { n: 0 }; (async function (input, ctx) { __inj.n++; return __inj.n;",
      // no statement at all: a closure over a counter, handed back instead of the wrapper's function
      "return 1 }) && (() => { let n = 0; return Object.freeze(async function (input, ctx) { return ++n; }); })(), (async function () {",
      // the wrapper's function, then another argument to Object.freeze
      "return 1 }, async function (input, ctx) { return 2;",
    ];
    for (const code of breakouts) {
      for (let i = 0; i < 2; i++) {
        const err = await fails(code, ["syntax"]);
        expect(err.message).toMatch(/closes the function it is the body of/);
      }
    }
    expect(await run("try { return typeof __inj; } catch (e) { return e.name; }")).toBe("undefined");
    // Braces inside strings, comments, templates and regexps are not closing ones.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own template literal
    expect(await run("const s = '})'; /* }) */ const t = `${'}'}`; const r = /\\}\\)/; return s + t + r.source; // })")).toBe("})}\\}\\)");
    await stillWorks();
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

describe("a script's result must be JSON", () => {
  test("a function, symbol, BigInt or cyclic value is refused with a message saying what was returned", async () => {
    const cases: [string, RegExp][] = [
      ["return () => 1;", /returned a function/],
      ["return Symbol('s');", /returned a symbol/],
      ["return 12n;", /returned a BigInt \(12n\)/],
      ["const a = { n: 1 }; a.self = a; return a;", /cannot be written as JSON \(.*circular.*\)/i],
      ["return { big: 1n };", /cannot be written as JSON \(.*BigInt.*\)/],
    ];
    for (const [code, says] of cases) {
      const err = await fails(code, ["output"]);
      expect(err.message).toMatch(says);
      expect(err.message).toContain("must be a JSON value");
      expect(err.message).not.toMatch(/JSON Parse error/);
    }
    await stillWorks();
  });
});

/** A script that lists every object it can reach from `roots` (own properties, accessors, prototypes) that is not frozen. */
const UNFROZEN = `
  const unfrozen = [], seen = new Set();
  const visit = (o, path) => {
    if ((typeof o !== "object" && typeof o !== "function") || o === null || seen.has(o)) return;
    seen.add(o);
    if (!Object.isFrozen(o)) unfrozen.push(path);
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if ("value" in d) visit(d.value, path + "." + String(k));
      else { visit(d.get, path + ".get " + String(k)); visit(d.set, path + ".set " + String(k)); }
    }
    visit(Object.getPrototypeOf(o), path + ".[[Prototype]]");
  };
  for (const [name, o] of Object.entries(roots)) visit(o, name);
  return unfrozen;`;

describe("freezing by walk", () => {
  test("every hidden built-in we know of is frozen, with everything it leads to", async () => {
    const roots = `const roots = {
      ArrayIterator: [].values(), IteratorHelper: [1, 2].values().map((x) => x), IteratorHelperFlat: [].values().flatMap((x) => [x]),
      WrapForValidIterator: Iterator.from({ next() { return { done: true }; } }), IteratorConcat: Iterator.concat ? Iterator.concat([]) : {},
      MapIterator: new Map().entries(), SetIterator: new Set().values(), StringIterator: ""[Symbol.iterator](),
      RegExpStringIterator: "ab".matchAll(/a/g), TypedArrayIterator: new Uint8Array(1).values(),
      Generator: (function* () {})(), GeneratorFunction: function* () {}, AsyncGenerator: (async function* () {})(),
      AsyncGeneratorFunction: async function* () {}, AsyncFunction: async function () {}, AsyncArrow: async () => {},
      Promise: Promise.resolve(1).then((x) => x), TypedArray: Object.getPrototypeOf(Int8Array), DataView: new DataView(new ArrayBuffer(1)),
      ThrowTypeError: Object.getOwnPropertyDescriptor((function () { "use strict"; return arguments; })(), "callee").get,
      WeakRef: new WeakRef({}), FinalizationRegistry: new FinalizationRegistry(() => {}), Proxy: Proxy, globalThis,
    };`;
    // The instances themselves are the script's own (not frozen); what they lead to must be.
    const out = await run(`${roots}
      const own = new Set(Object.values(roots).filter((o) => !Object.isFrozen(o)));
      // A generator function's own .prototype object (its instances' prototype) is the script's too.
      for (const f of [roots.GeneratorFunction, roots.AsyncGeneratorFunction]) own.add(f.prototype);
      for (const g of [roots.Generator, roots.AsyncGenerator]) own.add(Object.getPrototypeOf(g));
      ${UNFROZEN.replace("if (!Object.isFrozen(o)) unfrozen.push(path);", "if (!Object.isFrozen(o) && !own.has(o)) unfrozen.push(path);")}`);
    expect(out).toEqual([]);
  });

  test("the issue's plant is refused: iterator helper and Iterator.from prototypes cannot be patched", async () => {
    for (const target of ["Object.getPrototypeOf([].values().map((x) => x))", "Object.getPrototypeOf(Iterator.from({ next() { return { done: true }; } }))"])
      for (const key of ["next", "return"]) {
        const err = await fails(`const p = ${target}; p.${key} = function () { return ctx; };`, ["thrown"]);
        expect(err.message).toMatch(/read-only|not extensible|read only/);
      }
    expect(await run("return [1, 2].values().map((v) => v * 10).toArray();")).toEqual([10, 20]);
  });

  test("the search finds a built-in hidden behind a method call it was never told about", async () => {
    // As a future QuickJS might: a prototype no property leads to, only a method's result.
    const preamble = `(() => {
      const hiddenProto = { next() { return { done: true }; } };
      Object.defineProperty(Array.prototype, "futureIterator", { value: function () { return Object.create(hiddenProto); } });
    })();`;
    const runner = new ScriptRunner(preamble);
    runner.recipe = undefined; // search from scratch, as when the recipe does not fit
    const io: RunIO = { call: async () => undefined, log: () => {} };
    const job = {
      app: "a",
      code: "const p = Object.getPrototypeOf([].futureIterator()); return [Object.isFrozen(p), Object.isFrozen(p.next)];",
      input: "null",
      meta: "null",
      limits: { timeoutMs: 10_000, memoryBytes: 32 << 20, stackBytes: 512 << 10 },
    };
    expect(JSON.parse(await runner.run(job, io))).toEqual([true, true]);
    runner.close();
  }, 30_000);

  test("recipe.ts is what the search finds on this QuickJS (else run `bun scripts/gen-sandbox-recipe.ts`)", async () => {
    expect(await searchRecipe()).toBe(HARDEN_RECIPE!);
  }, 30_000);
});

describe("per-run ctx and per-app contexts stop a leak the freezing missed", () => {
  // A stash scripts can reach that the hardening cannot find (it needs a key no probe passes).
  const stash = `(() => {
    const box = {};
    Object.defineProperty(Math, "stash", { value: function (key) { return key === "k-3f9a" ? box : undefined; } });
  })();`;
  const calls: { run: string; op: string }[] = [];
  const io = (run: string): RunIO => ({ call: async (op) => (calls.push({ run, op }), JSON.stringify({ ok: run })), log: () => {} });
  const job = (app: string, code: string) => ({
    app,
    code,
    input: "null",
    meta: "null",
    limits: { timeoutMs: 2000, memoryBytes: 32 << 20, stackBytes: 512 << 10 },
  });

  test("a ctx kept from an earlier run is refused, and another app's contexts never see it", async () => {
    const runner = new ScriptRunner(stash);
    expect(JSON.parse(await runner.run(job("A", 'Math.stash("k-3f9a").ctx = ctx; return "planted";'), io("first")))).toBe("planted");
    // A later run of app A finds the stale ctx but cannot act through it…
    const later = JSON.parse(
      await runner.run(
        job(
          "A",
          `const old = Math.stash("k-3f9a").ctx; const r = {};
          try { await old.entities.create("project", { name: "x" }); r.create = "acted"; } catch (e) { r.create = e.message; }
          try { old.log("hello"); r.log = "acted"; } catch (e) { r.log = e.message; }
          try { r.meta = old.run; } catch (e) { r.meta = e.message; }
          r.own = await ctx.entities.get("project", "1"); return r;`,
        ),
        io("second"),
      ),
    );
    expect(later).toEqual({ create: STALE_CTX, log: STALE_CTX, meta: STALE_CTX, own: { ok: "second" } });
    expect(calls).toEqual([{ run: "second", op: "entities.get" }]);
    // …and app B has its own contexts: A's stash is not there at all.
    expect(JSON.parse(await runner.run(job("B", 'return Math.stash("k-3f9a").ctx === undefined;'), io("b")))).toBe(true);
    runner.close();
  });
});

describe("worker threads", () => {
  const quiet: ScriptHost = { call: async () => null, log: () => {}, meta: () => null };

  test("a native built-in that ignores the time limit is stopped by terminating its worker; the server's thread never stalls", async () => {
    const sb = new Sandbox();
    await sb.run("return 1", {}, quiet); // workers up, QuickJS loaded
    // One native call of many seconds (a naive substring search): the interrupt handler never runs.
    const hostile = "const s = 'ab'.repeat(5e6); return s.indexOf('ab'.repeat(1000) + 'c');";
    let maxGap = 0,
      last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const err: any = await sb.run(hostile, {}, quiet, { timeoutMs: 500 }).catch((e) => e);
    const took = performance.now() - t0;
    clearInterval(tick);
    expect(err).toBeInstanceOf(ScriptError);
    expect(err.kind).toBe("timeout");
    expect(err.message).toMatch(/ran out of time \(500 ms\)/);
    expect(took).toBeLessThan(500 + 500 + 1500); // limit + grace + slack for a loaded machine
    expect(maxGap).toBeLessThan(250); // before: the thread was blocked for seconds
    expect(await sb.run("return 2", {}, quiet)).toBe(2); // a replacement worker took over
    sb.close();
  }, 20_000);

  test("beyond the maximum, runs wait in a bounded queue; a full queue is a clear busy error", async () => {
    const sb = new Sandbox(undefined, { max: 1, maxQueue: 1 });
    const spin = (ms: number) => sb.run("for (;;) {}", {}, quiet, { timeoutMs: ms }).catch((e) => e);
    const first = spin(300);
    await Bun.sleep(50);
    const second = spin(100);
    const third: any = await spin(100);
    expect(third).toBeInstanceOf(ScriptError);
    expect(third.kind).toBe("busy");
    expect(third.message).toMatch(/busy: 1 scripts of this app are already waiting/);
    expect(((await first) as ScriptError).kind).toBe("timeout");
    expect(((await second) as ScriptError).kind).toBe("timeout");
    expect(sb.workers).toBe(1);
    sb.close();
  }, 20_000);

  test("the pool starts empty, grows under load and retires idle workers beyond its minimum", async () => {
    const sb = new Sandbox(undefined, { min: 1, max: 3, perApp: 3, idleMs: 1000 });
    expect(sb.workers).toBe(0); // nothing loads until the first run
    const results = await Promise.all([1, 2, 3].map((i) => sb.run(`const end = Date.now() + 150; while (Date.now() < end) {} return ${i};`, {}, quiet)));
    expect(results).toEqual([1, 2, 3]);
    expect(sb.workers).toBe(3);
    const until = Date.now() + 5000;
    while (sb.workers > 1 && Date.now() < until) await Bun.sleep(50);
    expect(sb.workers).toBe(1);
    sb.close();
  }, 20_000);

  test("a run started from inside a ctx call does not wait behind its parent, even at the maximum", async () => {
    const pool = new WorkerPool({ max: 1 });
    const sb = new Sandbox(undefined, pool);
    const host: ScriptHost = { call: async () => sb.run("return 41 + 1;", {}, quiet), log: () => {}, meta: () => null };
    expect(await sb.run('return await ctx.entities.get("x", "y");', {}, host, { timeoutMs: 3000 })).toBe(42);
    sb.close();
  }, 20_000);
});

// Red-team findings 2–5 (issue 8 follow-up): one app starved the others' scripts, nested
// runs deadlocked waiting for workers their parents held, a script that waited for a
// worker past its run's deadline still ran later with a fresh limit, and a script could
// queue unbounded ctx calls that went on after it ended.
describe("fair scheduling, deadlines and ctx call limits", () => {
  const quiet: ScriptHost = { call: async () => null, log: () => {}, meta: () => null };
  const busy = (ms: number) => `const end = Date.now() + ${ms}; while (Date.now() < end) {} return input.tag;`;

  test("an app may hold only its share of the workers: another app's script runs while the first one's queue", async () => {
    const sb = new Sandbox(undefined, { max: 2 }); // perApp 1
    await Promise.all([sb.forApp("A").run("return 0", {}, quiet), sb.forApp("B").run("return 0", {}, quiet)]); // workers up
    const done: string[] = [];
    const a = sb.forApp("A");
    const hogs = ["a1", "a2", "a3"].map((tag) => a.run(busy(250), { tag }, quiet, { timeoutMs: 3000 }).then((t) => void done.push(t as string)));
    await Bun.sleep(50);
    await sb
      .forApp("B")
      .run("return input.tag", { tag: "b" }, quiet)
      .then((t) => void done.push(t as string));
    expect(done).toEqual(["b"]); // before: b waited behind every run of A
    await Promise.all(hogs);
    sb.close();
  }, 20_000);

  test("apps with waiting runs are served in turn, not first come first served", async () => {
    const sb = new Sandbox(undefined, { max: 1 });
    const order: string[] = [];
    const go = (app: string, tag: string) =>
      sb
        .forApp(app)
        .run(busy(30), { tag }, quiet)
        .then((t) => void order.push(t as string));
    const first = go("A", "a1");
    await Bun.sleep(20);
    const rest = [go("A", "a2"), go("A", "a3"), go("B", "b1")];
    await Promise.all([first, ...rest]);
    expect(order).toEqual(["a1", "a2", "b1", "a3"]);
    sb.close();
  }, 20_000);

  test("a script still waiting for a worker when its run's deadline passes is dropped, never started", async () => {
    const sb = new Sandbox(undefined, { max: 1 });
    const calls: string[] = [];
    const h: ScriptHost = { call: async (op) => void calls.push(op), log: () => {}, meta: () => null };
    const hog = sb.run(busy(400), { tag: "hog" }, quiet, { timeoutMs: 3000 });
    await Bun.sleep(50);
    let hogDone = false;
    void hog.then(() => (hogDone = true));
    const late: any = await sb
      .run('await ctx.entities.create("project", { name: "ZOMBIE" }); return 1;', {}, h, { timeoutMs: 1000 }, Date.now() + 100)
      .catch((e) => e);
    expect(hogDone).toBe(false); // dropped at its deadline, not when a worker came free
    expect(late).toBeInstanceOf(ScriptError);
    expect(late.kind).toBe("timeout");
    expect(late.message).toMatch(/before a worker was free.*not started/);
    await hog;
    await sb.run("return 1", {}, quiet); // the worker has moved on past where the dropped script was
    expect(calls).toEqual([]); // before: it ran once the worker was free, with a fresh limit, and wrote
    sb.close();
  }, 20_000);

  test("chains of nested runs never wait for a worker: six chains five deep finish on one worker", async () => {
    const sb = new Sandbox(undefined, { max: 1 });
    const nested = (level: number): ScriptHost => ({
      call: async () => (level < 5 ? sb.run("return 1 + (await ctx.entities.get('x', 'y'));", {}, nested(level + 1), { timeoutMs: 3000 }) : 0),
      log: () => {},
      meta: () => null,
    });
    const chains = Array.from({ length: 6 }, () => sb.run("return 1 + (await ctx.entities.get('x', 'y'));", {}, nested(1), { timeoutMs: 3000 }));
    expect(await Promise.all(chains)).toEqual([5, 5, 5, 5, 5, 5]); // before: deadlocked until their time limits
    expect(sb.workers).toBe(1);
    sb.close();
  }, 20_000);

  test("a nested run never outlives the script that waits for it", async () => {
    const sb = new Sandbox(undefined, { max: 2 });
    let child: Promise<unknown> | undefined;
    const t0 = performance.now();
    let childTook = 0;
    const h: ScriptHost = {
      call: () => {
        child = sb.run("for (;;) {}", {}, quiet, { timeoutMs: 5000 }).finally(() => (childTook = performance.now() - t0));
        return child;
      },
      log: () => {},
      meta: () => null,
    };
    const parent: any = await sb.run('return await ctx.entities.get("x", "y");', {}, h, { timeoutMs: 300 }).catch((e) => e);
    expect(parent.kind).toBe("timeout");
    expect(((await child!.catch((e) => e)) as ScriptError).kind).toBe("timeout");
    expect(childTook).toBeLessThan(2000); // its own limit was 5 s; before, it spun on for all of them
    sb.close();
  }, 20_000);

  test("ctx calls: at most 16 in flight per run, the rest wait; calls never sent when the run ends are dropped", async () => {
    let inFlight = 0;
    let most = 0;
    let seen = 0;
    const h: ScriptHost = {
      call: async () => {
        seen++;
        most = Math.max(most, ++inFlight);
        await Bun.sleep(5);
        inFlight--;
        return 1;
      },
      log: () => {},
      meta: () => null,
    };
    const sum = await sandbox.run(
      "const ps = []; for (let i = 0; i < 100; i++) ps.push(ctx.entities.get('t', String(i))); return (await Promise.all(ps)).length;",
      {},
      h,
      { timeoutMs: 5000 },
    );
    expect(sum).toBe(100);
    expect(most).toBe(16); // before: 100 at once
    seen = 0;
    expect(await sandbox.run("for (let i = 0; i < 3000; i++) ctx.entities.create('project', {}).catch(() => {}); return 'gone';", {}, h)).toBe("gone");
    await Bun.sleep(100);
    expect(seen).toBeLessThanOrEqual(16); // before: all 3,000 were made after the script had returned
  }, 20_000);

  test("ctx calls: at most 1,000 per run, then a clear error the script can catch", async () => {
    const h: ScriptHost = { call: async () => 1, log: () => {}, meta: () => null };
    const out = await sandbox.run("let n = 0; try { for (;;) n += await ctx.entities.get('t', 'x'); } catch (e) { return { n, message: e.message }; }", {}, h, {
      timeoutMs: 10_000,
    });
    expect(out).toEqual({ n: 1000, message: expect.stringMatching(/already made 1000 calls to ctx.entities and ctx.fetch, the most one run may make/) });
  }, 20_000);

  test("a huge error message is cut before it leaves the worker", async () => {
    const err = await fails("throw new Error('E'.repeat(5e6));", ["thrown"]);
    expect(err.message.length).toBeLessThan(17_000); // before: 5,000,007 characters
    expect(err.message).toMatch(/\[cut: the message had 5000007 characters\]$/);
    await stillWorks();
  }, 20_000);
});

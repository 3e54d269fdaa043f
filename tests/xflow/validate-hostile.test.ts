// Hostile model content against the save-time checks of workflows (src/xflow/validate.ts):
// `syntaxProblem` compiles every code/expression setting with `new Function` on the
// server's own thread, and `cronProblem` asks croner for the next run of every schedule.
// Both run on every validate/save of a model, from every door (GraphQL, JSON-RPC, MCP,
// CLI), so what they cost and what they let through matters.
//
// Found (see each test): a 20 KB expression of nested arrays makes JavaScriptCore's parser
// spin for minutes (seconds to minutes, depending on depth past the parser's stack limit),
// freezing the whole server on a model save; a short cron string costs 100–400 ms; code
// that closes the wrapper early, or that is not valid in strict mode, passes the check
// but fails to compile in the sandbox at the first run.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Model } from "../../src/model/schema";
import { templates } from "../../src/model/templates";
import { openServices, type Services } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { checkModel } from "../../src/services/models";
import { cronProblem, syntaxProblem } from "../../src/xflow/validate";

const ROOT = join(import.meta.dir, "../..");

const line = (name: string, node: Record<string, unknown>) => ({
  name,
  trigger: { type: "manual" },
  nodes: [
    { id: "start", type: "start" },
    { id: "js", ...node },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "js" },
    { from: "js", to: "end" },
  ],
});

/**
 * checkModel on `doc` in a child process (a hang must not take this test process with it):
 * how long it took, or null when it was still busy after `limitMs` and had to be killed.
 */
async function checkElsewhere(doc: unknown, limitMs: number): Promise<{ ms: number | null; out: string }> {
  const file = join(mkdtempSync(join(tmpdir(), "torque-validate-")), "doc.json");
  await Bun.write(file, JSON.stringify(doc));
  const script = `
    import { checkModel } from ${JSON.stringify(join(ROOT, "src/services/models.ts"))};
    const doc = await Bun.file(${JSON.stringify(file)}).json();
    const t0 = performance.now();
    const issues = checkModel(doc);
    console.log(JSON.stringify({ ms: performance.now() - t0, issues: issues.length }));
  `;
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe", cwd: ROOT });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill(9);
  }, limitMs);
  await child.exited;
  clearTimeout(timer);
  const out = await new Response(child.stdout).text();
  rmSync(join(file, ".."), { recursive: true, force: true });
  return { ms: killed ? null : (JSON.parse(out.trim().split("\n").pop()!).ms as number), out };
}

describe("syntaxProblem: what it costs", () => {
  test("a 20 KB expression of 10,000 nested arrays is checked in bounded time (it froze the parser for minutes)", async () => {
    const n = 10_000;
    const doc = { ...structuredClone(templates.todo), xflows: [line("deep", { type: "transform", expression: "[".repeat(n) + "]".repeat(n) })] };
    expect(JSON.stringify(doc).length).toBeLessThan(40_000); // far inside the 4 MB a model may have
    const r = await checkElsewhere(doc, 10_000);
    // Before a fix: killed after 10 s, still spinning (measured: depth 9,500 takes 11.9 s
    // to end in a RangeError; 9,600 and deeper did not end within minutes).
    expect(r.ms).not.toBeNull();
    expect(r.ms!).toBeLessThan(2_000);
  }, 20_000);

  test("other deep nestings end quickly (parentheses, functions, arrows)", () => {
    for (const [what, src, kind] of [
      ["parens", `${"(".repeat(150_000)}1${")".repeat(150_000)}`, "expression"],
      ["functions", `${"function f(){".repeat(20_000)}${"}".repeat(20_000)}`, "code"],
      ["flat 300 KB", `${"1+".repeat(150_000)}1`, "expression"],
    ] as const) {
      const t0 = performance.now();
      syntaxProblem(src, kind);
      expect([what, performance.now() - t0 < 1_000]).toEqual([what, true]);
    }
  });
});

describe("syntaxProblem: what it lets through", () => {
  test("nothing of the checked code runs at validation time, however it tries to close the wrapper", () => {
    const g = globalThis as Record<string, unknown>;
    delete g.pwnedAtValidation;
    for (const [src, kind] of [
      ["}); globalThis.pwnedAtValidation = 1; (async () => {", "code"],
      ["1); globalThis.pwnedAtValidation = 2; (1", "expression"],
      ["1)}); globalThis.pwnedAtValidation = 3; (function(){(", "expression"],
      ["}}); globalThis.pwnedAtValidation = 4; ({ a: () => {", "code"],
    ] as const)
      syntaxProblem(src, kind);
    expect(g.pwnedAtValidation).toBeUndefined();
  });

  describe("code that passes the check parses in the sandbox too", () => {
    let dir: string;
    let services: Services;
    // Each of these passes syntaxProblem (and so a model save) but the sandbox, which
    // compiles a script as the body of `async function (input, ctx) { "use strict"; … }`
    // and refuses code that closes that function early, fails it as a SyntaxError.
    const cases: [string, string][] = [
      ["closes the wrapper early", "}); (async () => { return 1"],
      ["with (sloppy only)", "with (input) { return 1 }"],
      ["legacy octal (sloppy only)", "return 010"],
      ["delete of a name (sloppy only)", "let a = 1; delete a; return 1"],
      ["yield as a name (sloppy only)", "var yield = 1; return yield"],
    ];
    const doc = { ...structuredClone(templates.todo), xflows: cases.map(([, code], i) => line(`c${i}`, { type: "script", code })) } as Model;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "torque-validate-"));
      services = await openServices(join(dir, "t.db"));
      const m = await services.models.create(doc, systemActor);
      await services.apps.create(m.id, "todo", systemActor);
    });
    afterAll(async () => {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("the model is accepted at save (nothing is said of these scripts)", () => {
      expect(checkModel(doc)).toEqual([]);
    });

    for (const [i, [what]] of cases.entries())
      test(`${what}: when the check passes it, the first run does not fail as a SyntaxError`, async () => {
        const run = await services.xflows.execute("todo", `c${i}`, {}, { actor: systemActor });
        expect(`${run.status}: ${run.error?.message ?? ""}`).not.toMatch(/SyntaxError/);
      });
  });
});

describe("cronProblem: what it costs", () => {
  // Each one is refused (it never fires), but only after croner walked to year 9999.
  const hostile = [
    "0 0 0 30 2 +MON 2026-9999",
    "0 0 0 30 2 +MON,TUE,WED,THU,FRI,SAT,SUN 2026-9999",
    "0 0 0 31 4,6,9,11 +MON 2026-9999",
    "0 0 0 1-28 2 +MON#5 2026-9999",
    "0 0 0 31W 2 +MON 2026-9999",
  ];
  test("each short hostile cron is judged in under 50 ms", () => {
    cronProblem("* * * * *"); // croner warmed up
    const slow: string[] = [];
    for (const cron of hostile) {
      const t0 = performance.now();
      const problem = cronProblem(cron, "Pacific/Chatham");
      const ms = performance.now() - t0;
      expect(problem).toMatch(/never fires/);
      if (ms > 50) slow.push(`${cron}: ${Math.round(ms)} ms`);
    }
    // Measured: 85–405 ms each. A model of 200 such flows (~30 KB) holds a save for about a minute.
    expect(slow).toEqual([]);
  });

  test("a 40 KB model of 100 schedule flows with hostile crons validates in under 2 s", async () => {
    const xflows = Array.from({ length: 100 }, (_, i) => ({
      name: `s${i}`,
      trigger: { type: "schedule", cron: hostile[i % hostile.length] },
      nodes: [
        { id: "start", type: "start" },
        { id: "end", type: "end" },
      ],
      edges: [{ from: "start", to: "end" }],
    }));
    const doc = { ...structuredClone(templates.todo), xflows };
    const r = await checkElsewhere(doc, 30_000);
    expect(r.ms).not.toBeNull();
    expect(r.ms!).toBeLessThan(2_000);
  }, 40_000);

  test("a 1 MB cron string is not echoed whole into the problem message", () => {
    const cron = "x".repeat(1_000_000);
    const problem = cronProblem(cron)!;
    expect(problem).toBeDefined();
    expect(problem.length).toBeLessThan(10_000);
  });

  test("illegal stepping and absurd ranges are refused at once", () => {
    for (const cron of ["*/0 * * * *", "0-999999999 * * * *", "*/99999999 * * * *", `${Array.from({ length: 20_000 }, (_, i) => i % 60).join(",")} * * * *`]) {
      const t0 = performance.now();
      cronProblem(cron);
      expect(performance.now() - t0).toBeLessThan(100);
    }
    expect(cronProblem("*/0 * * * *")).toMatch(/illegal stepping/);
  });
});

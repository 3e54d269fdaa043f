// Hostile model content against the save-time checks of workflows (src/xflow/validate.ts):
// `syntaxProblem` compiles every code/expression setting with `new Function` on the
// server's own thread, and `cronProblem` asks croner for the next run of every schedule.
// Both run on every validate/save of a model, from every door (GraphQL, JSON-RPC, MCP,
// CLI), so what they cost and what they let through matters.
//
// Found, and fixed (see each test): a 20 KB expression of nested arrays made
// JavaScriptCore's parser spin for minutes, freezing the whole server on a model save (now
// nesting past 256 levels is refused unparsed); a short cron string with a year field cost
// 100–400 ms (a cron now has 5 or 6 fields); code that closes the wrapper early, or that
// is not valid in strict mode, passed the check but failed in the sandbox at the first
// run (the check now compiles it as the sandbox does).
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Model } from "../../src/model/schema";
import { templates } from "../../src/model/templates";
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
    expect(r.ms!).toBeLessThan(10_000);
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

  test("code the sandbox would refuse (closing its function early, not valid in strict mode) is refused at save, naming why", () => {
    // The sandbox compiles a script as the body of a strict async function of input and
    // ctx; the check compiles it the same way, so these no longer pass a save and fail at
    // the first run.
    const cases: [string, RegExp][] = [
      ["}); (async () => { return 1", /not valid JavaScript/],
      ["with (input) { return 1 }", /'with' statements are not valid in strict mode/],
      ["return 010", /leading zero|octal/i],
      ["let a = 1; delete a; return 1", /delete/],
      ["var yield = 1; return yield", /yield/],
    ];
    const doc = { ...structuredClone(templates.todo), xflows: cases.map(([code], i) => line(`c${i}`, { type: "script", code })) } as Model;
    const issues = checkModel(doc);
    for (const [i, [, why]] of cases.entries()) {
      const issue = issues.find((x) => x.path === `/xflows/${i}/nodes/1/code`);
      expect(issue?.message).toMatch(why);
    }
  });
});

describe("cronProblem: what it costs", () => {
  // Each one never fires. With croner's seventh field (years) it walked to year 9999 first
  // (85–405 ms each); a cron now has 5 or 6 fields, and the 6-field forms are quick.
  const hostile = ["0 0 0 30 2 +MON", "0 0 0 30 2 +MON,TUE,WED,THU,FRI,SAT,SUN", "0 0 0 31 4,6,9,11 +MON", "0 0 0 1-28 2 +MON#5", "0 0 0 31W 2 +MON"];
  test("a year field is refused, naming the fields a cron has", () => {
    expect(cronProblem("0 0 0 30 2 +MON 2026-9999")).toMatch(/has 7 fields; a cron expression has 5 .* or 6/);
  });
  test("each short hostile cron is judged in under 250 ms (a guard against the 7-field search; they take 5–25 ms)", () => {
    cronProblem("* * * * *"); // croner warmed up
    const slow: string[] = [];
    for (const cron of hostile) {
      const t0 = performance.now();
      const problem = cronProblem(cron, "Pacific/Chatham");
      const ms = performance.now() - t0;
      expect(problem).toMatch(/never fires/);
      if (ms > 250) slow.push(`${cron}: ${Math.round(ms)} ms`);
    }
    // Measured: 85–405 ms each. A model of 200 such flows (~30 KB) holds a save for about a minute.
    expect(slow).toEqual([]);
  });

  test("a 40 KB model of 100 schedule flows with hostile crons validates in under 10 s (it took 23–25 s; now about 1.3 s, most of it starting the process)", async () => {
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
    expect(r.ms!).toBeLessThan(10_000);
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

// Workflows in the compiled executable, copied alone into an empty folder: QuickJS (WASM
// embedded in the binary) runs a flow's script, and an infinite loop is stopped.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = new URL("../..", import.meta.url).pathname;
let dir: string, bin: string;

const run = (...args: string[]) => {
  const r = Bun.spawnSync([bin, ...args], { cwd: dir, env: { PATH: "/usr/bin:/bin", HOME: dir } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};

const line = (name: string, code: string) => ({
  name,
  trigger: { type: "manual" },
  nodes: [
    { id: "start", type: "start" },
    { id: "calc", type: "script", code },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "calc" },
    { from: "calc", to: "end" },
  ],
});

beforeAll(async () => {
  const build = mkdtempSync(join(tmpdir(), "torque-xbuild-"));
  const b = Bun.spawnSync([process.execPath, "scripts/build.ts", "--out", join(build, "torque")], { cwd: repo });
  expect(b.exitCode, b.stderr.toString()).toBe(0);
  dir = mkdtempSync(join(tmpdir(), "torque-xbin-"));
  bin = join(dir, "torque");
  copyFileSync(join(build, "torque"), bin);
  rmSync(build, { recursive: true, force: true });
  expect(readdirSync(dir)).toEqual(["torque"]);

  expect(run("init", ".", "--template", "todo").code).toBe(0);
  const exported = run("model", "export", "todo", "--out", "m.json");
  expect(exported.code, exported.err).toBe(0);
  const model = await Bun.file(join(dir, "m.json")).json();
  model.xflows = [line("double", 'ctx.log("doubling"); return { twice: input.a * 2, engine: typeof process };'), line("spin", "for (;;) {}")];
  await Bun.write(join(dir, "m2.json"), JSON.stringify(model));
  const updated = run("model", "update", "todo", "m2.json");
  expect(updated.code, updated.err).toBe(0);
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("xflow execute runs the script inside the binary and prints its output", () => {
  const r = run("xflow", "execute", "double", "--app", "todo", "--input", '{"a":2}');
  expect(r.code, r.err).toBe(0);
  expect(JSON.parse(r.out)).toEqual({ twice: 4, engine: "undefined" });
  const runs = JSON.parse(run("xflow", "runs", "--app", "todo", "--json").out);
  expect(runs[0]).toMatchObject({ xflow: "double", status: "succeeded", output: { twice: 4 } });
  expect(runs[0].nodes.find((n: any) => n.id === "calc").logs).toEqual(["doubling"]);
});

test("an infinite loop fails with a timeout message and exit 1", () => {
  const t0 = performance.now();
  const r = run("xflow", "execute", "spin", "--app", "todo");
  expect(r.code).toBe(1);
  expect(r.err).toContain("at node calc");
  expect(r.err).toMatch(/time/);
  expect(performance.now() - t0).toBeLessThan(15_000);
});

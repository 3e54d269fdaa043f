// Workflow state must not leak across runs or apps (issue 8, item 2). The plant from the
// review: a script in app A patched the iterator-helper prototype's `next` with a function
// that kept A's ctx, so a later run in app B that used `[1,2].values().map(v => v)` wrote
// a record in B through A's ctx (variants read B's rows into a log A read back, or changed
// B's values). Here the plant runs through the real entity and workflow services on a
// real SQLite file, in two apps, and B (or a later run of A) is shown untouched.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templates } from "../../src/model/templates";
import { openServices, type Services } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { testDatabase } from "../helpers/db";

const line = (name: string, code: string) => ({
  name,
  trigger: { type: "manual" },
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

// Each plant tries every way in the issue (iterator helpers, Iterator.from wrappers; next
// and return) and reports which patches took. A patch, once in, acts through the ctx it kept.
const targets = `[
  ["helper", Object.getPrototypeOf([].values().map((x) => x))],
  ["wrap", Object.getPrototypeOf(Iterator.from({ next() { return { done: true }; } }))],
  ["arrayIterator", Object.getPrototypeOf([].values())],
  ["iterator", Object.getPrototypeOf(Object.getPrototypeOf([].values()))],
]`;
const plant = (act: string) => `
  const kept = ctx, took = [];
  for (const [name, proto] of ${targets})
    for (const key of ["next", "return"]) {
      const orig = proto[key];
      try {
        proto[key] = function (...a) { ${act}; return orig ? orig.apply(this, a) : { done: true }; };
        took.push(name + "." + key);
      } catch (e) {}
    }
  return { took };`;

const flows = [
  line("plant_create", plant('kept.entities.create("project", { name: "planted by A" })')),
  line("plant_read", plant('kept.entities.query("project", {}).then((p) => kept.log("stolen " + JSON.stringify(p)))')),
  line(
    "plant_change",
    plant('kept.entities.query("project", {}).then((p) => p.data.forEach((r) => kept.entities.update("project", r.id, { name: "changed by A" })))'),
  ),
  line("victim", "const a = [1, 2].values().map((v) => v).toArray(); const b = Iterator.from([3]).toArray(); for (const x of [4]) a.push(x); return { a, b };"),
];

let dir: string;
let s: Services;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "torque-isolation-"));
  s = await openServices(await testDatabase(dir, "t.db"));
  const m = await s.models.create({ ...structuredClone(templates.todo), xflows: flows }, systemActor);
  await s.apps.create(m.id, "alpha", systemActor);
  await s.apps.create(m.id, "beta", systemActor);
  await s.entities.create("beta", "project", { name: "beta's own" }, { actor: systemActor });
});

afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const projects = async (app: string) => (await s.entities.query(app, "project", {})).data.map((p) => ({ name: p.data.name, version: p.version }));
const run = (app: string, flow: string) => s.xflows.execute(app, flow, {}, { actor: systemActor });

async function plantsThenVictim(plantApp: string, victimApp: string) {
  const before = await projects(victimApp);
  for (const flow of ["plant_create", "plant_read", "plant_change"]) {
    const r = await run(plantApp, flow);
    expect(r.status).toBe("succeeded");
    expect(r.output).toEqual({ took: [] }); // every patch was refused
  }
  for (let i = 0; i < 3; i++) {
    const v = await run(victimApp, "victim");
    expect(v.status).toBe("succeeded");
    expect(v.output).toEqual({ a: [1, 2, 4], b: [3] });
  }
  await new Promise((r) => setTimeout(r, 50)); // anything a plant fired without awaiting has landed
  expect(await projects(victimApp)).toEqual(before); // nothing created, nothing changed
  await s.xflows.runs.flush();
  const logs = (await s.xflows.listRuns({ app: plantApp, limit: 100 })).flatMap((r) => r.nodes.flatMap((n) => n.logs));
  expect(logs.filter((l) => l.includes("stolen"))).toEqual([]); // nothing read
}

describe("a script cannot leave anything for a later run", () => {
  test("(a) the plant in app A, then runs in app B: B is untouched", async () => {
    await plantsThenVictim("alpha", "beta");
  });

  test("(b) the same plant within one app: a later run of that app is untouched", async () => {
    await s.entities.create("alpha", "project", { name: "alpha's own" }, { actor: systemActor });
    await plantsThenVictim("alpha", "alpha");
  });
});

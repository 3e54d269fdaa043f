// Bounds and integrity rules that protect every app from one careless or hostile client.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDatabase } from "../../tests/helpers/db";
import type { TorqueError } from "../lib/errors";
import { templates } from "../model/templates";
import { MAX_PER_SUBSCRIBER, RealtimeHub } from "../realtime/hub";
import { systemActor } from "./actor";
import { openTestServices, type TestServices as Services } from "./testing";

const dir = mkdtempSync(join(tmpdir(), "torque-limits-"));
const opened: Services[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function todo(extra: Record<string, unknown> = {}) {
  const s = await openTestServices(await testDatabase(dir, `${Math.random().toString(36).slice(2)}.db`));
  opened.push(s);
  const m = await s.models.create({ ...structuredClone(templates.todo), ...extra }, systemActor);
  await s.apps.create(m.id, "todo", systemActor);
  const project = await s.entities.create("todo", "project", { name: "P" }, { actor: systemActor });
  return { s, project: project.id, modelId: m.id };
}

const failure = async (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e) => e as TorqueError,
  );

test("a JSON value nested past 64 levels is refused (SQLite could not query its type any more)", async () => {
  const { s, modelId } = await todo();
  const m = await s.models.get(modelId);
  m.doc.entities[0]!.fields.push({ name: "meta", type: "json" });
  await s.models.save(modelId, m.doc, systemActor);
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = [deep];
  const e = await failure(s.entities.create("todo", "project", { name: "deep", meta: deep }, { actor: systemActor }));
  expect(e.code).toBe("validation");
  expect(e.message).toContain("64 levels");
  expect((await s.entities.query("todo", "project", { filter: { name: "P" } })).data.length).toBe(1);
});

test("a filter of more than 200 conditions is a validation error, not an internal one", async () => {
  const { s } = await todo();
  const e = await failure(s.entities.query("todo", "task", { filter: { or: Array.from({ length: 1500 }, (_, i) => ({ title: `t${i}` })) } }));
  expect(e.code).toBe("validation");
  expect(e.message).toContain("at most 200 conditions");
});

test("a composite unique index answers a clash as a validation error naming its fields", async () => {
  const { s, modelId, project } = await todo();
  const m = await s.models.get(modelId);
  m.doc.entities[1]!.indexes = [{ fields: ["title", "project"], unique: true }];
  await s.models.save(modelId, m.doc, systemActor);
  await s.entities.create("todo", "task", { title: "same", project }, { actor: systemActor });
  const e = await failure(s.entities.create("todo", "task", { title: "same", project }, { actor: systemActor }));
  expect(e.code).toBe("validation");
  expect(e.message).toContain("title, project must be unique");
  expect((await s.entities.query("todo", "task", { filter: { title: "same" }, total: true })).pagination.total).toBe(1);
});

test("a before-hook that rewrites a bulk row to a missing reference is refused", async () => {
  const { s, project } = await todo();
  const off = s.entities.hooks.on("beforeCreate", (e) => {
    if (e.entity === "task") e.data = { ...e.data, project: "no-such-project" };
  });
  const e = await failure(s.entities.insertMany("todo", "task", [{ title: "a", project }], { actor: systemActor }));
  off();
  expect(e.code).toBe("validation");
  expect(e.message).toContain("does not exist");
  expect((await s.entities.query("todo", "task", { total: true })).pagination.total).toBe(0);
});

test("one connection holds at most 100 subscriptions", async () => {
  const { s } = await todo();
  const hub = new RealtimeHub(s);
  const sub = { send: () => true };
  for (let i = 0; i < MAX_PER_SUBSCRIBER; i++) await hub.subscribe(sub, { app: "todo" });
  const e = await failure(hub.subscribe(sub, { app: "todo" }));
  expect(e.message).toContain("at most 100 subscriptions");
  hub.drop(sub);
  expect(hub.size).toBe(0);
  await hub.subscribe(sub, { app: "todo" }); // room again once dropped
});

test("deleting an app deletes its workflow runs, and a new app never gets its id", async () => {
  const flow = {
    name: "note",
    nodes: [
      { id: "start", type: "start" },
      { id: "end", type: "end" },
    ],
    edges: [{ from: "start", to: "end" }],
  };
  const { s, modelId } = await todo({ xflows: [flow] });
  const before = await s.apps.runtime("todo");
  await s.xflows.execute("todo", "note", { secret: "payroll" }, { actor: systemActor });
  await s.xflows.runs.flush();
  await s.apps.delete("todo", systemActor);
  const again = await s.apps.create(modelId, "public", systemActor);
  expect(again.id).not.toBe(before.id);
  expect(await s.xflows.listRuns({ app: "public" })).toEqual([]);
  expect((await s.db.get<{ n: number }>("SELECT count(*) AS n FROM xflow_executions"))!.n).toBe(0);
});

test("deleting an app deletes a seed it left unfinished", async () => {
  const { s } = await todo();
  const { id } = await s.apps.runtime("todo");
  await s.db.run("INSERT INTO seed_runs (app_id, request, targets, started_at) VALUES (?, '{}', '{}', '2026-01-01')", [id]);
  await s.apps.delete("todo", systemActor);
  expect((await s.db.get<{ n: number }>("SELECT count(*) AS n FROM seed_runs"))!.n).toBe(0);
});

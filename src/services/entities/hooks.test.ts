// Lifecycle hooks, change events and the audit log around entity writes, on a real
// SQLite file: before-hooks may change or veto a write, after-hooks and events see only
// committed data and cannot break a write, and every change is audited with its actor.
import { afterAll, afterEach, describe, expect, spyOn, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TorqueError } from "../../lib/errors";
import { templates } from "../../model/templates";
import type { Actor } from "../actor";
import { readAudit } from "../audit";
import type { EntityChanged } from "../events";
import { openTestServices, type TestServices as Services } from "../testing";
import type { EntityEvent } from "./types";

const actor: Actor = { kind: "user", id: "alice" };
const w = { actor };
const dir = mkdtempSync(join(tmpdir(), "torque-hooks-"));
const opened: Services[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  rmSync(dir, { recursive: true, force: true });
});
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

let n = 0;
async function freshServices(doc: unknown = templates.todo, slug = "todo"): Promise<Services> {
  const s = await openTestServices(join(dir, `t${++n}.db`));
  opened.push(s);
  const m = await s.models.create(structuredClone(doc), actor);
  await s.apps.create(m.id, slug, actor);
  return s;
}

async function snapshot(s: Services) {
  return {
    rows: await s.db.all("SELECT id, data, version FROM entities ORDER BY id"),
    audit: (await s.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log"))!.n,
  };
}

/** A todo app with one project, and the record of every entityChanged event from now on. */
async function setup() {
  const s = await freshServices();
  const project = await s.entities.create("todo", "project", { name: "P" }, w);
  const events: EntityChanged[] = [];
  cleanups.push(s.events.on("entityChanged", (e) => void events.push(e)));
  const task = (data: Record<string, unknown> = {}) => s.entities.create("todo", "task", { title: "t", project: project.id, ...data }, w);
  return { s, project, events, task };
}

describe("before-hooks", () => {
  test("beforeCreate may replace the data, and what it sets is what is stored", async () => {
    const { s, task } = await setup();
    const seen: EntityEvent[] = [];
    cleanups.push(
      s.entities.hooks.on("beforeCreate", (e) => {
        seen.push(structuredClone(e));
        if (e.entity === "task") e.data = { ...e.data, title: "x" };
      }),
    );
    const rec = await task({ title: "original" });
    expect(rec.data.title).toBe("x");
    expect((await s.entities.get("todo", "task", rec.id)).data.title).toBe("x");
    const raw = await s.db.get<{ data: string }>("SELECT data FROM entities WHERE id = ?", [rec.id]);
    expect(JSON.parse(raw!.data).title).toBe("x");
    expect(seen).toEqual([
      expect.objectContaining({
        app: "todo",
        entity: "task",
        event: "beforeCreate",
        actor,
        data: expect.objectContaining({ title: "original", status: "open" }),
      }),
    ]);
    const audit = (await readAudit(s.db, { entityId: rec.id }))[0]!;
    expect((audit.after as { title: string }).title).toBe("x");
  });

  test("data from a before-hook is validated like any input", async () => {
    const { s, task } = await setup();
    const snap = await snapshot(s);
    cleanups.push(s.entities.hooks.on("beforeCreate", (e) => void (e.data = { ...e.data, priority: 99 })));
    const err = await task().catch((e) => e);
    expect(err).toBeInstanceOf(TorqueError);
    expect(err.code).toBe("validation");
    expect(err.data[0]).toMatchObject({ field: "priority", rule: "max" });
    expect(await snapshot(s)).toEqual(snap);
  });

  test("a throwing before-hook vetoes the write: its error propagates and nothing is written or announced", async () => {
    const { s, events, task } = await setup();
    const t = await task();
    events.length = 0;
    const snap = await snapshot(s);
    let afterRan = false;
    cleanups.push(s.entities.hooks.on("afterCreate", () => void (afterRan = true)));
    cleanups.push(s.entities.hooks.on("afterUpdate", () => void (afterRan = true)));
    const veto = new Error("not on my watch");
    for (const name of ["beforeCreate", "beforeUpdate", "beforeDelete"] as const)
      cleanups.push(
        s.entities.hooks.on(name, () => {
          throw veto;
        }),
      );
    await expect(task()).rejects.toBe(veto);
    await expect(s.entities.update("todo", "task", t.id, { title: "changed" }, w)).rejects.toBe(veto);
    await expect(s.entities.delete("todo", "task", t.id, w)).rejects.toBe(veto);
    expect(await snapshot(s)).toEqual(snap);
    expect(events).toEqual([]);
    expect(afterRan).toBe(false);
  });

  test("beforeUpdate gets the previous data and the merged new data, and may change it", async () => {
    const { s, task } = await setup();
    const t = await task({ priority: 2, notes: "n" });
    const seen: EntityEvent[] = [];
    cleanups.push(
      s.entities.hooks.on("beforeUpdate", (e) => {
        seen.push(structuredClone(e));
        e.data = { ...e.data, notes: `${e.previous!.title} → ${e.data.title}` };
      }),
    );
    const up = await s.entities.update("todo", "task", t.id, { title: "new" }, w);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ event: "beforeUpdate", id: t.id, previous: t.data, data: { ...t.data, title: "new" }, actor });
    expect(up.data.notes).toBe("t → new");
    expect(up.data.priority).toBe(2);
    expect((await s.entities.get("todo", "task", t.id)).data).toEqual(up.data);
  });

  test("a beforeUpdate hook that changes the data does not bring back cleared fields", async () => {
    const { s, task } = await setup();
    const t = await task({ status: null, priority: null });
    expect(t.data.status).toBeUndefined();
    cleanups.push(s.entities.hooks.on("beforeUpdate", (e) => void (e.data = { ...e.data, notes: "hooked" })));
    const up = await s.entities.update("todo", "task", t.id, { title: "t2" }, w);
    expect(up.data).toEqual({ title: "t2", notes: "hooked", project: t.data.project });
    expect((await s.entities.get("todo", "task", t.id)).data).toEqual(up.data);
  });

  test("a beforeUpdate hook that changes the data keeps values of fields removed from the model", async () => {
    const { s, task } = await setup();
    const t = await task({ notes: "precious" });
    const m = await s.models.get("Todo");
    const doc = structuredClone(m.doc) as any;
    const taskDef = doc.entities.find((e: any) => e.name === "task");
    taskDef.fields = taskDef.fields.filter((f: any) => f.name !== "notes");
    await s.models.save(m.id, doc, actor);
    cleanups.push(s.entities.hooks.on("beforeUpdate", (e) => void (e.data = { ...e.data, title: `${e.data.title}!` })));
    await s.entities.update("todo", "task", t.id, { priority: 4 }, w);
    const raw = JSON.parse((await s.db.get<{ data: string }>("SELECT data FROM entities WHERE id = ?", [t.id]))!.data);
    expect(raw).toMatchObject({ title: "t!", priority: 4, notes: "precious" });
  });

  test("handlers run by priority, and the function on() returns removes one", async () => {
    const { s, task } = await setup();
    const order: string[] = [];
    cleanups.push(s.entities.hooks.on("beforeCreate", () => void order.push("late"), 10));
    const off = s.entities.hooks.on("beforeCreate", () => void order.push("early"), -5);
    await task();
    off();
    await task();
    expect(order).toEqual(["early", "late", "late"]);
  });
});

describe("after-hooks and change events", () => {
  test("afterCreate runs after commit: the handler can read the record", async () => {
    const { s, task } = await setup();
    const readBack: unknown[] = [];
    cleanups.push(
      s.entities.hooks.on("afterCreate", async (e) => {
        readBack.push((await s.entities.get("todo", e.entity, e.id!)).data);
        readBack.push((await s.entities.query("todo", e.entity, { filter: { id: e.id } })).data.length);
      }),
    );
    const rec = await task({ title: "visible" });
    expect(readBack).toEqual([rec.data, 1]);
  });

  test("afterUpdate and afterDelete carry the new data and the previous", async () => {
    const { s, task } = await setup();
    const t = await task();
    const seen: EntityEvent[] = [];
    for (const name of ["afterUpdate", "afterDelete"] as const) cleanups.push(s.entities.hooks.on(name, (e) => void seen.push(structuredClone(e))));
    await s.entities.update("todo", "task", t.id, { title: "u" }, w);
    await s.entities.delete("todo", "task", t.id, w);
    expect(seen.map((e) => e.event)).toEqual(["afterUpdate", "afterDelete"]);
    expect(seen[0]).toMatchObject({ id: t.id, data: { title: "u" }, previous: { title: "t" } });
    expect(seen[1]).toMatchObject({ id: t.id, data: { title: "u" } });
  });

  test("a throwing after-hook or event listener does not fail the write", async () => {
    const { s, task } = await setup();
    const logged = spyOn(console, "error").mockImplementation(() => {});
    cleanups.push(() => logged.mockRestore());
    cleanups.push(
      s.entities.hooks.on("afterCreate", () => {
        throw new Error("after boom");
      }),
    );
    cleanups.push(
      s.entities.hooks.on("afterUpdate", async () => {
        throw new Error("async boom");
      }),
    );
    cleanups.push(
      s.events.on("entityChanged", () => {
        throw new Error("listener boom");
      }),
    );
    const rec = await task();
    const up = await s.entities.update("todo", "task", rec.id, { title: "still" }, w);
    expect(up.version).toBe(2);
    expect((await s.entities.get("todo", "task", rec.id)).data.title).toBe("still");
    expect(logged.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/after boom[\s\S]*async boom|async boom[\s\S]*after boom/);
  });

  test("entityChanged fires for create, update and delete, and for every cascaded delete", async () => {
    const { s, project, events, task } = await setup();
    const t1 = await task({ title: "one" });
    const t2 = await task({ title: "two" });
    await s.entities.update("todo", "task", t1.id, { status: "done" }, w);
    expect(events.map((e) => `${e.op}:${e.entity}:${e.id}:${e.version}`)).toEqual([
      `create:task:${t1.id}:1`,
      `create:task:${t2.id}:1`,
      `update:task:${t1.id}:2`,
    ]);
    expect(events[2]).toMatchObject({ app: "todo", data: { status: "done" }, previous: { status: "open" } });
    events.length = 0;
    await s.entities.delete("todo", "project", project.id, w);
    expect(events.map((e) => `${e.op}:${e.entity}:${e.id}`).sort()).toEqual(
      [`delete:project:${project.id}`, `delete:task:${t1.id}`, `delete:task:${t2.id}`].sort(),
    );
    expect(events.find((e) => e.id === t1.id)!.data).toMatchObject({ title: "one", status: "done" });
  });

  test("cascaded change events show only the model's fields, like direct ones", async () => {
    const { s, events, task, project } = await setup();
    const t = await task({ notes: "secret" });
    const m = await s.models.get("Todo");
    const doc = structuredClone(m.doc) as any;
    const taskDef = doc.entities.find((e: any) => e.name === "task");
    taskDef.fields = taskDef.fields.filter((f: any) => f.name !== "notes");
    await s.models.save(m.id, doc, actor);
    events.length = 0;
    await s.entities.delete("todo", "project", project.id, w);
    const ev = events.find((e) => e.id === t.id)!;
    expect(ev.op).toBe("delete");
    expect(ev.data).toEqual({ title: "t", status: "open", priority: 3, project: project.id });
  });
});

describe("audit log", () => {
  test("each change is audited with its actor, action, and data before and after", async () => {
    const { s, project } = await setup();
    const t = await s.entities.create("todo", "task", { title: "a", project: project.id }, { actor: { kind: "workflow", id: "flow-1" } });
    await s.entities.update("todo", "task", t.id, { title: "b" }, { actor: { kind: "agent", id: "claude" } });
    await s.entities.delete("todo", "task", t.id, { actor: { kind: "token", id: "tok-9" } });
    const log = (await readAudit(s.db, { entityId: t.id })).reverse();
    expect(log.map((a) => [a.action, a.actor.kind, a.actor.id])).toEqual([
      ["entity.create", "workflow", "flow-1"],
      ["entity.update", "agent", "claude"],
      ["entity.delete", "token", "tok-9"],
    ]);
    expect(log[0]).toMatchObject({ entityType: "task", before: undefined, after: t.data });
    expect(log[1]).toMatchObject({ before: t.data, after: { ...t.data, title: "b" } });
    expect(log[2]).toMatchObject({ before: { ...t.data, title: "b" }, after: undefined });
    const rt = await s.apps.runtime("todo");
    expect(log.every((a) => a.appId === rt.id && !!a.at)).toBe(true);
    const noActorId = await s.entities.create("todo", "project", { name: "Q" }, { actor: { kind: "system" } });
    expect((await readAudit(s.db, { entityId: noActorId.id }))[0]!.actor).toEqual({ kind: "system" });
  });
});

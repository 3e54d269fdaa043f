// The edit pipeline against the real model service on a real SQLite file (the GraphQL
// transport is swapped for direct calls that fail the way it does): optimistic edits,
// refused batches kept, undo/redo, drafts, changes from elsewhere and conflicts.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TorqueError } from "../../../src/lib/errors";
import type { ModelEdit } from "../../../src/model/edit";
import { templates } from "../../../src/model/templates";
import { openServices, type Services } from "../../../src/services";
import { systemActor } from "../../../src/services/actor";
import { GraphQLRequestError, NetworkError } from "../lib/graphql";
import { readDraft } from "./draft";
import { ModelStore } from "./store";

const dir = mkdtempSync(join(tmpdir(), "torque-store-"));
let services: Services;
let id: string;
let offline = false;

class MemoryStorage {
  m = new Map<string, string>();
  getItem = (k: string) => this.m.get(k) ?? null;
  setItem = (k: string, v: string) => void this.m.set(k, v);
  removeItem = (k: string) => void this.m.delete(k);
}
let storage: MemoryStorage;

const api = {
  async editModel(mid: string, edits: ModelEdit[], expectedVersion: number, note: string) {
    if (offline) throw new NetworkError("offline");
    try {
      const m = await services.models.editMany(mid, edits, systemActor, { expectedVersion, note });
      return { id: m.id, version: m.version, doc: m.doc };
    } catch (e) {
      if (e instanceof TorqueError && e.code === "validation") return { errors: e.data as never };
      if (e instanceof TorqueError) throw new GraphQLRequestError(e.message, e.code.replace("not_found", "NOT_FOUND").toUpperCase(), undefined, e.data);
      throw e;
    }
  },
  async getModelVersion(mid: string, version?: number) {
    const m = await services.models.get(mid, version);
    return { id: m.id, version: m.version, doc: m.doc };
  },
};

const opened: ModelStore[] = [];
async function open() {
  const s = new ModelStore((await api.getModelVersion(id))!, api, storage);
  opened.push(s);
  await s.restore();
  await s.flush();
  return s;
}
const fields = (s: ModelStore, e = "task") =>
  s
    .getState()
    .doc.entities.find((x) => x.name === e)!
    .fields.map((f) => f.name);
const elsewhere = (edit: ModelEdit) => services.models.edit(id, edit, systemActor);

beforeEach(async () => {
  services ??= await openServices(join(dir, "t.db"));
  id = (await services.models.create(structuredClone(templates.todo), systemActor)).id;
  storage = new MemoryStorage();
  offline = false;
});
afterAll(async () => {
  for (const s of opened) s.dispose();
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("edit pipeline", () => {
  test("an action shows at once and is saved as the next version", async () => {
    const s = await open();
    s.dispatch({ label: "add field", edits: [{ op: "addField", entity: "task", field: { name: "label", type: "text" } }] });
    expect(fields(s)).toContain("label");
    expect(s.getState().status).toBe("saving");
    await s.flush();
    expect(s.getState()).toMatchObject({ status: "saved", unsaved: [], saved: { version: 2 } });
    expect((await services.models.get(id)).doc.entities[1]!.fields.map((f) => f.name)).toContain("label");
    expect(readDraft(storage, id)).toBeNull();
  });

  test("an edit that does not apply throws and changes nothing", async () => {
    const s = await open();
    expect(() => s.dispatch({ label: "dup", edits: [{ op: "addField", entity: "task", field: { name: "title", type: "text" } }] })).toThrow(/already exists/);
    expect(s.getState()).toMatchObject({ status: "saved", unsaved: [], undo: [] });
  });

  test("a refused batch stays unsaved with its problems; the fix saves both as one version", async () => {
    const s = await open();
    s.dispatch({ label: "broken ref", edits: [{ op: "addField", entity: "task", field: { name: "owner", type: "reference", entity: "person" } }] });
    await s.flush();
    expect(s.getState()).toMatchObject({ status: "invalid", unsaved: ["broken ref"] });
    expect(s.getState().problems[0]).toMatchObject({ path: "/entities/1/fields/7/entity", rule: "reference" });
    expect(readDraft(storage, id)?.actions).toHaveLength(1);
    expect((await services.models.get(id)).version).toBe(1);
    s.dispatch({ label: "fix", edits: [{ op: "updateField", entity: "task", name: "owner", patch: { entity: "project" } }] });
    await s.flush();
    expect(s.getState()).toMatchObject({ status: "saved", unsaved: [], problems: [], saved: { version: 2 } });
  });

  test("undo and redo are edits saved like any other, across actions", async () => {
    const s = await open();
    s.dispatch({ label: "a", edits: [{ op: "addField", entity: "task", field: { name: "a", type: "text" } }] });
    s.dispatch({ label: "move", edits: [{ op: "moveField", entity: "task", name: "a", to: 0 }] });
    await s.flush();
    expect(fields(s)[0]).toBe("a");
    s.undo();
    expect(fields(s).at(-1)).toBe("a");
    s.undo();
    expect(fields(s)).not.toContain("a");
    expect(s.getState().redo).toEqual(["move", "a"]);
    s.redo();
    s.redo();
    await s.flush();
    expect(fields(s)[0]).toBe("a");
    expect(s.getState()).toMatchObject({ undo: ["a", "move"], redo: [], status: "saved" });
    expect((await services.models.get(id)).doc.entities[1]!.fields[0]!.name).toBe("a");
    s.undo();
    s.dispatch({ label: "new", edits: [{ op: "setProperties", patch: { description: "d" } }] });
    expect(s.getState().redo).toEqual([]);
  });

  test("an unsaved action and its undo save nothing", async () => {
    const s = await open();
    offline = true;
    s.dispatch({ label: "x", edits: [{ op: "setProperties", patch: { description: "x" } }] });
    await s.flush();
    expect(s.getState().status).toBe("offline");
    s.undo();
    offline = false;
    s.retry();
    await s.flush();
    expect(s.getState().status).toBe("saved");
    expect((await services.models.get(id)).version).toBe(1);
  });

  test("offline: edits are kept in the draft and survive a reload, then save", async () => {
    const s = await open();
    offline = true;
    s.dispatch({ label: "b", edits: [{ op: "addField", entity: "task", field: { name: "b", type: "text" } }] });
    await s.flush();
    expect(s.getState().status).toBe("offline");
    offline = false;
    const again = await open(); // a reload: a new store from the draft
    expect(again.getState().restored).toBe(1);
    expect(again.getState()).toMatchObject({ status: "saved", saved: { version: 2 } });
    expect(fields(again)).toContain("b");
  });
});

test("a unique field the records break is a problem at that field, kept unsaved, not a stale version", async () => {
  const app = `u${Date.now()}`;
  await services.apps.create(id, app, systemActor);
  const p = await services.entities.create(app, "project", { name: "p" }, { actor: systemActor });
  for (let i = 0; i < 2; i++) await services.entities.create(app, "task", { title: "same", project: p.id }, { actor: systemActor });
  const s = await open();
  s.dispatch({ label: "unique title", edits: [{ op: "updateField", entity: "task", name: "title", patch: { unique: true } }] });
  await s.flush();
  expect(s.getState()).toMatchObject({ status: "invalid", unsaved: ["unique title"] });
  expect(s.getState().problems[0]).toMatchObject({ path: "/entities/1/fields/0/unique", rule: "unique" });
  expect(s.getState().problems[0]!.message).toMatch(/cannot make task.title unique/);
  s.undo();
  await s.flush();
  expect(s.getState()).toMatchObject({ status: "saved", unsaved: [] });
});

test("a saved or arriving document keeps the objects on screen for what did not change", async () => {
  const s = await open();
  const before = s.getState().doc;
  s.dispatch({ label: "a", edits: [{ op: "updateField", entity: "task", name: "title", patch: { help: "h" } }] });
  const optimistic = s.getState().doc;
  expect(optimistic.entities[0]).toBe(before.entities[0]!);
  await s.flush();
  const after = s.getState();
  expect(after.saved.version).toBe(2);
  // The server's answer is new objects; the store keeps the ones already drawn.
  expect(after.doc.entities).toBe(optimistic.entities);
  await elsewhere({ op: "addField", entity: "task", field: { name: "x", type: "text" } });
  await s.remoteChanged(3);
  expect(s.getState().doc.entities[0]).toBe(optimistic.entities[0]!);
  expect(s.getState().doc.entities[1]).not.toBe(optimistic.entities[1]!);
});

describe("changes from elsewhere", () => {
  test("with nothing unsaved, a new version replaces the document", async () => {
    const s = await open();
    await elsewhere({ op: "addField", entity: "project", field: { name: "budget", type: "number" } });
    await s.remoteChanged(2);
    expect(s.getState()).toMatchObject({ saved: { version: 2 }, arrived: { version: 2 } });
    expect(fields(s, "project")).toContain("budget");
  });

  test("unsaved edits on other things are replayed on the new version", async () => {
    const s = await open();
    offline = true;
    s.dispatch({ label: "mine", edits: [{ op: "addField", entity: "task", field: { name: "mine", type: "text" } }] });
    await s.flush();
    offline = false;
    await elsewhere({ op: "addField", entity: "project", field: { name: "theirs", type: "text" } });
    await s.remoteChanged(2);
    await s.flush();
    expect(s.getState()).toMatchObject({ status: "saved", saved: { version: 3 }, conflict: null });
    expect(fields(s)).toContain("mine");
    expect(fields(s, "project")).toContain("theirs");
  });

  test("both sides on the same field: a conflict; 'mine' keeps mine over theirs", async () => {
    const s = await open();
    offline = true;
    s.dispatch({ label: "mine", edits: [{ op: "updateField", entity: "task", name: "title", patch: { label: "Mine" } }] });
    await s.flush();
    offline = false;
    await elsewhere({ op: "updateField", entity: "task", name: "title", patch: { label: "Theirs", help: "h" } });
    await s.remoteChanged(2);
    const c = s.getState().conflict!;
    expect(c.items).toEqual(["field:task.title"]);
    expect(c.mine).toEqual(["mine"]);
    expect(s.getState().status).toBe("conflict");
    expect(() => s.dispatch({ label: "z", edits: [] })).toThrow(/conflict/);
    expect(s.resolve("mine")).toEqual([]);
    await s.flush();
    const title = (await services.models.get(id)).doc.entities[1]!.fields[0]!;
    expect(title).toMatchObject({ label: "Mine", help: "h" });
  });

  test("'theirs' drops the unsaved edits and keeps the arrived version", async () => {
    const s = await open();
    offline = true;
    s.dispatch({ label: "mine", edits: [{ op: "removeField", entity: "task", name: "notes" }] });
    await s.flush();
    offline = false;
    await elsewhere({ op: "updateField", entity: "task", name: "notes", patch: { help: "keep" } });
    await s.remoteChanged(2);
    expect(s.getState().conflict?.items).toEqual(["field:task.notes"]);
    s.resolve("theirs");
    await s.flush();
    expect(s.getState()).toMatchObject({ status: "saved", unsaved: [], saved: { version: 2 } });
    expect(fields(s)).toContain("notes");
    expect(readDraft(storage, id)).toBeNull();
  });

  test("a save based on an old version takes the new one in instead of overwriting it", async () => {
    const s = await open();
    await elsewhere({ op: "addField", entity: "project", field: { name: "x", type: "text" } }); // no event seen
    s.dispatch({ label: "mine", edits: [{ op: "addField", entity: "task", field: { name: "y", type: "text" } }] });
    await s.flush();
    await s.flush();
    await s.flush();
    expect(s.getState()).toMatchObject({ status: "saved", saved: { version: 3 } });
    expect(fields(s, "project")).toContain("x");
    expect(fields(s)).toContain("y");
  });

  test("a draft made on an older version meets a conflicting newer one after reload", async () => {
    const s = await open();
    offline = true;
    s.dispatch({ label: "mine", edits: [{ op: "updateEntityType", name: "task", patch: { label: "Mine" } }] });
    await s.flush();
    offline = false;
    await elsewhere({ op: "updateEntityType", name: "task", patch: { label: "Theirs" } });
    const again = await open();
    expect(again.getState().conflict?.items).toEqual(["entity:task"]);
    expect(again.getState().doc.entities[1]!.label).toBe("Mine");
  });
});

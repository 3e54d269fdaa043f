// Hidden data (removed fields, removed entity types) survives model changes until purged.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDatabase } from "../../tests/helpers/db";
import { templates } from "../model/templates";
import { systemActor } from "./actor";
import { openServices } from "./index";
import { purgeHiddenData } from "./purge";

const dir = mkdtempSync(join(tmpdir(), "torque-purge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("purge removes hidden field values and records of removed types, and nothing visible", async () => {
  const s = await openServices(await testDatabase(dir, "p.db"));
  const m = await s.models.create(structuredClone(templates.todo), systemActor);
  await s.apps.create(m.id, "todo", systemActor);
  const p = await s.entities.create("todo", "project", { name: "P", description: "keep me" }, { actor: systemActor });
  const t = await s.entities.create("todo", "task", { title: "T", notes: "secret", project: p.id }, { actor: systemActor });
  const doc = structuredClone(m.doc) as any;
  doc.entities[1].fields = doc.entities[1].fields.filter((f: any) => f.name !== "notes");
  await s.models.save(m.id, doc, systemActor);
  expect(await purgeHiddenData(s, "todo", systemActor)).toEqual({ fieldsPurged: { task: 1 }, recordsDeleted: {} });
  const back = structuredClone(m.doc);
  await s.models.save(m.id, back, systemActor);
  const after = await s.entities.get("todo", "task", t.id);
  expect(after.data.notes).toBeUndefined(); // purged: adding the field back brings nothing back
  expect(after.version).toBe(t.version); // nothing visible changed
  expect((await s.entities.get("todo", "project", p.id)).data.description).toBe("keep me");
  expect(await purgeHiddenData(s, "todo", systemActor)).toEqual({ fieldsPurged: {}, recordsDeleted: {} });
  await s.close();
});

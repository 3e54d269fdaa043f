// Migration 4: the `xflows` table (a copy of each model's flows, written on every save and
// never read) is gone; model saves no longer write it; its down script brings it back
// filled from each model's current version, as the code before 4 kept it.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templates } from "../model/templates";
import { systemActor } from "../services/actor";
import { openTestServices, type TestServices as Services } from "../services/testing";
import { migrateDown, migrateUp, migrationStatus, migrations } from "./migrations";

const dir = mkdtempSync(join(tmpdir(), "torque-m4-"));
let s: Services | undefined;
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const flow = (name: string, trigger: Record<string, unknown>) => ({
  name,
  trigger,
  nodes: [
    { id: "start", type: "start" },
    { id: "end", type: "end" },
  ],
  edges: [{ from: "start", to: "end" }],
});
const hasTable = async (name: string) => !!(await s!.db.get("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]));

test("model saves write no copy of their flows: the xflows table is gone, the flows live in the model", async () => {
  s = await openTestServices(join(dir, "m4.db"));
  expect((await migrationStatus(s.db)).find((m) => m.version === 4)).toMatchObject({ name: "drop_xflows", applied: true });
  expect(await hasTable("xflows")).toBe(false);
  const model = { ...structuredClone(templates.todo), xflows: [flow("check", { type: "entity", entity: "task", event: "beforeCreate" })] };
  const m = await s.models.create(model, systemActor);
  await s.models.save(m.id, { ...model, xflows: [...model.xflows, flow("nightly", { type: "schedule", cron: "0 3 * * *" })] }, systemActor);
  expect((await s.models.get(m.id)).doc.xflows?.map((x) => x.name)).toEqual(["check", "nightly"]);
  expect(await hasTable("xflows")).toBe(false);
});

test("its down script recreates the table from each model's current version; up drops it again", async () => {
  const m = (await s!.models.list())[0]!;
  const later = migrations.filter((x) => x.version > 4).map((x) => x.version);
  for (const v of [...later].reverse()) expect(await migrateDown(s!.db)).toBe(v); // the migrations after 4 first
  expect(await migrateDown(s!.db)).toBe(4);
  const rows = await s!.db.all<Record<string, unknown>>("SELECT * FROM xflows ORDER BY name");
  const current = (await s!.models.get(m.id)).doc.xflows!;
  expect(rows).toEqual([
    { model_id: m.id, name: "check", trigger_type: "entity", trigger_entity: "task", trigger_event: "beforeCreate", definition: JSON.stringify(current[0]) },
    { model_id: m.id, name: "nightly", trigger_type: "schedule", trigger_entity: null, trigger_event: null, definition: JSON.stringify(current[1]) },
  ]);
  expect(await s!.db.get("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'xflows_trigger'")).toBeTruthy();

  expect(await migrateUp(s!.db)).toEqual([4, ...later]);
  expect(await hasTable("xflows")).toBe(false);
  await s!.models.save(m.id, (await s!.models.get(m.id)).doc, systemActor);
  expect((await s!.models.get(m.id)).version).toBe(3);
});

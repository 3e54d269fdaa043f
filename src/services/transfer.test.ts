// App export and import (services/transfer.ts) on real SQLite files: a restore keeps ids;
// a copy beside the original in the same database gets new ids with every reference and
// n:m link remapped to the copies; a second import into the same app is refused.
import { describe, expect, test } from "bun:test";
import { templates } from "../model/templates";
import type { Actor } from "./actor";
import { failure, testServices } from "./entities/test-kit";
import { seedApp } from "./seed/seed";
import type { TestServices as Services } from "./testing";
import { exportApp, importApp } from "./transfer";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-transfer-", actor);

/** Every row of an app: id → {type, data, version}; and its n:m links. */
async function snapshot(s: Services, slug: string) {
  const id = (await s.apps.runtime(slug)).id;
  const rows = await s.db.all<{ id: string; type: string; data: string; version: number }>(
    "SELECT id, type, data, version FROM entities WHERE app_id = ? ORDER BY id",
    [id],
  );
  const links = await s.db.all<{ relationship: string; from_id: string; to_id: string }>(
    "SELECT relationship, from_id, to_id FROM entity_relationships WHERE app_id = ? ORDER BY from_id, to_id",
    [id],
  );
  return { rows: new Map(rows.map((r) => [r.id, { type: r.type, data: JSON.parse(r.data), version: r.version }])), links };
}

async function crmWithData(): Promise<Services> {
  const s = await fresh(templates.crm, "crm");
  await seedApp(s, "crm", { count: 30, seed: 5, actor });
  const deals = (await s.entities.query("crm", "deal", { limit: 10 })).data;
  const contacts = (await s.entities.query("crm", "contact", { limit: 10 })).data;
  for (let i = 0; i < 10; i++) await s.links.link("crm", "deal_contacts", deals[i]!.id, contacts[(i * 3) % 10]!.id, { actor });
  return s;
}

describe("app import into another app of the same database (a staging copy)", () => {
  for (const existing of [false, true])
    test(`gives every record a new id and remaps every reference and link (${existing ? "into an existing app" : "creating the app"})`, async () => {
      const s = await crmWithData();
      if (existing) await s.apps.create((await s.apps.list()).find((a) => a.slug === "crm")!.model.id, "crm-staging", actor);
      const before = await snapshot(s, "crm");
      const file = JSON.parse(JSON.stringify(await exportApp(s, "crm")));
      const r = await importApp(s, "crm-staging", file, actor);
      expect(r).toMatchObject({ app: "crm-staging", created: !existing, ids: "new", links: 10 });

      // The original is untouched.
      expect(await snapshot(s, "crm")).toEqual(before);
      const copy = await snapshot(s, "crm-staging");
      // Round trip: the same number of records per type and of links.
      const countBy = (m: Map<string, { type: string }>) =>
        [...m.values()].reduce<Record<string, number>>((a, x) => ((a[x.type] = (a[x.type] ?? 0) + 1), a), {});
      expect(countBy(copy.rows)).toEqual(countBy(before.rows));
      expect(r.loaded).toEqual(countBy(before.rows));
      expect(copy.links).toHaveLength(before.links.length);
      // No id is shared; every reference and link in the copy points at a copied row of the right type.
      for (const id of copy.rows.keys()) expect(before.rows.has(id)).toBe(false);
      const rt = await s.apps.runtime("crm-staging");
      let refs = 0;
      for (const [, row] of copy.rows)
        for (const f of rt.model.entities.get(row.type)!.references) {
          const v = row.data[f.name];
          if (v === undefined) continue;
          refs++;
          expect(copy.rows.get(v)?.type).toBe(f.entity!);
        }
      expect(refs).toBeGreaterThan(50);
      for (const l of copy.links) {
        expect(copy.rows.get(l.from_id)?.type).toBe("deal");
        expect(copy.rows.get(l.to_id)?.type).toBe("contact");
      }
      // The copy is the same data, record by record, once ids are mapped back.
      const oldOf = new Map<string, string>();
      const byContent = new Map(
        [...before.rows].map(([id, r]) => [
          JSON.stringify([r.type, Object.keys(r.data).sort()]) +
            r.version +
            JSON.stringify(
              Object.entries(r.data)
                .filter(([k]) => !rt.model.entities.get(r.type)!.references.some((f) => f.name === k))
                .sort(),
            ),
          id,
        ]),
      );
      for (const [id, r] of copy.rows)
        oldOf.set(
          id,
          byContent.get(
            JSON.stringify([r.type, Object.keys(r.data).sort()]) +
              r.version +
              JSON.stringify(
                Object.entries(r.data)
                  .filter(([k]) => !rt.model.entities.get(r.type)!.references.some((f) => f.name === k))
                  .sort(),
              ),
          )!,
        );
      for (const [id, r] of copy.rows) {
        const orig = before.rows.get(oldOf.get(id)!)!;
        for (const f of rt.model.entities.get(r.type)!.references)
          expect(r.data[f.name] === undefined ? undefined : oldOf.get(r.data[f.name])).toBe(orig.data[f.name]);
      }
      // Writes to the copy stay in the copy.
      const deal = [...copy.rows].find(([, r]) => r.type === "deal")![0];
      await s.entities.update("crm-staging", "deal", deal, { title: "staging only" }, { actor });
      expect(await snapshot(s, "crm")).toEqual(before);
    });

  test("importing the same file again, into the copy or into the original, is refused and changes nothing", async () => {
    const s = await crmWithData();
    const file = await exportApp(s, "crm");
    await importApp(s, "crm-staging", file, actor);
    const copy = await snapshot(s, "crm-staging"),
      orig = await snapshot(s, "crm");
    for (const target of ["crm-staging", "crm"]) {
      const e = await failure(importApp(s, target, file, actor));
      expect(e.code).toBe("conflict");
      expect(e.message).toContain(`app ${target} already holds records of this file`);
    }
    expect(await snapshot(s, "crm-staging")).toEqual(copy);
    expect(await snapshot(s, "crm")).toEqual(orig);
    // A copy of the copy gets ids of its own again.
    const r = await importApp(s, "crm-staging-2", await exportApp(s, "crm-staging"), actor);
    expect(r.ids).toBe("new");
    for (const id of (await snapshot(s, "crm-staging-2")).rows.keys()) expect(copy.rows.has(id) || orig.rows.has(id)).toBe(false);
  });

  test("copied ids are UUIDv7 that keep the original's time order", async () => {
    const s = await crmWithData();
    const file = await exportApp(s, "crm");
    await importApp(s, "crm-staging", file, actor);
    const ids = [...(await snapshot(s, "crm-staging")).rows.keys()];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const origTimes = file.entities.map((r) => r.id.slice(0, 13)).sort();
    expect(ids.map((id) => id.slice(0, 13)).sort()).toEqual(origTimes);
  });
});

describe("app import into another database", () => {
  test("keeps every id (a restore)", async () => {
    const s = await crmWithData();
    const file = JSON.parse(JSON.stringify(await exportApp(s, "crm")));
    const t = await fresh({ name: "Empty", entities: [] }, "unused");
    const r = await importApp(t, "crm", file, actor);
    expect(r.ids).toBe("kept");
    expect(await snapshot(t, "crm")).toEqual(await snapshot(s, "crm"));
  });

  test("a link naming a record that is neither in the file nor in the app is refused; nothing is created", async () => {
    const s = await crmWithData();
    const file = JSON.parse(JSON.stringify(await exportApp(s, "crm")));
    file.links[0].to = "0190a0a0-0000-7000-8000-000000000000";
    const t = await fresh({ name: "Empty", entities: [] }, "unused");
    const e = await failure(importApp(t, "crm", file, actor));
    expect(e.code).toBe("validation");
    expect(e.message + JSON.stringify(e.data)).toContain("0190a0a0-0000-7000-8000-000000000000");
    expect((await t.apps.list()).map((a) => a.slug)).toEqual(["unused"]);
  });
});

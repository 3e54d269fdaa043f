// The entity engine's single-record operations against a real SQLite file: validation by
// the model, defaults, uniqueness and references, optimistic concurrency, partial
// updates, projections and includes; and that a refused write changes nothing at all.
import { describe, expect, test } from "bun:test";
import type { TorqueError } from "../../lib/errors";
import type { Actor } from "../actor";
import type { TestServices as Services } from "../testing";
import { failure, issues, testServices } from "./test-kit";
import type { EntityRecord } from "./types";

const actor: Actor = { kind: "cli", id: "tester" };
const w = { actor };
const fresh = testServices("torque-service-", actor);

const MODEL = {
  name: "Shop",
  entities: [
    { name: "person", fields: [{ name: "name", type: "text", required: true, unique: true }] },
    { name: "team", fields: [{ name: "name", type: "text", required: true }] },
    {
      name: "item",
      fields: [
        { name: "title", type: "text", required: true, minLength: 2, maxLength: 10 },
        { name: "code", type: "text", pattern: "^[A-Z]{3}$", unique: true },
        { name: "qty", type: "integer", min: 0, max: 100, default: 1 },
        { name: "price", type: "number", min: 0 },
        { name: "status", type: "enum", values: ["new", "used"], default: "new" },
        { name: "email", type: "email" },
        { name: "site", type: "url" },
        { name: "born", type: "date" },
        { name: "seen", type: "datetime" },
        { name: "stamp", type: "datetime", default: "now" },
        { name: "day", type: "date", default: "now" },
        { name: "flag", type: "boolean" },
        { name: "owner", type: "reference", entity: "person" },
        { name: "notes", type: "longtext" },
      ],
    },
  ],
  relationships: [
    { name: "person_items", from: "person", to: "item", kind: "1:n", inverse: "owner", onDelete: "restrict" },
    { name: "team_people", from: "team", to: "person", kind: "n:m", onDelete: "cascade" },
  ],
};

const freshServices = (doc: unknown = MODEL, slug = "shop") => fresh(doc, slug);

const rules = (e: TorqueError) => issues(e).map((i) => `${i.field}:${i.rule}`);

/** Everything a write could touch: every entity row and the audit log length. */
async function snapshot(s: Services) {
  const rows = await s.db.all("SELECT id, type, data, version, updated_at FROM entities ORDER BY id");
  const audit = (await s.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log"))!.n;
  const links = await s.db.all("SELECT * FROM entity_relationships ORDER BY from_id, to_id");
  return { rows, audit, links };
}

describe("create and get", () => {
  test("a record comes back in the API shape, with defaults applied and version 1", async () => {
    const s = await freshServices();
    const before = new Date().toISOString();
    const rec = await s.entities.create("shop", "item", { title: "Lamp" }, w);
    const after = new Date().toISOString();
    expect(Object.keys(rec).sort()).toEqual(["createdAt", "data", "entity", "id", "updatedAt", "version"]);
    expect(rec.entity).toBe("item");
    expect(rec.version).toBe(1);
    expect(rec.data).toMatchObject({ title: "Lamp", qty: 1, status: "new" });
    // "now" defaults: the write's own time for a datetime, its UTC day for a date.
    expect((rec.data.stamp as string) >= before && (rec.data.stamp as string) <= after).toBe(true);
    expect(rec.data.stamp).toBe(rec.createdAt);
    expect(rec.data.day).toBe(rec.createdAt.slice(0, 10));
    expect(await s.entities.get("shop", "item", rec.id)).toEqual(rec);
  });

  test("an explicit value wins over the default, and null leaves the field empty", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "Lamp", qty: 7, status: null, stamp: "2024-05-01T10:00:00+02:00" }, w);
    expect(rec.data.qty).toBe(7);
    expect("status" in rec.data).toBe(false);
    expect(rec.data.stamp).toBe("2024-05-01T08:00:00.000Z"); // normalised to UTC
    expect((await s.entities.get("shop", "item", rec.id)).data).toEqual(rec.data);
  });

  test("each rule of the model is enforced and named in the error", async () => {
    const s = await freshServices();
    const cases: [Record<string, unknown>, string][] = [
      [{}, "title:required"],
      [{ title: 42 }, "title:type"],
      [{ title: "x" }, "title:minLength"],
      [{ title: "much too long" }, "title:maxLength"],
      [{ title: "ok", code: "abc" }, "code:pattern"],
      [{ title: "ok", qty: -1 }, "qty:min"],
      [{ title: "ok", qty: 101 }, "qty:max"],
      [{ title: "ok", qty: 1.5 }, "qty:type"],
      [{ title: "ok", qty: "5" }, "qty:type"],
      [{ title: "ok", price: -0.01 }, "price:min"],
      [{ title: "ok", status: "broken" }, "status:enum"],
      [{ title: "ok", email: "not-an-email" }, "email:format"],
      [{ title: "ok", site: "example.com" }, "site:format"],
      [{ title: "ok", site: "ftp://example.com/x" }, "site:format"],
      [{ title: "ok", born: "2023-02-29" }, "born:type"],
      [{ title: "ok", born: "31/01/2024" }, "born:type"],
      [{ title: "ok", seen: "2024-01-31T09:30:00" }, "seen:type"], // no time zone
      [{ title: "ok", flag: "yes" }, "flag:type"],
      [{ title: "ok", colour: "red" }, "colour:unknown"],
      [{ title: "ok", owner: 17 }, "owner:type"],
    ];
    for (const [data, rule] of cases) {
      const e = await failure(s.entities.create("shop", "item", data, w));
      expect(e.code).toBe("validation");
      expect(rules(e)).toEqual([rule]);
      expect(issues(e)[0]!.message.length).toBeGreaterThan(5);
    }
    expect((await snapshot(s)).rows).toEqual([]);
  });

  test("all problems of one input are reported together", async () => {
    const s = await freshServices();
    const e = await failure(s.entities.create("shop", "item", { qty: 500, status: "x", extra: 1 }, w));
    expect(rules(e).sort()).toEqual(["extra:unknown", "qty:max", "status:enum", "title:required"]);
  });

  test("valid formats are accepted and normalised", async () => {
    const s = await freshServices();
    const rec = await s.entities.create(
      "shop",
      "item",
      {
        title: "ok",
        email: " ada@example.com ",
        site: "https://example.com/a?b=1",
        born: "2024-02-29",
        seen: "2024-01-31T09:30:00Z",
        flag: false,
        price: 0,
      },
      w,
    );
    expect(rec.data).toMatchObject({
      email: "ada@example.com",
      site: "https://example.com/a?b=1",
      born: "2024-02-29",
      seen: "2024-01-31T09:30:00.000Z",
      flag: false,
      price: 0,
    });
  });

  test("lenient writes accept text forms of values", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "ok", qty: "42", flag: "true" }, { actor, lenient: true });
    expect(rec.data).toMatchObject({ qty: 42, flag: true });
  });

  test("unknown app, entity type or id are not_found", async () => {
    const s = await freshServices();
    expect((await failure(s.entities.create("nope", "item", { title: "ok" }, w))).code).toBe("not_found");
    expect((await failure(s.entities.create("shop", "ghost", { title: "ok" }, w))).code).toBe("not_found");
    expect((await failure(s.entities.get("shop", "item", "missing"))).code).toBe("not_found");
    expect((await failure(s.entities.update("shop", "item", "missing", {}, w))).code).toBe("not_found");
    expect((await failure(s.entities.delete("shop", "item", "missing", w))).code).toBe("not_found");
  });
});

describe("uniqueness and references", () => {
  test("a duplicate unique value is refused, naming the field and rule, and nothing is written", async () => {
    const s = await freshServices();
    const a = await s.entities.create("shop", "item", { title: "Aa", code: "ABC" }, w);
    const b = await s.entities.create("shop", "item", { title: "Bb", code: "XYZ" }, w);
    const snap = await snapshot(s);
    const e1 = await failure(s.entities.create("shop", "item", { title: "Cc", code: "ABC" }, w));
    expect(e1.code).toBe("validation");
    expect(issues(e1)).toEqual([expect.objectContaining({ field: "code", rule: "unique" })]);
    expect(issues(e1)[0]!.message).toContain(a.id);
    const e2 = await failure(s.entities.update("shop", "item", b.id, { code: "ABC" }, w));
    expect(rules(e2)).toEqual(["code:unique"]);
    expect(await snapshot(s)).toEqual(snap);
    // Saving a record with its own value is no clash; a freed value can be taken.
    expect((await s.entities.update("shop", "item", a.id, { code: "ABC", title: "A2" }, w)).version).toBe(2);
    await s.entities.update("shop", "item", a.id, { code: null }, w);
    expect((await s.entities.update("shop", "item", b.id, { code: "ABC" }, w)).data.code).toBe("ABC");
  });

  test("a reference must name an existing entity of the right type", async () => {
    const s = await freshServices();
    const ada = await s.entities.create("shop", "person", { name: "Ada" }, w);
    const other = await s.entities.create("shop", "item", { title: "other" }, w);
    const snap = await snapshot(s);
    for (const owner of ["no-such-id", other.id]) {
      const e = await failure(s.entities.create("shop", "item", { title: "xx", owner }, w));
      expect(issues(e)).toEqual([expect.objectContaining({ field: "owner", rule: "reference" })]);
    }
    const e = await failure(s.entities.update("shop", "item", other.id, { owner: "no-such-id" }, w));
    expect(rules(e)).toEqual(["owner:reference"]);
    expect(await snapshot(s)).toEqual(snap);
    expect((await s.entities.create("shop", "item", { title: "xx", owner: ada.id }, w)).data.owner).toBe(ada.id);
  });
});

describe("update", () => {
  test("expectedVersion: the right version succeeds and increments, a stale one is a conflict", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "v1" }, w);
    const v2 = await s.entities.update("shop", "item", rec.id, { title: "v2" }, { actor, expectedVersion: 1 });
    expect(v2.version).toBe(2);
    expect(v2.createdAt).toBe(rec.createdAt);
    expect(v2.updatedAt >= rec.updatedAt).toBe(true);
    const snap = await snapshot(s);
    const e = await failure(s.entities.update("shop", "item", rec.id, { title: "lost" }, { actor, expectedVersion: 1 }));
    expect(e.code).toBe("conflict");
    expect(e.data).toMatchObject({ currentVersion: 2, expectedVersion: 1 });
    const d = await failure(s.entities.delete("shop", "item", rec.id, { actor, expectedVersion: 1 }));
    expect(d.code).toBe("conflict");
    expect(await snapshot(s)).toEqual(snap);
    expect((await s.entities.get("shop", "item", rec.id)).data.title).toBe("v2");
    expect((await s.entities.update("shop", "item", rec.id, { title: "v3" }, { actor, expectedVersion: 2 })).version).toBe(3);
    expect((await failure(s.entities.update("shop", "item", rec.id, {}, { actor, expectedVersion: 2.5 }))).code).toBe("validation");
  });

  test("partial update: named fields change, null clears, the rest stays", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "Lamp", qty: 5, price: 9.5, notes: "keep me", born: "2020-01-01" }, w);
    const up = await s.entities.update("shop", "item", rec.id, { qty: 6, price: null }, w);
    expect(up.data).toEqual({ ...rec.data, qty: 6, price: undefined } as never);
    expect("price" in up.data).toBe(false);
    expect((await s.entities.get("shop", "item", rec.id)).data).toEqual(up.data);
    // Defaults belong to creation: an update never brings back a cleared defaulted field.
    const cleared = await s.entities.update("shop", "item", rec.id, { status: null }, w);
    expect("status" in cleared.data).toBe(false);
    expect("status" in (await s.entities.update("shop", "item", rec.id, { notes: "x" }, w)).data).toBe(false);
  });

  test("an update is validated like a create; clearing a required field is refused", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "Lamp" }, w);
    const snap = await snapshot(s);
    expect(rules(await failure(s.entities.update("shop", "item", rec.id, { title: null }, w)))).toEqual(["title:required"]);
    expect(rules(await failure(s.entities.update("shop", "item", rec.id, { qty: 1000 }, w)))).toEqual(["qty:max"]);
    expect(rules(await failure(s.entities.update("shop", "item", rec.id, { nope: 1 }, w)))).toEqual(["nope:unknown"]);
    expect((await failure(s.entities.update("shop", "item", rec.id, "title=x", w))).code).toBe("validation");
    expect(await snapshot(s)).toEqual(snap);
  });
});

describe("concurrent writes", () => {
  test("of many simultaneous creates with one unique value, exactly one is stored", async () => {
    const s = await freshServices();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => s.entities.create("shop", "person", { name: "Same" }, w)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as TorqueError).code).toBe("validation");
    expect((await s.db.get<{ n: number }>("SELECT count(*) AS n FROM entities WHERE type = 'person'"))!.n).toBe(1);
  });

  test("simultaneous updates never lose one silently: each either lands or is a conflict", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "v1", qty: 0 }, w);
    const results = await Promise.allSettled([1, 2, 3, 4].map((q) => s.entities.update("shop", "item", rec.id, { qty: q }, { actor, expectedVersion: 1 })));
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as TorqueError).code).toBe("conflict");
    const now = await s.entities.get("shop", "item", rec.id);
    expect(now.version).toBe(2);
    expect(now.data.qty).toBe((won[0] as PromiseFulfilledResult<EntityRecord>).value.data.qty);
  });

  test("a burst of 50 plain updates on one row all apply in order: version 51, each field last writer wins", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "v1", qty: 0, notes: "keep" }, w);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => s.entities.update("shop", "item", rec.id, i % 2 ? { qty: i } : { title: `t${i}` }, w)),
    );
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const versions = results.map((r) => (r as PromiseFulfilledResult<EntityRecord>).value.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    const now = await s.entities.get("shop", "item", rec.id);
    expect(now.version).toBe(51);
    // The last update to commit for each field decides it; fields no update touched keep their value.
    const last = (pick: (d: EntityRecord["data"]) => unknown) =>
      pick(results.map((r) => (r as PromiseFulfilledResult<EntityRecord>).value).sort((a, b) => b.version - a.version)[0]!.data);
    expect(now.data.qty).toBe(last((d) => d.qty) as number);
    expect(now.data.title).toBe(last((d) => d.title) as string);
    expect(now.data.notes).toBe("keep");
    // The audit log has one entry per update, each building on the one before.
    const audit = await s.db.all<{ before: string; after: string }>(
      "SELECT before, after FROM audit_log WHERE entity_id = ? AND action = 'entity.update' ORDER BY id",
      [rec.id],
    );
    expect(audit).toHaveLength(50);
    for (let i = 1; i < audit.length; i++) expect(JSON.parse(audit[i]!.before)).toEqual(JSON.parse(audit[i - 1]!.after));
  });

  test("under contention an update with expectedVersion is still a conflict naming the version it sent", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "v1" }, w);
    const plain = Array.from({ length: 10 }, (_, i) => s.entities.update("shop", "item", rec.id, { qty: i }, w));
    const guarded = s.entities.update("shop", "item", rec.id, { title: "mine" }, { actor, expectedVersion: 1 });
    const [g, ...rest] = await Promise.allSettled([guarded, ...plain]);
    expect(rest.every((r) => r.status === "fulfilled")).toBe(true);
    if (g!.status === "rejected") {
      expect((g.reason as TorqueError).code).toBe("conflict");
      expect((g.reason as TorqueError).data).toMatchObject({ expectedVersion: 1 });
      expect((g.reason as TorqueError).message).toContain("not 1");
    } else expect(g!.value.version).toBe(2); // it committed first, on the version it named
    expect((await s.entities.get("shop", "item", rec.id)).version).toBe(g!.status === "fulfilled" ? 12 : 11);
  });

  test("a plain delete racing updates applies (no conflict naming a version the client never sent); the audit keeps the newest data", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "v1", qty: 0 }, w);
    const updates = Array.from({ length: 10 }, (_, i) => s.entities.update("shop", "item", rec.id, { qty: i + 1 }, w));
    await Promise.resolve();
    const del = s.entities.delete("shop", "item", rec.id, w); // reads version 1, commits after the updates queued before it
    const [d] = await Promise.allSettled([del, ...updates]);
    expect(d!.status).toBe("fulfilled");
    expect((await failure(s.entities.get("shop", "item", rec.id))).code).toBe("not_found");
    const [last] = await s.db.all<{ before: string }>("SELECT before FROM audit_log WHERE entity_id = ? AND action = 'entity.delete'", [rec.id]);
    const [newest] = await s.db.all<{ after: string }>(
      "SELECT after FROM audit_log WHERE entity_id = ? AND action = 'entity.update' ORDER BY id DESC LIMIT 1",
      [rec.id],
    );
    if (newest) expect(JSON.parse(last!.before)).toEqual(JSON.parse(newest.after));
  });
});

describe("projection and include", () => {
  test("fields projects get and query; an unknown field is refused", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "Lamp", qty: 3, notes: "n" }, w);
    expect((await s.entities.get("shop", "item", rec.id, { fields: ["title", "qty"] })).data).toEqual({ title: "Lamp", qty: 3 });
    expect((await s.entities.query("shop", "item", { fields: ["notes"] })).data[0]!.data).toEqual({ notes: "n" });
    const e = await failure(s.entities.get("shop", "item", rec.id, { fields: ["title", "secret"] }));
    expect(e.code).toBe("validation");
    expect(issues(e)[0]!.message).toContain("secret");
  });

  test("include by reference field and by 1:n relationship name, from both sides", async () => {
    const s = await freshServices();
    const ada = await s.entities.create("shop", "person", { name: "Ada" }, w);
    const bob = await s.entities.create("shop", "person", { name: "Bob" }, w);
    const i1 = await s.entities.create("shop", "item", { title: "one", owner: ada.id }, w);
    const i2 = await s.entities.create("shop", "item", { title: "two", owner: ada.id }, w);
    const i3 = await s.entities.create("shop", "item", { title: "three" }, w);

    const byField = await s.entities.get("shop", "item", i1.id, { include: ["owner"] });
    expect(byField.related!.owner).toMatchObject({ id: ada.id, entity: "person", data: { name: "Ada" } });
    const page = await s.entities.query("shop", "item", { include: ["person_items"], sort: "title" });
    const parent = Object.fromEntries(page.data.map((r) => [r.data.title, (r.related!.person_items as { id: string } | null)?.id ?? null]));
    expect(parent).toEqual({ one: ada.id, two: ada.id, three: null });
    expect(i3.data.owner).toBeUndefined();

    const people = await s.entities.query("shop", "person", { include: ["person_items"], sort: "name" });
    const kids = people.data.map((p) => (p.related!.person_items as { id: string }[]).map((x) => x.id).sort());
    expect(kids).toEqual([[i1.id, i2.id].sort(), []]);
    expect(people.data[1]!.id).toBe(bob.id);
    expect((await failure(s.entities.get("shop", "item", i1.id, { include: ["nonsense"] }))).code).toBe("validation");
  });

  test("include works whatever fields the projection keeps", async () => {
    const s = await freshServices();
    const ada = await s.entities.create("shop", "person", { name: "Ada" }, w);
    const it = await s.entities.create("shop", "item", { title: "one", owner: ada.id }, w);
    const got = await s.entities.get("shop", "item", it.id, { fields: ["title"], include: ["owner"] });
    expect(got.data).toEqual({ title: "one" });
    expect(got.related!.owner).toMatchObject({ id: ada.id });
    const page = await s.entities.query("shop", "item", { fields: ["title"], include: ["person_items"] });
    expect(page.data[0]!.related!.person_items).toMatchObject({ id: ada.id });
  });

  test("include of an n:m relationship, from both sides", async () => {
    const s = await freshServices();
    const ada = await s.entities.create("shop", "person", { name: "Ada" }, w);
    const bob = await s.entities.create("shop", "person", { name: "Bob" }, w);
    const red = await s.entities.create("shop", "team", { name: "red" }, w);
    const blue = await s.entities.create("shop", "team", { name: "blue" }, w);
    await s.links.link("shop", "team_people", red.id, ada.id, w);
    await s.links.link("shop", "team_people", blue.id, ada.id, w);
    await s.links.link("shop", "team_people", red.id, bob.id, w);
    const teams = await s.entities.query("shop", "team", { include: ["team_people"], sort: "name" });
    const members = (r: { related?: Record<string, unknown> }) => (r.related!.team_people as { data: { name: string } }[]).map((p) => p.data.name).sort();
    expect(teams.data.map(members)).toEqual([["Ada"], ["Ada", "Bob"]]); // blue, red
    const ofAda = await s.entities.get("shop", "person", ada.id, { include: ["team_people"] });
    expect((ofAda.related!.team_people as { id: string }[]).map((t) => t.id).sort()).toEqual([red.id, blue.id].sort());
  });
});

describe("hostile values and failed writes", () => {
  test("values that look like SQL are stored verbatim and harm nothing", async () => {
    const s = await freshServices();
    const evil = "'; DROP TABLE entities; --";
    const rec = await s.entities.create("shop", "item", { title: "x'y\"z", notes: evil }, w);
    const bobby = await s.entities.create("shop", "person", { name: evil }, w);
    expect((await s.entities.get("shop", "item", rec.id)).data.notes).toBe(evil);
    expect((await s.entities.get("shop", "person", bobby.id)).data.name).toBe(evil);
    expect((await s.entities.query("shop", "person", { filter: { name: evil } })).data.map((r) => r.id)).toEqual([bobby.id]);
    expect((await s.entities.query("shop", "person", { filter: { name: { startsWith: "'; DROP" } } })).data).toHaveLength(1);
    expect((await s.entities.query("shop", "item", { filter: { title: { contains: "'y\"" } } })).data).toHaveLength(1);
    // Every system table is still there and whole.
    for (const table of ["models", "audit_log"]) expect((await s.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n).toBeGreaterThan(0);
    expect((await s.db.get<{ n: number }>("SELECT count(*) AS n FROM entities"))!.n).toBe(2);
  });

  test("a failed write of any kind leaves rows and audit log exactly as they were", async () => {
    const s = await freshServices();
    const ada = await s.entities.create("shop", "person", { name: "Ada" }, w);
    const it = await s.entities.create("shop", "item", { title: "Lamp", code: "LMP", owner: ada.id }, w);
    const snap = await snapshot(s);
    expect(snap.rows).toHaveLength(2);
    const attempts = [
      () => s.entities.create("shop", "item", { title: "Dup", code: "LMP" }, w), // unique
      () => s.entities.create("shop", "item", { title: "Ref", owner: "ghost" }, w), // reference
      () => s.entities.create("shop", "item", { title: 1 }, w), // type
      () => s.entities.update("shop", "item", it.id, { qty: -5 }, w), // range
      () => s.entities.update("shop", "item", it.id, { title: "new" }, { actor, expectedVersion: 9 }), // stale
      () => s.entities.delete("shop", "person", ada.id, w), // restrict: the item refers to ada
      () => s.entities.create("shop", "person", { name: "Ada" }, w), // unique
    ];
    const codes = [];
    for (const attempt of attempts) codes.push((await failure(attempt())).code);
    expect(codes).toEqual(["validation", "validation", "validation", "validation", "conflict", "conflict", "validation"]);
    expect(await snapshot(s)).toEqual(snap);
  });

  test("delete removes the record and audits it with its last data", async () => {
    const s = await freshServices();
    const rec = await s.entities.create("shop", "item", { title: "gone" }, w);
    expect(await s.entities.delete("shop", "item", rec.id, { actor, expectedVersion: 1 })).toEqual({ id: rec.id, deleted: true, cascaded: [] });
    expect((await failure(s.entities.get("shop", "item", rec.id))).code).toBe("not_found");
    const last = await s.db.get<{ action: string; before: string; after: string | null }>(
      "SELECT action, before, after FROM audit_log ORDER BY id DESC LIMIT 1",
    );
    expect(last!.action).toBe("entity.delete");
    expect(JSON.parse(last!.before).title).toBe("gone");
    expect(last!.after).toBeNull();
  });
});

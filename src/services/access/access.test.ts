// Users, tokens and the one decision point, through the services on a real database (SQLite,
// or PostgreSQL in the shared run): roles, per-entity permissions with row filters and
// hidden fields, token limits, and the audit entry of every refusal.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACCESS_MODEL } from "../../../tests/helpers/access-model";
import { dropPgDatabase, onPostgres, testDatabase } from "../../../tests/helpers/db";
import { TorqueError } from "../../lib/errors";
import type { Actor } from "../actor";
import { cliActor } from "../actor";
import { readAudit } from "../audit";
import { openTestServices, type TestServices } from "../testing";

const dir = mkdtempSync(join(tmpdir(), "torque-access-"));
let s: TestServices;
let url: string;
const as = (user: string, role: "admin" | "editor" | "viewer", apps?: string[]): Actor => ({
  kind: "user",
  id: user,
  door: "rpc",
  grant: { role, user, ...(apps && { apps }) },
});
const ann = as("ann", "admin"),
  ed = as("ed", "editor"),
  vi = as("vi", "viewer");

const refused = async (p: Promise<unknown>, re: RegExp) => {
  const e = await p.then(
    () => undefined,
    (x) => x,
  );
  expect(e).toBeInstanceOf(TorqueError);
  expect((e as TorqueError).code).toBe("forbidden");
  expect((e as TorqueError).message).toMatch(re);
};

beforeAll(async () => {
  url = await testDatabase(dir, "access.db");
  s = await openTestServices(url);
  const m = await s.models.create(structuredClone(ACCESS_MODEL), cliActor);
  await s.apps.create(m.id, "office", cliActor);
  await s.apps.create(m.id, "other", cliActor);
  for (const [name, role] of [
    ["ann", "admin"],
    ["ed", "editor"],
    ["vi", "viewer"],
  ] as const)
    await s.users.add(name, `${name}-password-1`, role, cliActor);
});
afterAll(async () => {
  await s.close();
  if (onPostgres) await dropPgDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

describe("identity", () => {
  test("passwords are stored as argon2id hashes; a login opens a session the services recognise", async () => {
    const row = await s.db.get<{ password_hash: string }>("SELECT password_hash FROM users WHERE name = 'ed'");
    expect(row!.password_hash).toStartWith("$argon2id$");
    const r = await s.users.login("ED", "ed-password-1", "http");
    const auth = await s.users.session(r.token, "rpc");
    expect(auth!.actor.grant).toEqual({ role: "editor", user: "ed" });
    expect(auth!.csrf).toBe(r.csrf);
    // Only the digest is stored.
    expect(await s.db.get("SELECT 1 AS x FROM sessions WHERE hash = ?", [r.token])).toBeUndefined();
    await s.users.logout(r.token, "http");
    expect(await s.users.session(r.token, "rpc")).toBeUndefined();
    // Every session of a user can be ended at once (a lost laptop); so does a new password.
    const a = await s.users.login("ed", "ed-password-1", "http");
    const b = await s.users.login("ed", "ed-password-1", "http");
    expect(await s.users.endSessions("ed", cliActor)).toBe(2);
    expect(await s.users.session(a.token, "rpc")).toBeUndefined();
    expect(await s.users.session(b.token, "rpc")).toBeUndefined();
    const c = await s.users.login("ed", "ed-password-1", "http");
    await s.users.setPassword("ed", "ed-password-1", cliActor);
    expect(await s.users.session(c.token, "rpc")).toBeUndefined();
  });

  test("a wrong password or unknown name is one refusal, audited as denied.login", async () => {
    await refused(s.users.login("ed", "wrong-password", "http"), /wrong user name or password/);
    await refused(s.users.login("nobody", "whatever-123", "http"), /wrong user name or password/);
    const denied = await readAudit(s.db, { action: "denied.login", limit: 10 });
    expect(denied.map((d) => d.actor.id)).toEqual(expect.arrayContaining(["ed", "nobody"]));
    expect(denied[0]!.door).toBe("http");
  });

  test("tokens: shown once, stored as a digest, at most the user's role, limited to apps, revocable", async () => {
    const t = await s.users.createToken({ user: "ed", name: "ci", role: "viewer", apps: ["office"] }, cliActor);
    expect(t.token).toStartWith(`tq_${t.info.id}_`);
    expect(await s.db.get("SELECT 1 AS x FROM api_tokens WHERE hash = ?", [t.token])).toBeUndefined();
    const actor = (await s.users.token(t.token, "mcp"))!;
    expect(actor.grant).toEqual({ role: "viewer", user: "ed", apps: ["office"] });
    expect(actor.door).toBe("mcp");
    await refused(s.users.createToken({ user: "vi", name: "x", role: "admin" }, cliActor), /cannot be admin/);
    await refused(s.entities.query("other", "item", {}, actor), /limited to the app office/);
    await s.users.revokeToken(t.info.id, cliActor);
    expect(await s.users.token(t.token, "mcp")).toBeUndefined();
    expect(await s.users.token(`${t.token}x`, "mcp")).toBeUndefined();
    expect(await s.users.token("not-a-token", "mcp")).toBeUndefined();
  });

  test("a token follows its user down: a user made viewer takes the token's editor rights away", async () => {
    await s.users.add("tmp", "tmp-password-1", "editor", cliActor);
    const t = await s.users.createToken({ user: "tmp", name: "bot" }, cliActor);
    expect((await s.users.token(t.token, "rpc"))!.grant!.role).toBe("editor");
    await s.users.setRole("tmp", "viewer", cliActor);
    expect((await s.users.token(t.token, "rpc"))!.grant!.role).toBe("viewer");
    await s.users.remove("tmp", cliActor);
    expect(await s.users.token(t.token, "rpc")).toBeUndefined();
  });

  test("user management is the admin's; the last admin stays", async () => {
    await refused(s.users.add("eve", "eve-password-1", "admin", ed), /may not add users; it takes the admin role/);
    await refused(s.users.list(vi), /admin role/);
    await expect(s.users.setRole("ann", "editor", cliActor)).rejects.toThrow(/only admin/);
    await expect(s.users.add("ann", "another-pass", "viewer", cliActor)).rejects.toThrow(/already exists/);
    await expect(s.users.add("Bad Name", "another-pass", "viewer", cliActor)).rejects.toThrow(/user name/);
    await expect(s.users.add("short", "1234567", "viewer", cliActor)).rejects.toThrow(/8 to 256/);
  });
});

describe("per-entity permissions", () => {
  test("viewers read without hidden fields and cannot write; the refusal is audited with its door", async () => {
    const n = await s.entities.create("office", "note", { title: "plan", owner: "ann", secret: "s3", points: 3 }, { actor: ann });
    const got = await s.entities.get("office", "note", n.id, {}, vi);
    expect(got.data).toEqual({ title: "plan", owner: "ann", points: 3 });
    const page = await s.entities.query("office", "note", { filter: { title: "plan" } }, vi);
    expect(page.data[0]!.data.secret).toBeUndefined();
    await refused(s.entities.query("office", "note", { filter: { secret: "s3" } }, vi), /note.secret is hidden from vi/);
    await refused(s.entities.query("office", "note", { sort: [{ field: "secret" }] }, vi), /hidden/);
    await refused(s.entities.query("office", "note", { filter: { $search: "s3" } }, vi), /hidden/);
    await refused(s.entities.get("office", "note", n.id, { fields: ["secret"] }, vi), /hidden/);
    await refused(s.entities.aggregate("office", "note", { groupBy: "secret", aggregates: [{ op: "count" }] }, vi), /hidden/);
    await refused(s.entities.create("office", "item", { name: "x" }, { actor: vi }), /vi \(viewer\) may not create item records/);
    const denied = (await readAudit(s.db, { action: "denied.entity.create", limit: 5 }))[0]!;
    expect(denied).toMatchObject({
      actor: { kind: "user", id: "vi" },
      door: "rpc",
      entityType: "item",
      after: { reason: expect.stringMatching(/may not create/) },
    });
    // The admin sees everything.
    expect((await s.entities.get("office", "note", n.id, {}, ann)).data.secret).toBe("s3");
  });

  test("an editor creates and updates only records within the row filter ($user), and may not delete", async () => {
    const mine = await s.entities.create("office", "note", { title: "mine", owner: "ed" }, { actor: ed });
    await refused(s.entities.create("office", "note", { title: "theirs", owner: "ann" }, { actor: ed }), /within its permission's row filter/);
    const theirs = await s.entities.create("office", "note", { title: "theirs", owner: "ann" }, { actor: ann });
    expect((await s.entities.update("office", "note", mine.id, { points: 5 }, { actor: ed })).data.points).toBe(5);
    await refused(s.entities.update("office", "note", theirs.id, { points: 5 }, { actor: ed }), /row filter/);
    // Giving one's record away would take it out of reach: refused too.
    await refused(s.entities.update("office", "note", mine.id, { owner: "ann" }, { actor: ed }), /row filter/);
    await refused(s.entities.delete("office", "note", mine.id, { actor: ed }), /may not delete note/);
    expect((await s.entities.get("office", "note", theirs.id, {}, ann)).data.points).toBeUndefined();
    // Bulk loads do not apply row filters, so an editor bound by one creates one by one.
    await refused(s.data.bulkImport("office", "note", { data: [{ title: "b", owner: "ed" }] }, ed), /one at a time/);
  });

  test("a row filter on list and read: each viewer sees only their records, in pages, totals, aggregates and by id", async () => {
    for (const [title, assignee] of [
      ["a", "vi"],
      ["b", "vi"],
      ["c", "ed"],
      ["d", null],
    ])
      await s.entities.create("office", "task", { title, ...(assignee && { assignee }) }, { actor: ann });
    const page = await s.entities.query("office", "task", { total: true, sort: [{ field: "title" }] }, vi);
    expect(page.data.map((r) => r.data.title)).toEqual(["a", "b"]);
    expect(page.pagination.total).toBe(2);
    const agg = await s.entities.aggregate("office", "task", { aggregates: [{ op: "count" }] }, vi);
    expect(agg.groups[0]!.values).toEqual([2]);
    const c = (await s.entities.query("office", "task", { filter: { title: "c" } }, ann)).data[0]!;
    await expect(s.entities.get("office", "task", c.id, {}, vi)).rejects.toThrow(/not found/);
    // The editor's rule is the viewer's (a permission names the lowest role it grants).
    expect((await s.entities.query("office", "task", { sort: [{ field: "title" }] }, ed)).data.map((r) => r.data.title)).toEqual(["c"]);
    // Trusted callers (the process itself) are not bound.
    expect((await s.entities.query("office", "task", {})).data).toHaveLength(4);
  });

  test("models, apps, seeding and workflows: the admin designs, editors run flows, viewers neither", async () => {
    await refused(s.models.create({ name: "X", entities: [] }, ed), /may not create models; it takes the admin role/);
    await refused(s.apps.create("Office", "third", vi), /admin role/);
    expect((await readAudit(s.db, { action: "denied.model.create", limit: 1 }))[0]!.actor).toEqual({ kind: "user", id: "ed" });
    expect((await s.apps.list(as("t", "viewer", ["office"]))).map((a) => a.slug)).toEqual(["office"]);
  });

  test("a model's permissions are checked: roles, hidden fields and row filters must fit the entity", async () => {
    const bad = structuredClone(ACCESS_MODEL) as { entities: { permissions?: unknown }[] };
    bad.entities[2]!.permissions = { read: ["manager"], hidden: { viewer: ["nope"] }, update: [{ role: "editor", filter: { missing: "$user" } }] };
    const e = await s.models.create({ ...bad, name: "Bad" }, cliActor).then(
      () => undefined,
      (x) => x as TorqueError,
    );
    const paths = (e!.data as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["/entities/2/permissions/read/0", "/entities/2/permissions/hidden/viewer/0", "/entities/2/permissions/update/0/filter"]),
    );
  });
});

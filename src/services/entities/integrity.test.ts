// Referential integrity on a real SQLite file: each relationship's onDelete rule
// (cascade, restrict, setNull), reference fields without a relationship, n:m links and
// 1:1 cardinality. A refused delete must leave every row, link and audit entry in place.
import { describe, expect, test } from "bun:test";
import type { Issue } from "../../lib/errors";
import type { Actor } from "../actor";
import { readAudit } from "../audit";
import type { TestServices as Services } from "../testing";
import { failure, testServices } from "./test-kit";

const actor: Actor = { kind: "user", id: "u1" };
const w = { actor };
const fresh = testServices("torque-integrity-", actor);

const named = (name: string, ...more: object[]) => ({ name, fields: [{ name: "name", type: "text", required: true }, ...more] });
const ref = (name: string, entity: string, required = false) => ({ name, type: "reference", entity, ...(required && { required }) });
const MODEL = {
  name: "Org",
  entities: [
    named("org"),
    named("team", ref("org", "org", true)),
    named("member", ref("team", "team", true)),
    named("badge", ref("member", "member")),
    named("budget", ref("org", "org")),
    named("memo", ref("team", "team")), // no relationship declared for memo.team
    named("desk", ref("member", "member")),
    named("skill"),
    named("cert"),
    named("folder", ref("parent", "folder")),
  ],
  relationships: [
    { name: "org_teams", from: "org", to: "team", kind: "1:n", inverse: "org", onDelete: "cascade" },
    { name: "team_members", from: "team", to: "member", kind: "1:n", inverse: "team", onDelete: "cascade" },
    { name: "member_badges", from: "member", to: "badge", kind: "1:n", inverse: "member", onDelete: "setNull" },
    { name: "org_budgets", from: "org", to: "budget", kind: "1:n", inverse: "org", onDelete: "restrict" },
    { name: "member_desk", from: "member", to: "desk", kind: "1:1", inverse: "member", onDelete: "setNull" },
    { name: "member_skills", from: "member", to: "skill", kind: "n:m", onDelete: "cascade" },
    { name: "member_certs", from: "member", to: "cert", kind: "n:m", onDelete: "restrict" },
    { name: "folder_children", from: "folder", to: "folder", kind: "1:n", inverse: "parent", onDelete: "cascade" },
  ],
};

const freshServices = (doc: unknown = MODEL, slug = "org") => fresh(doc, slug);

async function snapshot(s: Services) {
  return {
    rows: await s.db.all("SELECT id, type, data, version FROM entities ORDER BY id"),
    links: await s.db.all("SELECT relationship, from_id, to_id FROM entity_relationships ORDER BY from_id, to_id"),
    audit: (await s.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log"))!.n,
  };
}
const make = (s: Services, type: string, data: Record<string, unknown>) => s.entities.create("org", type, data, w);
const exists = async (s: Services, type: string, id: string) => !!(await s.db.get("SELECT 1 AS x FROM entities WHERE type = ? AND id = ?", [type, id]));
const ids = (page: { data: { id: string }[] }) => page.data.map((r) => r.id).sort();

/** org → 2 teams → 2 members each, every member with a skill link. */
async function orgTree(s: Services) {
  const org = await make(s, "org", { name: "Acme" });
  const teams = [],
    members = [];
  const skill = await make(s, "skill", { name: "sql" });
  for (const t of ["red", "blue"]) {
    const team = await make(s, "team", { name: t, org: org.id });
    teams.push(team);
    for (const m of ["a", "b"]) {
      const member = await make(s, "member", { name: `${t}-${m}`, team: team.id });
      await s.links.link("org", "member_skills", member.id, skill.id, w);
      members.push(member);
    }
  }
  return { org, teams, members, skill };
}

describe("onDelete cascade", () => {
  test("deletes children recursively, reports them, and audits each delete with its data", async () => {
    const s = await freshServices();
    const { org, teams, members, skill } = await orgTree(s);
    const other = await make(s, "org", { name: "Other" });
    const keep = await make(s, "team", { name: "keep", org: other.id });
    const res = await s.entities.delete("org", "org", org.id, w);
    expect(res.deleted).toBe(true);
    const cascaded = res.cascaded.map((c) => `${c.entity}:${c.op}:${c.id}`).sort();
    expect(cascaded).toEqual([...teams.map((t) => `team:delete:${t.id}`), ...members.map((m) => `member:delete:${m.id}`)].sort());
    for (const r of [org, ...teams, ...members]) expect(await exists(s, r.entity, r.id)).toBe(false);
    expect(await exists(s, "team", keep.id)).toBe(true);
    // n:m links of deleted members go; the skill itself stays.
    expect(await exists(s, "skill", skill.id)).toBe(true);
    expect((await s.db.get<{ n: number }>("SELECT count(*) AS n FROM entity_relationships"))!.n).toBe(0);
    for (const r of [...teams, ...members]) {
      const entries = (await readAudit(s.db, { entityId: r.id })).filter((a) => a.action === "entity.delete");
      expect(entries).toHaveLength(1);
      expect(entries[0]!.before).toEqual(r.data);
      expect(entries[0]!.actor).toEqual(actor);
      expect(entries[0]!.entityType).toBe(r.entity);
    }
  });

  test("a self-referencing tree is deleted subtree by subtree", async () => {
    const s = await freshServices();
    const root = await make(s, "folder", { name: "root" });
    const a = await make(s, "folder", { name: "a", parent: root.id });
    const a1 = await make(s, "folder", { name: "a1", parent: a.id });
    const a11 = await make(s, "folder", { name: "a11", parent: a1.id });
    const b = await make(s, "folder", { name: "b", parent: root.id });
    const r1 = await s.entities.delete("org", "folder", a.id, w);
    expect(r1.cascaded.map((c) => c.id).sort()).toEqual([a1.id, a11.id].sort());
    expect(await exists(s, "folder", root.id)).toBe(true);
    expect(await exists(s, "folder", b.id)).toBe(true);
    await s.entities.delete("org", "folder", root.id, w);
    expect((await s.db.get<{ n: number }>("SELECT count(*) AS n FROM entities WHERE type = 'folder'"))!.n).toBe(0);
  });

  test("a restrict anywhere in the cascade refuses the whole delete", async () => {
    const s = await freshServices();
    const { org, teams } = await orgTree(s);
    await make(s, "memo", { name: "keep this team", team: teams[1]!.id });
    const snap = await snapshot(s);
    const e = await failure(s.entities.delete("org", "org", org.id, w));
    expect(e.code).toBe("conflict");
    expect(e.data).toMatchObject({ rule: "restrict", entity: "memo", field: "team" });
    expect(await snapshot(s)).toEqual(snap);
  });
});

describe("onDelete restrict and setNull", () => {
  test("restrict: the delete is a conflict naming the relationship, and nothing is deleted", async () => {
    const s = await freshServices();
    const { org } = await orgTree(s);
    const budget = await make(s, "budget", { name: "2025", org: org.id });
    const snap = await snapshot(s);
    const e = await failure(s.entities.delete("org", "org", org.id, w));
    expect(e.code).toBe("conflict");
    expect(e.data).toMatchObject({ rule: "restrict", relationship: "org_budgets", entity: "budget", count: 1 });
    expect(e.message).toContain("org_budgets");
    expect(await snapshot(s)).toEqual(snap);
    await s.entities.delete("org", "budget", budget.id, w);
    await s.entities.delete("org", "org", org.id, w);
    expect(await exists(s, "org", org.id)).toBe(false);
  });

  test("a reference field without a declared relationship restricts", async () => {
    const s = await freshServices();
    const org = await make(s, "org", { name: "Acme" });
    const team = await make(s, "team", { name: "red", org: org.id });
    const memo = await make(s, "memo", { name: "m", team: team.id });
    const e = await failure(s.entities.delete("org", "team", team.id, w));
    expect(e.code).toBe("conflict");
    expect(e.data).toMatchObject({ rule: "restrict", entity: "memo", field: "team" });
    expect(await exists(s, "team", team.id)).toBe(true);
    await s.entities.update("org", "memo", memo.id, { team: null }, w);
    await s.entities.delete("org", "team", team.id, w);
    expect(await exists(s, "team", team.id)).toBe(false);
  });

  test("setNull: children stay, their field is cleared, their version bumped and the change audited", async () => {
    const s = await freshServices();
    const { members } = await orgTree(s);
    const [m1, m2] = members as [(typeof members)[0], (typeof members)[0]];
    const b1 = await make(s, "badge", { name: "gold", member: m1.id });
    const b2 = await make(s, "badge", { name: "silver", member: m1.id });
    const b3 = await make(s, "badge", { name: "bronze", member: m2.id });
    const res = await s.entities.delete("org", "member", m1.id, w);
    expect(res.cascaded.filter((c) => c.entity === "badge")).toEqual(
      expect.arrayContaining([
        { entity: "badge", id: b1.id, op: "update" },
        { entity: "badge", id: b2.id, op: "update" },
      ]),
    );
    for (const b of [b1, b2]) {
      const now = await s.entities.get("org", "badge", b.id);
      expect(now.data).toEqual({ name: b.data.name });
      expect(now.version).toBe(2);
      const upd = (await readAudit(s.db, { entityId: b.id }))[0]!;
      expect(upd).toMatchObject({ action: "entity.update", before: b.data, after: { name: b.data.name } });
    }
    expect(await s.entities.get("org", "badge", b3.id)).toEqual(b3);
  });
});

describe("links", () => {
  test("n:m link, related from both sides, unlink, and links going with a deleted entity", async () => {
    const s = await freshServices();
    const { members } = await orgTree(s);
    const [m1, m2] = members;
    const go = await make(s, "skill", { name: "go" });
    const rust = await make(s, "skill", { name: "rust" });
    await s.links.link("org", "member_skills", m1!.id, go.id, w);
    await s.links.link("org", "member_skills", m1!.id, rust.id, w);
    await s.links.link("org", "member_skills", m1!.id, rust.id, w); // twice is once
    await s.links.link("org", "member_skills", m2!.id, rust.id, w);
    const sqlSkill = (await s.entities.query("org", "skill", { filter: { name: "sql" } })).data[0]!;
    expect(ids(await s.links.related("org", "member", m1!.id, "member_skills"))).toEqual([sqlSkill.id, go.id, rust.id].sort());
    expect(ids(await s.links.related("org", "skill", rust.id, "member_skills"))).toEqual([m1!.id, m2!.id].sort());
    expect((await s.links.related("org", "member", m1!.id, "member_skills", { filter: { name: "go" } })).data.map((r) => r.id)).toEqual([go.id]);

    expect((await s.links.unlink("org", "member_skills", m1!.id, go.id, w)).removed).toBe(true);
    expect((await s.links.unlink("org", "member_skills", m1!.id, go.id, w)).removed).toBe(false);
    expect(ids(await s.links.related("org", "skill", go.id, "member_skills"))).toEqual([]);

    await s.entities.delete("org", "skill", rust.id, w); // cascade: the links go, the members stay
    expect(ids(await s.links.related("org", "member", m2!.id, "member_skills"))).toEqual([sqlSkill.id]);
    expect(await exists(s, "member", m2!.id)).toBe(true);
    const left = await s.db.all("SELECT * FROM entity_relationships WHERE to_id = ? OR from_id = ?", [rust.id, rust.id]);
    expect(left).toEqual([]);
  });

  test("linking refuses unknown ids, wrong types and unknown relationships, and writes nothing", async () => {
    const s = await freshServices();
    const { members, teams, skill } = await orgTree(s);
    const snap = await snapshot(s);
    expect((await failure(s.links.link("org", "member_skills", members[0]!.id, "ghost", w))).code).toBe("not_found");
    expect((await failure(s.links.link("org", "member_skills", teams[0]!.id, skill.id, w))).code).toBe("not_found");
    expect((await failure(s.links.link("org", "nope", members[0]!.id, skill.id, w))).code).toBe("not_found");
    expect((await failure(s.links.related("org", "team", teams[0]!.id, "member_skills"))).code).toBe("validation");
    expect(await snapshot(s)).toEqual(snap);
  });

  test("n:m restrict: neither side can be deleted while linked", async () => {
    const s = await freshServices();
    const { members } = await orgTree(s);
    const cert = await make(s, "cert", { name: "aws" });
    await s.links.link("org", "member_certs", members[0]!.id, cert.id, w);
    const snap = await snapshot(s);
    expect((await failure(s.entities.delete("org", "member", members[0]!.id, w))).data).toMatchObject({ rule: "restrict", relationship: "member_certs" });
    expect((await failure(s.entities.delete("org", "cert", cert.id, w))).code).toBe("conflict");
    expect(await snapshot(s)).toEqual(snap);
    await s.links.unlink("org", "member_certs", members[0]!.id, cert.id, w);
    await s.entities.delete("org", "cert", cert.id, w);
    expect(await exists(s, "cert", cert.id)).toBe(false);
  });

  test("1:n link moves the child (an audited update); a required link cannot be unlinked", async () => {
    const s = await freshServices();
    const { teams, members } = await orgTree(s);
    const m = members[0]!;
    expect(m.data.team).toBe(teams[0]!.id);
    await s.links.link("org", "team_members", teams[1]!.id, m.id, w);
    const moved = await s.entities.get("org", "member", m.id);
    expect(moved.data.team).toBe(teams[1]!.id);
    expect(moved.version).toBe(2);
    expect(ids(await s.links.related("org", "team", teams[1]!.id, "team_members"))).toContain(m.id);
    expect((await s.links.related("org", "member", m.id, "team_members")).data.map((r) => r.id)).toEqual([teams[1]!.id]);
    const e = await failure(s.links.unlink("org", "team_members", teams[1]!.id, m.id, w));
    expect((e.data as Issue[])[0]).toMatchObject({ field: "team", rule: "required" });
    expect((await s.entities.get("org", "member", m.id)).data.team).toBe(teams[1]!.id);
  });

  test("related from the child side applies the caller's filter like every other side", async () => {
    const s = await freshServices();
    const { teams, members } = await orgTree(s);
    const m = members[0]!;
    expect((await s.links.related("org", "member", m.id, "team_members", { filter: { name: teams[0]!.data.name } })).data).toHaveLength(1);
    expect((await s.links.related("org", "member", m.id, "team_members", { filter: { name: "no such team" } })).data).toEqual([]);
  });

  test("1:1: one desk per member, enforced on link and on create; setNull on delete", async () => {
    const s = await freshServices();
    const { members } = await orgTree(s);
    const [m1, m2] = members;
    const d1 = await make(s, "desk", { name: "d1" });
    const d2 = await make(s, "desk", { name: "d2" });
    await s.links.link("org", "member_desk", m1!.id, d1.id, w);
    await s.links.link("org", "member_desk", m1!.id, d1.id, w); // the same link again is fine
    const e = await failure(s.links.link("org", "member_desk", m1!.id, d2.id, w));
    expect(e.code).toBe("conflict");
    expect(e.data).toMatchObject({ rule: "cardinality" });
    const dup = await failure(make(s, "desk", { name: "d3", member: m1!.id }));
    expect((dup.data as Issue[])[0]).toMatchObject({ field: "member", rule: "unique" });
    const moveIn = await failure(s.entities.update("org", "desk", d2.id, { member: m1!.id }, w));
    expect((moveIn.data as Issue[])[0]).toMatchObject({ field: "member", rule: "unique" });
    // include by the 1:1 relationship from the "one" side is a single record, not a list
    const withDesk = await s.entities.get("org", "member", m1!.id, { include: ["member_desk"] });
    expect(withDesk.related!.member_desk).toMatchObject({ id: d1.id });
    expect((await s.entities.get("org", "member", m2!.id, { include: ["member_desk"] })).related!.member_desk).toBeNull();
    await s.links.link("org", "member_desk", m2!.id, d2.id, w);
    expect((await s.links.unlink("org", "member_desk", m2!.id, d2.id, w)).removed).toBe(true);
    expect((await s.entities.get("org", "desk", d2.id)).data.member).toBeUndefined();
    await s.entities.delete("org", "member", m1!.id, w);
    const freed = await s.entities.get("org", "desk", d1.id);
    expect(freed.data).toEqual({ name: "d1" });
    expect(await make(s, "desk", { name: "d4", member: m2!.id })).toBeTruthy();
  });

  test("a reference to a deleted entity cannot be written", async () => {
    const s = await freshServices();
    const org = await make(s, "org", { name: "Gone" });
    await s.entities.delete("org", "org", org.id, w);
    const e = await failure(make(s, "team", { name: "t", org: org.id }));
    expect((e.data as Issue[])[0]).toMatchObject({ field: "org", rule: "reference" });
  });
});

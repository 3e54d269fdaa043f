// `torque migrate-data` (a whole project copied between databases, verified) and `torque
// backup` of a PostgreSQL project, through the real command line. A SQLite project with
// the todo and crm templates, records (one updated, one deleted), a value a model change
// left hidden, an n:m link, a workflow run, a seed in progress, a schedule claim and the
// audit entries of all that goes to PostgreSQL and back to a new SQLite file; each copy
// must hold exactly the same rows, answer the same filtered and sorted pages, and go on
// numbering apps and audit entries after the source's. The PostgreSQL parts need
// TORQUE_TEST_PG (an admin URL of a server where test databases may be created).

import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cliActor, systemActor } from "../../src/services/actor";
import { openTestServices } from "../../src/services/testing";
import { claimScheduledRun, putSeedRun } from "../../src/store/runs";
import { ok, okJson, TEMPLATES, tempDir, torque, writeJson } from "../helpers/cli";
import { dropPgDatabase, freshPgDatabase, pgAdminUrl } from "../helpers/db";

/** Every copied table of a database, read in key order (entities' data parsed: jsonb reorders keys), and the maintained counts. */
async function dump(url: string) {
  const s = await openTestServices(url);
  try {
    const q = (sql: string) => s.db.all<Record<string, unknown>>(sql);
    return {
      models: await q("SELECT id, name, version, created_at, updated_at FROM models ORDER BY id"),
      versions: await q("SELECT model_id, version, doc, created_at, actor, note FROM model_versions ORDER BY model_id, version"),
      apps: await q("SELECT id, slug, model_id, settings, created_at FROM apps ORDER BY id"),
      entities: (await q("SELECT app_id, type, id, data, version, created_at, updated_at FROM entities ORDER BY app_id, type, id")).map(
        (r): Record<string, any> => ({ ...r, data: JSON.parse(r.data as string) }),
      ),
      links: await q("SELECT app_id, relationship, from_id, to_id, created_at FROM entity_relationships ORDER BY app_id, relationship, from_id, to_id"),
      runs: await q("SELECT * FROM xflow_executions ORDER BY id"),
      audit: await q("SELECT * FROM audit_log ORDER BY id"),
      seeds: await q("SELECT * FROM seed_runs ORDER BY app_id"),
      claims: await q("SELECT * FROM schedule_claims ORDER BY app_id, xflow, scheduled_at"),
      counts: await q("SELECT app_id, type, n FROM entity_counts WHERE n <> 0 ORDER BY app_id, type"),
      users: await q("SELECT * FROM users ORDER BY id"),
      tokens: await q("SELECT * FROM api_tokens ORDER BY id"),
      settings: await q("SELECT * FROM settings ORDER BY key"),
    };
  } finally {
    await s.close();
  }
}

/** Pages the command line answers: filters, sorts (several directions and types), a second page by cursor, full-text search, runs. */
async function answers(db: string, cwd: string) {
  const q = (args: string[]) => okJson([...args, "--db", db], { cwd });
  const first = await q(["entity", "list", "todo", "task", "--sort", "-priority", "--limit", "7"]);
  return {
    first,
    second: await q(["entity", "list", "todo", "task", "--sort", "-priority", "--limit", "7", "--cursor", first.pagination.nextCursor]),
    done: await q(["entity", "list", "todo", "task", "--filter", '{"status":"done"}', "--sort", "due", "--limit", "10"]),
    deals: await q(["entity", "list", "crm", "deal", "--filter", '{"amount":{"gt":1000}}', "--sort", "-amount", "--limit", "10"]),
    search: await q(["entity", "list", "crm", "contact", "--filter", '{"$search":"Zoë"}']),
    companies: await q(["entity", "list", "crm", "company", "--sort", "name", "--limit", "50"]),
    runs: await q(["xflow", "runs", "--app", "todo"]),
    apps: await q(["app", "list"]),
  };
}

/** A SQLite project with something in every copied table. */
async function makeProject(dir: string): Promise<{ db: string; project: string }> {
  await ok(["init", ".", "--template", "todo"], { cwd: dir });
  await ok(["model", "import", join(TEMPLATES, "crm.json"), "--slug", "crm"], { cwd: dir });
  await ok(["app", "seed", "crm", "--count", "30", "--seed", "7"], { cwd: dir });
  // Users, a token and a setting travel with the data (sign-ins keep working on the copy).
  await ok(["user", "add", "ann", "--role", "admin", "--password-stdin"], { cwd: dir, input: "ann-password-1\n" });
  await ok(["token", "create", "ann", "--name", "ci", "--app", "crm"], { cwd: dir });
  await ok(["audit", "retention", "400"], { cwd: dir });
  // An app made and deleted: its id must never be handed out again, on any copy.
  await ok(["app", "create", "Todo", "--slug", "scratch"], { cwd: dir });
  await ok(["app", "delete", "scratch"], { cwd: dir });
  // Values that text and jsonb could spell differently: accents, emoji, quotes, NUL-free control characters, long decimals.
  const company = await okJson(["entity", "create", "crm", "company", "--data", JSON.stringify({ name: 'Ünïcode & "Quotes" 🚀', employees: 12 })], {
    cwd: dir,
  });
  const contact = await okJson(
    [
      "entity",
      "create",
      "crm",
      "contact",
      "--data",
      JSON.stringify({ first_name: "Zoë", last_name: "O'Brien\ttab", email: "zoe@example.com", company: company.id, tags: [] }),
    ],
    { cwd: dir },
  );
  const deal = await okJson(
    ["entity", "create", "crm", "deal", "--data", JSON.stringify({ title: "Big one", amount: 0.1 + 0.2 + 1234567.125, company: company.id, stage: "won" })],
    { cwd: dir },
  );
  await okJson(["entity", "update", "crm", "deal", deal.id, "--data", JSON.stringify({ amount: 1e21 })], { cwd: dir });
  const gone = await okJson(["entity", "create", "crm", "company", "--data", JSON.stringify({ name: "Short-lived" })], { cwd: dir });
  await ok(["entity", "delete", "crm", "company", gone.id], { cwd: dir });
  // A field removed from the model: its values stay in the records, hidden (model version 2).
  const model = JSON.parse((await ok(["model", "export", "Todo"], { cwd: dir })).stdout);
  model.entities.find((e: any) => e.name === "task").fields = model.entities.find((e: any) => e.name === "task").fields.filter((f: any) => f.name !== "notes");
  await ok(["model", "update", "Todo", await writeJson(dir, "todo-v2.json", model)], { cwd: dir });
  // A workflow run (it updates the project's tasks through the beforeUpdate flow).
  const project = (await okJson(["entity", "list", "todo", "project", "--sort", "name", "--limit", "1"], { cwd: dir })).data[0].id;
  await ok(["xflow", "execute", "finish_project", "--app", "todo", "--input", JSON.stringify({ project })], { cwd: dir });
  // An n:m link, a seed in progress and a schedule claim (no command makes these directly).
  const db = join(dir, "torque.db");
  const s = await openTestServices(db);
  try {
    await s.links.link("crm", "deal_contacts", deal.id, contact.id, { actor: cliActor });
    const crmId = (await s.apps.runtime("crm")).id;
    await putSeedRun(s.db, crmId, JSON.stringify({ count: 40 }), JSON.stringify({ company: 40 }), "2026-01-02T03:04:05.000Z");
    await claimScheduledRun(
      s.db,
      crmId,
      "qualify_deal",
      "2026-01-02T03:00:00.000Z",
      new Date().toISOString(),
      "2000-01-01T00:00:00.000Z",
      "2000-01-01T00:00:00.000Z",
    );
    await s.entities.create("todo", "task", { title: "after the model change", project }, { actor: systemActor });
  } finally {
    await s.close();
  }
  return { db, project };
}

/** After a copy: a new app and a new record go on numbering after the source's. */
/** A copy from cwd's project into a target holding data: refused in one line naming it, the target unchanged. */
async function refusedAsNotEmpty(cwd: string, target: string, before: Awaited<ReturnType<typeof dump>>) {
  const r = await torque(["migrate-data", "--to", target], { cwd });
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toContain(target);
  expect(r.stderr).toMatch(/must be empty/);
  expect(await dump(target)).toEqual(before);
}

async function idsContinue(db: string, cwd: string, source: Awaited<ReturnType<typeof dump>>) {
  await ok(["app", "create", "Todo", "--slug", "later", "--db", db], { cwd });
  const project = await okJson(["entity", "create", "todo", "project", "--data", '{"name":"New here"}', "--db", db], { cwd });
  const after = await dump(db);
  const lastApp = Math.max(...source.apps.map((a) => a.id as number));
  // The deleted app "scratch" held the id after the last app: it is not reused.
  expect(after.apps.find((a) => a.slug === "later")!.id).toBe(lastApp + 2);
  const lastAudit = Math.max(...source.audit.map((a) => Number(a.id)));
  const fresh = after.audit.filter((a) => Number(a.id) > lastAudit);
  expect(fresh.map((a) => a.action)).toEqual(["app.create", "entity.create"]);
  expect(fresh.map((a) => Number(a.id))).toEqual([lastAudit + 1, lastAudit + 2]);
  expect(fresh[1]!.entity_id).toBe(project.id);
  expect(after.audit.slice(0, source.audit.length)).toEqual(source.audit);
}

describe("migrate-data between SQLite files", () => {
  test("copies every table, rebuilds indexes and full text, verifies, and the copy answers alike", async () => {
    const dir = tempDir();
    const { db } = await makeProject(dir);
    const before = await dump(db);
    const r = await okJson(["migrate-data", "--to", "copy.db"], { cwd: dir });
    expect(r.from).toBe(db);
    expect(r.tables.map((t: any) => t.table)).toEqual([
      "models",
      "model_versions",
      "apps",
      "entities",
      "entity_relationships",
      "xflow_executions",
      "audit_log",
      "seed_runs",
      "schedule_claims",
      "users",
      "sessions",
      "api_tokens",
      "settings",
    ]);
    const rows = Object.fromEntries(r.tables.map((t: any) => [t.table, t.rows]));
    expect(rows).toMatchObject({
      models: 2,
      model_versions: 3,
      apps: 2,
      entity_relationships: 1,
      seed_runs: 1,
      schedule_claims: 1,
      users: 1,
      api_tokens: 1,
      settings: 1,
    });
    expect(rows.xflow_executions).toBe(before.runs.length);
    expect(before.runs.map((r) => r.xflow)).toContain("finish_project");
    expect(rows.entities).toBe(before.entities.length);
    expect(rows.audit_log).toBe(before.audit.length);
    for (const t of r.tables) {
      expect(t.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(typeof t.ms).toBe("number");
    }
    expect(r.rebuilt).toMatchObject({ apps: 2 });
    // What the source has, made again from the models and the types' growth (store/entities/growth.ts).
    const made = (table: string) => {
      const d = new Database(db, { readonly: true });
      try {
        return d.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
      } finally {
        d.close();
      }
    };
    expect(r.rebuilt.indexes).toBe(made("entity_indexes"));
    expect(r.rebuilt.indexes).toBeGreaterThan(0);
    expect(r.rebuilt.fullText).toBeGreaterThan(0);
    expect(r.rebuilt.rollups).toBe(made("entity_rollups"));

    const copy = join(dir, "copy.db");
    expect(await dump(copy)).toEqual(before);
    const expected = await answers(db, dir);
    // The answers compared are not empty ones: both pages, the filters, the search, the run.
    expect(expected.first.data).toHaveLength(7);
    expect(expected.second.data).toHaveLength(7);
    expect(expected.done.data.length).toBeGreaterThan(0);
    expect(expected.deals.data[0].data.amount).toBe(1e21);
    expect(expected.search.data.map((c: any) => c.data.last_name)).toEqual(["O'Brien\ttab"]);
    expect(expected.runs.map((r: any) => r.xflow)).toContain("finish_project");
    expect(await answers(copy, dir)).toEqual(expected);
    // The hidden value of the removed field came along.
    expect(before.entities.some((e) => e.type === "task" && "notes" in e.data)).toBe(true);
    await idsContinue(copy, dir, before);
  }, 120_000);

  test("the text report: one row per table, and a plain line per table on stderr when it is not a terminal", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const r = await ok(["migrate-data", "--to", "t.db"], { cwd: dir });
    expect(r.stdout).toMatch(/^copied .*torque\.db to .*t\.db: \d+ row\(s\)/);
    expect(r.stdout).toMatch(/^entities\s+50\s+[0-9a-f]{16}\s+\d+\s+\d+$/m);
    expect(r.stdout).toContain("verified: every table has the same rows and checksum on both sides");
    expect(r.stderr).toContain("copied entities: 50 row(s)\n");
    expect(r.stderr).toContain("verified audit_log: ");
    expect(r.stderr).not.toContain("\r");
  }, 60_000);

  test("a target that holds data is refused in one line and left as it was", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    const other = tempDir();
    await ok(["init", ".", "--template", "crm"], { cwd: other });
    const target = join(other, "torque.db");
    await refusedAsNotEmpty(dir, target, await dump(target));
  }, 60_000);

  test("bad sources and targets: one line each, nothing made", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "blank"], { cwd: dir });
    const cases: [string[], RegExp][] = [
      [
        ["migrate-data", "--to", "postgres://torque@127.0.0.1:1/nothing"],
        /cannot connect to PostgreSQL at postgres:\/\/torque@127\.0\.0\.1:1\/nothing: connection refused/,
      ],
      [["migrate-data", "--from", "missing.db", "--to", "x.db"], /the source missing\.db does not exist/],
      [["migrate-data", "--to", "torque.db"], /same database/],
      [["migrate-data", "--to", join(dir, "no", "such", "folder.db")], /cannot open database/],
    ];
    for (const [args, message] of cases) {
      const r = await torque(args, { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, "x.db"))).toBe(false);
    const usage = await torque(["migrate-data"], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--to TARGET is required");
  }, 60_000);

  test("a source with pending schema migrations is refused, not migrated", async () => {
    const dir = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: dir });
    await ok(["migrate", "--down"], { cwd: dir });
    const r = await torque(["migrate-data", "--to", "x.db"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pending schema migrations: run `torque migrate --db .*torque\.db` first/);
    expect(existsSync(join(dir, "x.db"))).toBe(false);
    const st = await okJson<any[]>(["migrate", "--status"], { cwd: dir });
    expect(st.at(-1).applied).toBe(false);
  }, 60_000);
});

describe.if(!!pgAdminUrl())("migrate-data with PostgreSQL", () => {
  const made: string[] = [];
  const fresh = async () => {
    const url = await freshPgDatabase();
    made.push(url);
    return url;
  };
  afterAll(async () => {
    for (const url of made) await dropPgDatabase(url);
  });

  test("SQLite → PostgreSQL → SQLite: the same rows, pages and searches each way, and ids go on after the source's", async () => {
    const dir = tempDir();
    const { db } = await makeProject(dir);
    const before = await dump(db);
    const expected = await answers(db, dir);

    const pg = await fresh();
    const there = await okJson(["migrate-data", "--from", db, "--to", pg], { cwd: dir });
    expect(there.to).toBe(pg);
    expect(await dump(pg)).toEqual(before);
    expect(await answers(pg, dir)).toEqual(expected);

    const back = join(dir, "back.db");
    const home = await okJson(["migrate-data", "--from", pg, "--to", back], { cwd: dir });
    // The checksums are the same ones, computed on three databases.
    expect(home.tables.map((t: any) => [t.table, t.rows, t.checksum])).toEqual(there.tables.map((t: any) => [t.table, t.rows, t.checksum]));
    expect(await dump(back)).toEqual(before);
    expect(await answers(back, dir)).toEqual(expected);
    // SQLite keeps the compact JSON Torque writes, not jsonb's spelling.
    const raw = readFileSync(back).toString("latin1");
    expect(raw).not.toContain('{"name": ');

    await idsContinue(pg, dir, before);
    await idsContinue(back, dir, before);
  }, 180_000);

  test("PostgreSQL → PostgreSQL, and a PostgreSQL target that holds data is refused and left as it was", async () => {
    const dir = tempDir();
    const a = await fresh();
    await ok(["init", ".", "--template", "crm", "--db", a], { cwd: dir });
    const b = await fresh();
    await okJson(["migrate-data", "--to", b], { cwd: dir });
    const source = await dump(a);
    expect(await dump(b)).toEqual(source);

    const other = tempDir();
    await ok(["init", ".", "--template", "todo"], { cwd: other });
    await refusedAsNotEmpty(other, b, source);
  }, 120_000);

  test("`torque backup FILE` of a PostgreSQL project writes a SQLite file that Torque reads", async () => {
    const dir = tempDir();
    const pg = await fresh();
    await ok(["init", ".", "--template", "todo", "--db", pg], { cwd: dir });
    await ok(["entity", "create", "todo", "project", "--data", '{"name":"Backed up"}'], { cwd: dir });
    const r = await okJson(["backup", "out.db"], { cwd: dir });
    expect(r).toMatchObject({ database: pg, backup: "out.db" });
    expect(r.tables.find((t: any) => t.table === "entities").rows).toBe(51);
    expect(await okJson(["--db", "out.db", "app", "list"], { cwd: dir })).toEqual(await okJson(["app", "list"], { cwd: dir }));
    expect(await dump(join(dir, "out.db"))).toEqual(await dump(pg));
    // Refused, as on SQLite, when the file exists.
    const again = await torque(["backup", "out.db"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/out\.db already exists/);
  }, 120_000);
});

// An `app seed` killed half-way (SIGKILL, real processes): the next open of the database
// gives the type the seed took past the growth line its indexes (a seed builds them when
// a type's load ends: src/store/entities/growth.ts) and fills the full-text entries it
// deferred, the data is whole batches of valid records, and running the same seed again
// finishes it. (Indexes a load dropped and did not rebuild: src/store/entities/indexes.test.ts.)
import { expect, test } from "bun:test";
import { join } from "node:path";
import { GROWTH } from "../../src/store/entities/growth";
import { entityCounts, ok, spawnTorque, tempDir, withDb } from "../helpers/cli";

const BATCH = 20_000,
  COUNT = 100_000,
  SAMPLE = 25; // the todo template brings 25 of each

const indexState = (db: string) =>
  withDb(db, (d) => {
    const recorded = d.query<{ name: string; pending: number }, []>("SELECT name, pending FROM entity_indexes ORDER BY name").all();
    const built = new Set(
      d
        .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'index'")
        .all()
        .map((r) => r.name),
    );
    return {
      names: recorded.map((r) => r.name),
      pending: recorded.filter((r) => r.pending).map((r) => r.name),
      missing: recorded.filter((r) => !built.has(r.name)).map((r) => r.name),
    };
  });

/** The types that have grown their own indexes. */
const grown = (db: string) =>
  withDb(db, (d) =>
    d
      .query<{ type: string }, []>("SELECT type FROM entity_grown_types ORDER BY type")
      .all()
      .map((r) => r.type),
  );

/** Each full-text table of the app: pending or not, entries in its id map beside the type's rows. */
const ftsState = (db: string) =>
  withDb(db, (d) =>
    d
      .query<{ type: string; name: string; pending: number }, []>("SELECT type, name, pending FROM entity_fts WHERE type <> '' ORDER BY type")
      .all()
      .map((t) => ({
        type: t.type,
        pending: t.pending,
        entries: d.query<{ n: number }, []>(`SELECT count(*) AS n FROM ftsid${t.name.slice(3)}`).get()!.n,
        rows: d.query<{ n: number }, [string]>("SELECT count(*) AS n FROM entities WHERE type = ?").get(t.type)!.n,
      })),
  );
const whole = (db: string) => ftsState(db).map((t) => ({ ...t, pending: 0, entries: t.rows }));

const danglingTasks = (db: string) =>
  withDb(
    db,
    (d) =>
      d
        .query<{ n: number }, []>(
          "SELECT count(*) AS n FROM entities t WHERE t.type = 'task' AND NOT EXISTS (SELECT 1 FROM entities p WHERE p.type = 'project' AND p.id = json_extract(t.data, '$.project'))",
        )
        .get()!.n,
  );

test("SIGKILL during `app seed --count 100000`: indexes come back on the next open, the data is a resumable prefix", async () => {
  const dir = tempDir();
  await ok(["init", ".", "--template", "todo"], { cwd: dir });
  const db = join(dir, "torque.db");
  const before = indexState(db);
  expect(before.missing).toEqual([]);
  expect(grown(db)).toEqual([]); // 25 of each: no type has grown its indexes

  const seed = spawnTorque(["app", "seed", "todo", "--count", String(COUNT)], { cwd: dir });
  // Kill it while a type's full-text entries are deferred and at least one batch has committed.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const s = withDb(db, (d) => ({
      pending: d.query<{ n: number }, []>("SELECT count(*) AS n FROM entity_fts WHERE pending = 1").get()!.n,
      rows: d.query<{ n: number }, []>("SELECT count(*) AS n FROM entities").get()!.n,
    }));
    if (s.pending > 0 && s.rows >= 2 * SAMPLE + BATCH) break;
    if (Date.now() > deadline || seed.exitCode !== null) throw new Error(`the seed ended before it could be caught half-way (exit ${seed.exitCode})`);
    await Bun.sleep(20);
  }
  seed.kill("SIGKILL");
  await seed.exited;

  // What the kill left: the type being loaded past the growth line without its indexes,
  // its full-text entries deferred (its table pending, fewer entries than rows), the seed's aim recorded.
  const killed = indexState(db);
  expect(killed.pending).toEqual([]);
  expect(killed.missing).toEqual([]);
  const deferred = ftsState(db).filter((t) => t.pending);
  expect(deferred.length).toBe(1);
  expect(deferred[0]!.entries).toBeLessThan(deferred[0]!.rows);
  expect(deferred[0]!.rows).toBeGreaterThanOrEqual(GROWTH.at);
  expect(grown(db)).not.toContain(deferred[0]!.type);
  expect(withDb(db, (d) => d.query<{ n: number }, []>("SELECT count(*) AS n FROM seed_runs").get()!.n)).toBe(1);

  // Any command opens the database, and the open gives every type past the line its indexes.
  await ok(["app", "list"], { cwd: dir });
  const reopened = indexState(db);
  expect(reopened.pending).toEqual([]);
  expect(reopened.missing).toEqual([]);
  expect(grown(db)).toContain(deferred[0]!.type);
  expect(reopened.names.length).toBeGreaterThan(before.names.length);
  expect(reopened.names).toEqual(expect.arrayContaining(before.names));
  // and fills the full-text index: one entry per row, nothing pending.
  expect(ftsState(db)).toEqual(whole(db));
  expect(withDb(db, (d) => d.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()!.integrity_check)).toBe("ok");

  // Whole batches only, in dependency order (projects before the tasks that refer to them), every reference valid.
  const counts = entityCounts(db, "todo");
  const seededProjects = counts.project! - SAMPLE,
    seededTasks = counts.task! - SAMPLE;
  expect(seededProjects % BATCH === 0 || seededProjects === COUNT).toBe(true);
  expect(seededTasks % BATCH).toBe(0);
  expect(seededTasks < COUNT).toBe(true);
  if (seededTasks > 0) expect(seededProjects).toBe(COUNT);
  expect(danglingTasks(db)).toBe(0);

  // The same seed again finishes the interrupted one: exactly COUNT more of each type in all.
  const again = await ok(["app", "seed", "todo", "--count", String(COUNT), "--json"], { cwd: dir });
  expect(JSON.parse(again.stdout).created).toEqual({ project: COUNT - seededProjects, task: COUNT - seededTasks });
  expect(entityCounts(db, "todo")).toEqual({ project: SAMPLE + COUNT, task: SAMPLE + COUNT });
  expect(indexState(db)).toMatchObject({ pending: [], missing: [] });
  expect(grown(db)).toEqual(["project", "task"]);
  expect(ftsState(db)).toEqual(whole(db));
  expect(withDb(db, (d) => d.query<{ n: number }, []>("SELECT count(*) AS n FROM seed_runs").get()!.n)).toBe(0);
  expect(danglingTasks(db)).toBe(0);
  const names = withDb(
    db,
    (d) => d.query<{ n: number }, []>("SELECT count(DISTINCT json_extract(data, '$.name')) AS n FROM entities WHERE type = 'project'").get()!.n,
  );
  expect(names).toBe(SAMPLE + COUNT); // unique names stayed unique across the interruption
}, 120_000);

// The PostgreSQL driver against a real server (TORQUE_TEST_PG; part of the suite
// `npm test` runs on PostgreSQL): placeholders, start-up errors that say what to check,
// cache coherence between two drivers, lost connections survived, and a full pool that
// queues with a time limit.
import { afterAll, describe, expect, test } from "bun:test";
import { freshPgDatabase, onPostgres, pgAdminUrl } from "../../../tests/helpers/db";
import { TorqueError } from "../../lib/errors";
import { openDatabase } from "../open";
import { connectionProblem, PostgresDriver, withoutPassword } from "./driver";
import { numbered } from "./placeholders";

test("? becomes $n outside strings, quoted names, comments and dollar-quoted bodies", () => {
  expect(numbered("SELECT ? , '?', \"a?\" FROM t WHERE x = ? -- ?\n AND y = ?")).toBe("SELECT $1 , '?', \"a?\" FROM t WHERE x = $2 -- ?\n AND y = $3");
  expect(numbered("SELECT 'it''s ?', ? /* ? */, $$ ? $$, $f$ ? $f$, ?")).toBe("SELECT 'it''s ?', $1 /* ? */, $$ ? $$, $f$ ? $f$, $2");
});

test("the location shown keeps the user and leaves out the password", () => {
  expect(withoutPassword("postgres://ann:s3cret@db.example:5432/torque")).toBe("postgres://ann@db.example:5432/torque");
  expect(withoutPassword("postgres://db.example/torque")).toBe("postgres://db.example/torque");
});

test("a failed first connection is one line naming what to check", () => {
  expect(connectionProblem("postgres://h/db", { code: "ECONNREFUSED" })).toBe(
    "cannot connect to PostgreSQL at postgres://h/db: connection refused: is PostgreSQL running, and are the host and port right?",
  );
  expect(connectionProblem("postgres://h/db", { code: "28P01" })).toContain("authentication failed: check the user name and password");
  expect(connectionProblem("postgres://h/db", { code: "3D000" })).toContain("the database does not exist");
});

describe.if(onPostgres)("on a real server", () => {
  const opened: PostgresDriver[] = [];
  afterAll(async () => {
    for (const d of opened) await d.close().catch(() => {});
  }, 30_000);
  const open = async (url: string, opts: ConstructorParameters<typeof PostgresDriver>[1] = {}) => {
    const d = new PostgresDriver(url, opts);
    opened.push(d);
    await d.connect();
    return d;
  };

  test("a refused port and a missing database are refused at open with one line, no stack", async () => {
    const admin = new URL(pgAdminUrl()!);
    const refused = `postgres://postgres@127.0.0.1:1/${admin.pathname.slice(1)}`;
    for (const [url, why] of [
      [refused, "connection refused"],
      [Object.assign(new URL(admin), { pathname: "/no_such_database_here" }).toString(), "does not exist"],
    ] as const) {
      const e = await openDatabase(url).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(TorqueError);
      expect((e as Error).message).toContain(why);
      expect((e as Error).message.split("\n")).toHaveLength(1);
    }
  });

  test("a row changed through one driver is never served stale from another's cache", async () => {
    const url = await freshPgDatabase();
    const a = await open(url);
    const b = await open(url);
    await a.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
    await a.transaction((tx) => tx.run("INSERT INTO t VALUES (?, ?)", ["x", "one"]));
    // b caches the row as it reads it, under the key a will invalidate.
    const readAt = b.cache.generation;
    b.cache.set("1/x", (await b.get("SELECT v FROM t WHERE k = ?", ["x"]))!, readAt);
    let heard = 0;
    b.onExternalChange(() => heard++);
    await a.transaction(async (tx) => {
      tx.invalidate("1/x");
      await tx.run("UPDATE t SET v = ? WHERE k = ?", ["two", "x"]);
    });
    const deadline = Date.now() + 3000;
    while (b.cache.get("1/x") !== undefined && Date.now() < deadline) await Bun.sleep(10);
    expect(b.cache.get("1/x")).toBeUndefined();
    // A change of records only: b's compiled models and apps stay as they are.
    expect(heard).toBe(0);
    // A change of models or apps: b is told to look again.
    await a.transaction(async (tx) => {
      tx.definitionsChanged?.();
      await tx.run("UPDATE t SET v = ? WHERE k = ?", ["three", "x"]);
    });
    while (heard === 0 && Date.now() < deadline + 3000) await Bun.sleep(10);
    expect(heard).toBe(1);
  });

  test("a cache key with quotes, backslashes and accents reaches the other driver as it was written", async () => {
    const url = await freshPgDatabase();
    const a = await open(url);
    const b = await open(url);
    const key = `1/it's a \\ "key" é\\'`;
    b.cache.set(key, { v: 1 }, b.cache.generation);
    await a.transaction(async (tx) => {
      tx.invalidate(key);
      await tx.run("SELECT 1");
    });
    const deadline = Date.now() + 3000;
    while (b.cache.get(key) !== undefined && Date.now() < deadline) await Bun.sleep(10);
    expect(b.cache.get(key)).toBeUndefined();
  });

  test("a transaction that fails after writing leaves nothing, and gives its connection back", async () => {
    const d = await open(await freshPgDatabase(), { max: 1, waitMs: 2000 });
    await d.exec("CREATE TABLE t (k INTEGER PRIMARY KEY)");
    for (let i = 0; i < 20; i++) {
      const e = await d
        .transaction(async (tx) => {
          await tx.run("INSERT INTO t VALUES (?)", [i]);
          if (i % 2) throw new Error("changed my mind");
          await tx.run("INSERT INTO t VALUES (?)", [i]); // a duplicate key: PostgreSQL refuses it
        })
        .then(
          () => undefined,
          (x: Error) => x,
        );
      expect(e?.message).toMatch(i % 2 ? /changed my mind/ : /UNIQUE constraint failed/);
    }
    // One connection only: each failure rolled back and released it.
    await d.transaction((tx) => tx.run("INSERT INTO t VALUES (100)"));
    expect(await d.all("SELECT k FROM t")).toEqual([{ k: 100 }]);
  });

  test("connections killed under it (a restart): the request in flight fails clearly, the next ones work, notifications resume", async () => {
    const url = await freshPgDatabase();
    const a = await open(url);
    const b = await open(url);
    await a.exec("CREATE TABLE t (k INTEGER)");
    const admin = await open(pgAdminUrl()!);
    const name = new URL(url).pathname.slice(1);
    const slow = a.get("SELECT pg_sleep(5) AS x").then(
      () => "answered",
      (e: Error) => e,
    );
    await Bun.sleep(200);
    await admin.all("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", [name]);
    const outcome = await slow;
    expect(outcome).toBeInstanceOf(TorqueError);
    expect((outcome as TorqueError).code).toBe("unavailable");
    // A write transaction cut off halfway leaves nothing behind.
    const cut = a
      .transaction(async (tx) => {
        await tx.run("INSERT INTO t VALUES (7)");
        await tx.get("SELECT pg_sleep(5) AS x");
      })
      .then(
        () => "committed",
        (e: Error) => e,
      );
    await Bun.sleep(200);
    await admin.all("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", [name]);
    expect(((await cut) as TorqueError).code).toBe("unavailable");
    // Nothing half-written: a write after the loss goes through whole.
    await a.transaction((tx) => tx.run("INSERT INTO t VALUES (1)"));
    expect(await b.get<{ n: number }>("SELECT count(*) AS n FROM t")).toEqual({ n: 1 });
    // b's LISTEN connection was killed too: it listens again (and drops its whole cache
    // then, once), and hears a's changes. Two rounds in a row: the second is a notice's work.
    const dropsOnNotice = async () => {
      b.cache.set("1/k", { v: 1 }, b.cache.generation);
      await a.transaction(async (tx) => {
        tx.invalidate("1/k");
        await tx.run("INSERT INTO t VALUES (2)");
      });
      await Bun.sleep(200);
      return b.cache.get("1/k") === undefined;
    };
    const deadline = Date.now() + 10_000;
    let rounds = 0;
    while (rounds < 2 && Date.now() < deadline) rounds = (await dropsOnNotice()) ? rounds + 1 : 0;
    expect(rounds).toBe(2);
  }, 30_000);

  test("a NUL in a value bound anywhere (an id, a cursor) is the request's fault, not the server's", async () => {
    const d = await open(await freshPgDatabase());
    const e = await d.get("SELECT ?::text AS x", ["a\u0000b"]).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TorqueError);
    expect((e as TorqueError).code).toBe("bad_request");
  });

  test("a lone surrogate in a JSON value (jsonb refuses it) is the request's fault, not the server's", async () => {
    const d = await open(await freshPgDatabase());
    // Found by tests/fuzz: createEntity with {"name": "\ud800"} was an internal error (-32603).
    const e = await d.get("SELECT (?::text)::jsonb AS x", [JSON.stringify({ name: "a\ud800b" })]).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TorqueError);
    expect((e as TorqueError).code).toBe("bad_request");
    expect((e as TorqueError).message).toContain("lone UTF-16 surrogate");
    // A pair is text like any other.
    expect(await d.get("SELECT (?::text)::jsonb AS x", [JSON.stringify("\ud83d\ude00")])).toBeDefined();
  });

  test("a number PostgreSQL cannot read as a whole number (Infinity from an MCP integer argument) is the request's fault", async () => {
    const d = await open(await freshPgDatabase());
    // Found by tests/fuzz: MCP get_model {"version": 1e400} leaked 'invalid input syntax for type integer: "Infinity"'.
    for (const v of [Number.POSITIVE_INFINITY, Number.NaN, 1.5, 1e20]) {
      const e = await d.get("SELECT 1 AS x WHERE 1 = ?::integer", [v]).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(TorqueError);
      expect((e as TorqueError).code).toBe("bad_request");
      expect((e as TorqueError).message).not.toContain("syntax");
    }
  });

  test("a full pool queues requests, and one that waits too long is refused as busy", async () => {
    const d = await open(await freshPgDatabase(), { max: 1, waitMs: 300 });
    const held = d.get("SELECT pg_sleep(1.5) AS x");
    const started = Date.now();
    const refused = await d.get("SELECT 1 AS x").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TorqueError);
    expect((refused as TorqueError).message).toContain("busy");
    expect(Date.now() - started).toBeLessThan(1200);
    await held;
    // Queued within the limit: served once the connection is free.
    const queued = Promise.all([d.get("SELECT pg_sleep(0.1) AS x"), d.get<{ x: number }>("SELECT 2 AS x")]);
    expect((await queued)[1]).toEqual({ x: 2 });
  });
});

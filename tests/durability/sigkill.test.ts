// Crash safety with real processes: a `torque server` takes a stream of writes over
// JSON-RPC from several clients (creates, which the server group-commits, updates and
// deletes with expectedVersion, JSON-RPC batches, small bulkImports) and is killed with
// SIGKILL at a random moment while writes are in flight; then the database is read as the
// kill left it. Every write that was acknowledged must be there (its record, its version,
// its data, its audit entry), every acknowledged delete gone, nothing there that was never
// sent, and a write whose answer never came either whole or absent (a bulkImport: all of
// its records or none). Several rounds on one database, each starting the server again on
// what the last kill left (recovery after recovery). Then a bulk load killed half-way:
// `app import` lands whole or not at all, and on PostgreSQL (tests/cli/seed-crash.test.ts
// covers SQLite) `app seed` leaves whole batches it can finish. Runs on SQLite and on
// PostgreSQL (TORQUE_TEST_DB=postgres); on SQLite the file must also pass PRAGMA
// integrity_check. TORQUE_CRASH_SEED replays a run's op mix and kill delays (not its timing).

import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { spawnTorque } from "../helpers/cli";
import { dropPgDatabase, onPostgres, testDatabase } from "../helpers/db";
import { type Child, post, rpc, sleep, spawnServer } from "../helpers/server";
import { openStored, type Stored, writeLockProbe } from "./store";

const APP = "ledger",
  TYPE = "entry";
const STATUSES = ["new", "open", "held", "done"] as const;
const MODEL = {
  name: "Ledger",
  entities: [
    {
      name: TYPE,
      fields: [
        { name: "key", type: "text", required: true, unique: true, maxLength: 60 },
        { name: "n", type: "integer", required: true },
        { name: "status", type: "enum", values: [...STATUSES], required: true },
        { name: "body", type: "text", maxLength: 2000 },
      ],
    },
  ],
};

const ROUNDS = 4,
  CLIENTS = 6;

/** A seeded random source (mulberry32), so the seed printed by a failing run gives its op mix and kill delays again. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function makeApp(db: string, slug: string): Promise<void> {
  const s = await openServices(db);
  try {
    const m = await s.models.create(structuredClone(MODEL), systemActor);
    await s.apps.create(m.id, slug, systemActor);
  } finally {
    await s.close();
  }
}

type Data = { key: string; n: number; status: string; body: string };

/** One record as the clients know it: every state sent for it, and how far the server acknowledged. */
interface Rec {
  key: string;
  /** Known once its create was acknowledged, or once it was found stored. */
  id?: string;
  /** states[v - 1] is the data sent for version v. */
  states: Data[];
  /** The highest version acknowledged (0: the create never was). */
  acked: number;
  deleteSent: boolean;
  deleteAcked: boolean;
  /** Settled as not stored (deleted, or a create that never landed). */
  gone: boolean;
  /** A write of it was sent and not answered when the server died. */
  inFlight: boolean;
  /** Made by this bulkImport call (one transaction: its records are stored all or none). */
  group?: string;
}

interface RoundFigures {
  round: number;
  killAfterMs: number;
  /** Set when the kill is sent: a client that loses the server before that has found a problem. */
  killed?: boolean;
  /** Called at the round's first acknowledged write (the kill is timed from there). */
  firstAck?: () => void;
  acked: { creates: number; updates: number; deletes: number; batches: number; imports: number };
  inFlightAtKill: number;
  inFlightLanded: number;
  stored: number;
}

class Ledger {
  readonly recs = new Map<string, Rec>();
  readonly unexpected: string[] = [];

  /** The stored records, dealt out to the clients of the next round (each writes only its own). */
  deal(clients: number): Rec[][] {
    const hands: Rec[][] = Array.from({ length: clients }, () => []);
    let n = 0;
    for (const r of this.recs.values()) if (!r.gone) hands[n++ % clients]!.push(r);
    return hands;
  }

  /**
   * What is stored against what was sent and acknowledged; a list of problems (empty when
   * all is well). Then each record is settled to what is stored, for the next round.
   */
  async check(stored: Stored): Promise<{ problems: string[]; landed: number; count: number }> {
    const problems: string[] = [];
    const rows = await stored.rows(APP, TYPE);
    const audit = await stored.audit(APP);
    const byKey = new Map<string, (typeof rows)[number]>();
    for (const row of rows) {
      const key = String(row.data.key);
      if (byKey.has(key)) problems.push(`two records with key ${key}`);
      byKey.set(key, row);
      const rec = this.recs.get(key);
      if (!rec) {
        problems.push(`record ${row.id} (key ${key}) was never sent`);
        continue;
      }
      if (rec.gone) problems.push(`record ${key} is back after it was settled as gone`);
      if (rec.id && rec.id !== row.id) problems.push(`record ${key} has id ${row.id}, acknowledged as ${rec.id}`);
      if (rec.deleteAcked) problems.push(`record ${key} is stored, but its delete was acknowledged`);
      if (row.version < rec.acked) problems.push(`record ${key} is at version ${row.version}, but version ${rec.acked} was acknowledged (a lost update)`);
      if (row.version > rec.states.length) problems.push(`record ${key} is at version ${row.version}, beyond anything sent (${rec.states.length})`);
      else if (!Bun.deepEquals(row.data, rec.states[row.version - 1]))
        problems.push(`record ${key} v${row.version} holds ${JSON.stringify(row.data)}, not what was sent for that version`);
    }
    // (An unanswered delete may have landed: then the record is gone, and its delete audited below.)
    for (const rec of this.recs.values())
      if (!rec.gone && rec.acked > 0 && !rec.deleteSent && !byKey.has(rec.key))
        problems.push(`record ${rec.key} (${rec.id}) was acknowledged but is not stored (a lost create)`);

    // A bulkImport unanswered at the kill: all of its records or none.
    const groups = new Map<string, Rec[]>();
    for (const rec of this.recs.values())
      if (rec.group && rec.acked === 0 && !rec.gone) (groups.get(rec.group) ?? groups.set(rec.group, []).get(rec.group)!).push(rec);
    for (const [g, members] of groups) {
      const there = members.filter((m) => byKey.has(m.key)).length;
      if (there !== 0 && there !== members.length) problems.push(`bulkImport ${g} is stored in part: ${there} of ${members.length} records`);
    }

    // The audit log is written in the same transaction as each change: an entry for every
    // acknowledged change, and for every change that is stored.
    const entries = new Map<string, { action: string; after: unknown }[]>();
    for (const a of audit) if (a.entityId) (entries.get(a.entityId) ?? entries.set(a.entityId, []).get(a.entityId)!).push(a);
    const has = (id: string, action: string, after?: unknown) =>
      (entries.get(id) ?? []).some((e) => e.action === action && (after === undefined || Bun.deepEquals(e.after, after)));
    for (const rec of this.recs.values()) {
      const row = byKey.get(rec.key);
      const id = row?.id ?? rec.id;
      if (!id) continue;
      const upTo = Math.max(rec.acked, row?.version ?? 0);
      if (upTo >= 1 && !has(id, "entity.create", rec.states[0])) problems.push(`no audit entry for the create of ${rec.key}`);
      for (let v = 2; v <= upTo; v++) if (!has(id, "entity.update", rec.states[v - 1])) problems.push(`no audit entry for version ${v} of ${rec.key}`);
      if ((rec.deleteAcked || (rec.deleteSent && !row)) && !has(id, "entity.delete")) problems.push(`no audit entry for the delete of ${rec.key}`);
    }
    // …and no audited create without its record, unless its delete is audited too.
    for (const a of audit) {
      if (a.action !== "entity.create" || !a.entityId) continue;
      const key = String((a.after as Data | undefined)?.key);
      if (!this.recs.has(key)) problems.push(`an audit entry creates ${a.entityId} (key ${key}), which was never sent`);
      else if (!byKey.has(key) && !has(a.entityId, "entity.delete")) problems.push(`the create of ${key} is audited, but it is neither stored nor deleted`);
    }

    // Bookkeeping kept beside the rows in the same transactions.
    const kept = await stored.keptCount(APP, TYPE);
    if (kept !== rows.length) problems.push(`entity_counts says ${kept} records, ${rows.length} are stored`);
    if (stored.sqlite) {
      const integrity = stored.sqlite.integrity();
      if (integrity !== "ok") problems.push(`PRAGMA integrity_check: ${integrity}`);
      const fts = stored.sqlite.ftsEntries(APP, TYPE);
      if (fts !== undefined && fts !== rows.length) problems.push(`the full-text index maps ${fts} records, ${rows.length} are stored`);
    }

    // Settle every record to what is stored: the next round goes on from there.
    let landed = 0;
    for (const rec of this.recs.values()) {
      if (rec.gone) continue;
      const row = byKey.get(rec.key);
      if (rec.inFlight && (row ? row.version > rec.acked : rec.deleteSent && rec.acked > 0)) landed++;
      rec.inFlight = false;
      if (!row) {
        rec.gone = true;
        continue;
      }
      rec.id = row.id;
      rec.acked = row.version;
      rec.states.length = row.version;
      rec.deleteSent = false;
    }
    return { problems, landed, count: rows.length };
  }
}

/**
 * Drive writes from one client until the server stops answering; counts what was
 * acknowledged. `mine` are the stored records this client may update and delete; one
 * write at a time, so at most one of its writes is unanswered when the server dies.
 */
async function client(url: string, c: number, round: number, mine: Rec[], ledger: Ledger, random: () => number, figures: RoundFigures): Promise<void> {
  let seq = 0,
    rpcId = 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const body = (key: string) => `${key} ${"abcdefghij".repeat(1 + Math.floor(random() * 60)).slice(0, 10 + Math.floor(random() * 500))}`;
  const newRec = (group?: string): Rec => {
    const key = `r${round}c${c}n${++seq}`;
    const rec: Rec = {
      key,
      states: [{ key, n: 1, status: pick(STATUSES), body: body(key) }],
      acked: 0,
      deleteSent: false,
      deleteAcked: false,
      gone: false,
      inFlight: true,
      ...(group && { group }),
    };
    ledger.recs.set(key, rec);
    return rec;
  };
  const createCall = (rec: Rec) => ({ jsonrpc: "2.0", id: ++rpcId, method: "createEntity", params: { app: APP, entity: TYPE, data: rec.states[0] } });
  const updateCall = (rec: Rec) => {
    rec.inFlight = true;
    const v = rec.acked;
    const patch = { n: v + 1, status: pick(STATUSES), body: body(rec.key) };
    rec.states.push({ ...rec.states[v - 1]!, ...patch });
    return { jsonrpc: "2.0", id: ++rpcId, method: "updateEntity", params: { app: APP, entity: TYPE, id: rec.id, data: patch, expectedVersion: v } };
  };
  // What an answer acknowledges.
  const ack = (rec: Rec, kind: "create" | "update" | "delete", reply: any, counted = true) => {
    if (!reply || reply.error || reply.result === undefined) {
      ledger.unexpected.push(`${kind} of ${rec.key}: ${JSON.stringify(reply)}`);
      return;
    }
    rec.inFlight = false;
    figures.firstAck?.();
    if (kind === "delete") {
      rec.deleteAcked = true;
      figures.acked.deletes++;
      return;
    }
    const r = reply.result;
    const want = kind === "create" ? 1 : rec.acked + 1;
    if (r.version !== want || !Bun.deepEquals(r.data, rec.states[want - 1]))
      ledger.unexpected.push(`${kind} of ${rec.key} answered ${JSON.stringify(r)}, expected version ${want}`);
    if (kind === "create") {
      rec.id = r.id;
      mine.push(rec);
    }
    rec.acked = want;
    if (counted) figures.acked[kind === "create" ? "creates" : "updates"]++;
  };
  const send = async (body: unknown): Promise<any> => {
    const res = await post(url, JSON.stringify(body));
    if (res.status !== 200 || res.json === undefined) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
    return res.json;
  };

  for (;;) {
    const x = random();
    try {
      if (x < 0.62 || mine.length < 3) {
        const rec = newRec();
        ack(rec, "create", await send(createCall(rec)));
      } else if (x < 0.8) {
        const rec = pick(mine);
        ack(rec, "update", await send(updateCall(rec)));
      } else if (x < 0.9) {
        const at = Math.floor(random() * mine.length);
        const rec = mine[at]!;
        mine[at] = mine.at(-1)!;
        mine.pop();
        rec.inFlight = rec.deleteSent = true;
        ack(
          rec,
          "delete",
          await send({ jsonrpc: "2.0", id: ++rpcId, method: "deleteEntity", params: { app: APP, entity: TYPE, id: rec.id, expectedVersion: rec.acked } }),
        );
      } else if (x < 0.95) {
        // One JSON-RPC batch: three creates and an update, answered together.
        const made = [newRec(), newRec(), newRec()];
        const upd = pick(mine);
        const calls = [...made.map(createCall), updateCall(upd)];
        const replies = (await send(calls)) as any[];
        const byId = new Map(Array.isArray(replies) ? replies.map((r) => [r.id, r]) : []);
        made.forEach((rec, i) => ack(rec, "create", byId.get(calls[i]!.id)));
        ack(upd, "update", byId.get(calls[3]!.id));
        figures.acked.batches++;
      } else {
        // A bulkImport of 25 records: one transaction, all or nothing.
        const group = `r${round}c${c}i${seq}`;
        const made = Array.from({ length: 25 }, () => newRec(group));
        const reply = await send({
          jsonrpc: "2.0",
          id: ++rpcId,
          method: "bulkImport",
          params: { app: APP, entity: TYPE, format: "json", data: made.map((r) => r.states[0]) },
        });
        const ids: unknown = reply?.result?.ids;
        if (!Array.isArray(ids) || ids.length !== made.length) ledger.unexpected.push(`bulkImport ${group}: ${JSON.stringify(reply).slice(0, 300)}`);
        else {
          made.forEach((rec, i) => ack(rec, "create", { result: { id: ids[i], version: 1, data: rec.states[0] } }, false));
          figures.acked.imports++;
        }
      }
    } catch (e) {
      // The server is gone: what was in flight stays unacknowledged.
      if (!figures.killed) ledger.unexpected.push(`client ${c} lost the server before the kill: ${(e as Error).message}`);
      return;
    }
  }
}

describe("SIGKILL while writes are in flight", () => {
  let dir: string, db: string;
  const seed = Number(process.env.TORQUE_CRASH_SEED ?? Date.now() % 1_000_000);
  const random = rng(seed);
  const ledger = new Ledger();
  const figures: RoundFigures[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "torque-kill-"));
    db = await testDatabase(dir, "t.db");
    await makeApp(db, APP);
  });
  afterAll(async () => {
    const writes = (f: RoundFigures) => f.acked.creates + f.acked.updates + f.acked.deletes + 25 * f.acked.imports;
    console.log(
      `sigkill (seed ${seed}, ${onPostgres ? "PostgreSQL" : "SQLite"}): ${figures.reduce((s, f) => s + writes(f), 0)} acknowledged writes in ${figures.length} rounds, each ended by SIGKILL\n${figures
        .map((f) => `${JSON.stringify({ ...f, killed: undefined })} = ${writes(f)} acknowledged`)
        .join("\n")}`,
    );
    if (onPostgres) await dropPgDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${ROUNDS} rounds of writes from ${CLIENTS} clients, each ended by SIGKILL: nothing acknowledged is lost, nothing torn`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // The server opens what the last kill left (recovery), and the writers go on from there.
      const child = await spawnServer(db, ["--quiet"]);
      const hands = ledger.deal(CLIENTS);
      const f: RoundFigures = {
        round,
        killAfterMs: 300 + Math.floor(random() * 900),
        acked: { creates: 0, updates: 0, deletes: 0, batches: 0, imports: 0 },
        inFlightAtKill: 0,
        inFlightLanded: 0,
        stored: 0,
      };
      figures.push(f);
      // The kill is timed from the first acknowledged write: a server slow to warm up on a
      // loaded machine must not be killed before it took any.
      const warm = new Promise<void>((resolve) => (f.firstAck = resolve));
      const clients = Array.from({ length: CLIENTS }, (_, c) => client(child.url, c, round, hands[c]!, ledger, rng(seed * 31 + round * 7 + c), f));
      await Promise.race([warm, sleep(20_000)]);
      await sleep(f.killAfterMs);
      f.killed = true;
      child.proc.kill(9);
      await child.proc.exited;
      await Promise.all(clients);
      f.inFlightAtKill = [...ledger.recs.values()].filter((r) => r.inFlight).length;
      if (child.proc.signalCode !== "SIGKILL") throw new Error(`the server ended before the kill (exit ${child.proc.exitCode}): ${child.err()}`);
      expect(ledger.unexpected).toEqual([]);

      const stored = await openStored(db);
      let result: Awaited<ReturnType<Ledger["check"]>>;
      try {
        result = await ledger.check(stored);
      } finally {
        await stored.close();
      }
      f.inFlightLanded = result.landed;
      f.stored = result.count;
      expect(result.problems).toEqual([]);
      // The round did what it is for: writes were acknowledged, and some were cut off by the kill.
      expect(f.acked.creates + f.acked.updates + f.acked.deletes + f.acked.imports).toBeGreaterThan(0);
      expect(f.inFlightAtKill).toBeGreaterThan(0);
    }
    expect(figures.reduce((s, f) => s + f.acked.creates, 0)).toBeGreaterThan(50);
    expect(figures.reduce((s, f) => s + f.acked.updates, 0)).toBeGreaterThan(0);
    expect(figures.reduce((s, f) => s + f.acked.deletes, 0)).toBeGreaterThan(0);
    expect(figures.reduce((s, f) => s + f.acked.batches, 0)).toBeGreaterThan(0);
    expect(figures.reduce((s, f) => s + f.acked.imports, 0)).toBeGreaterThan(0);

    // After the last kill the server opens it once more and serves exactly what is stored:
    // totals and the rollups' counts by status (kept by triggers in the same transactions)
    // agree with the records, and it takes writes; a clean stop leaves a sound file.
    const child: Child = await spawnServer(db, ["--quiet"]);
    try {
      const live = [...ledger.recs.values()].filter((r) => !r.gone);
      const page = await rpc(child.url, "queryEntities", { app: APP, entity: TYPE, limit: 1, total: true });
      expect(page.pagination.total).toBe(live.length);
      const byStatus = await rpc(child.url, "aggregateEntities", {
        app: APP,
        entity: TYPE,
        groupBy: "status",
        aggregates: [{ op: "count" }, { op: "sum", field: "n" }],
      });
      const want = new Map<string, [number, number]>();
      for (const r of live) {
        const d = r.states.at(-1)!;
        const w = want.get(d.status) ?? [0, 0];
        want.set(d.status, [w[0] + 1, w[1] + d.n]);
      }
      expect(Object.fromEntries(byStatus.groups.map((g: any) => [g.key, g.values]))).toEqual(Object.fromEntries(want));
      const some = live[0]!;
      expect((await rpc(child.url, "getEntity", { app: APP, entity: TYPE, id: some.id })).data).toEqual(some.states.at(-1));
      const made = await rpc(child.url, "createEntity", { app: APP, entity: TYPE, data: { key: "after-all", n: 1, status: "new" } });
      expect((await rpc(child.url, "updateEntity", { app: APP, entity: TYPE, id: made.id, data: { n: 2 }, expectedVersion: 1 })).version).toBe(2);
    } finally {
      child.proc.kill("SIGTERM");
      await child.proc.exited;
    }
    expect(child.proc.exitCode).toBe(0);
    if (!onPostgres) {
      const d = new Database(db, { readonly: true });
      expect(d.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()!.integrity_check).toBe("ok");
      d.close();
    }
  }, 60_000);
});

/** An app export (the format `app import` reads) of n new records of the ledger model, keys `prefix-i`. */
async function exportFile(dir: string, prefix: string, n: number): Promise<string> {
  const entities = Array.from({ length: n }, (_, i) => ({
    id: Bun.randomUUIDv7(),
    entity: TYPE,
    data: { key: `${prefix}-${i}`, n: i, status: STATUSES[i % STATUSES.length], body: `${prefix} record ${i} ${"xyz".repeat(i % 40)}` },
  }));
  const file = join(dir, `${prefix}.json`);
  await Bun.write(file, JSON.stringify({ format: "torque-app", model: MODEL, entities }));
  return file;
}

/** Rows of an app and what the same transactions kept beside them: audit entries, counts, and on SQLite the file's soundness. */
async function bulkState(db: string, slug: string) {
  const stored = await openStored(db);
  try {
    const rows = await stored.rows(slug, TYPE);
    const audit = await stored.audit(slug);
    return {
      apps: await stored.apps(),
      rows: rows.length,
      kept: await stored.keptCount(slug, TYPE),
      auditedCreates: audit.filter((a) => a.action === "entity.create").length,
      seededInAudit: audit.filter((a) => a.action === "entity.bulkCreate").reduce((s, a) => s + Number((a.after as { count: number }).count), 0),
      integrity: stored.sqlite?.integrity() ?? "ok",
      ftsEntries: stored.sqlite?.ftsEntries(slug, TYPE) ?? rows.length,
    };
  } finally {
    await stored.close();
  }
}

describe("SIGKILL during a bulk load", () => {
  let dir: string, db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "torque-killbulk-"));
    db = await testDatabase(dir, "t.db");
    await makeApp(db, "bulk");
  });
  afterAll(async () => {
    if (onPostgres) await dropPgDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Start `app import SLUG FILE` and kill it once it is inside the write transaction of its
   * records: the write lock held, and (into a new app) the app it makes first committed.
   */
  async function killImport(slug: string, file: string): Promise<{ killedInside: boolean }> {
    const probe = await writeLockProbe(db);
    const look = await openStored(db);
    const proc = spawnTorque(["app", "import", slug, file, "--db", db], { cwd: dir });
    let inside = false;
    try {
      const deadline = Date.now() + 20_000;
      const ready = async () => slug === "bulk" || (await look.apps()).includes(slug);
      while (proc.exitCode === null && Date.now() < deadline && !(inside = (await ready()) && (await probe.held()))) await sleep(2);
    } finally {
      await probe.close();
      await look.close();
    }
    await sleep(Math.random() * 30);
    proc.kill(9);
    await proc.exited;
    if (proc.exitCode !== null && proc.exitCode !== 0) throw new Error(`app import failed: ${await new Response(proc.stderr).text()}`);
    return { killedInside: inside && proc.signalCode === "SIGKILL" };
  }

  const N = 6000;

  test(`\`app import\` of ${N} records killed inside its transaction: all or nothing, and the same import again completes it`, async () => {
    const outcomes: string[] = [];
    // Into an existing app, then into a new app the import makes from the file's model.
    for (const slug of ["bulk", "fresh"]) {
      let midway = 0;
      for (let attempt = 0; attempt < 3 && !midway; attempt++) {
        const file = await exportFile(dir, `${slug}${attempt}`, N);
        const before = await bulkState(db, slug);
        const { killedInside } = await killImport(slug, file);
        const after = await bulkState(db, slug);
        const added = after.rows - before.rows;
        outcomes.push(
          `${slug} #${attempt}: ${killedInside ? "killed inside its transaction" : "not caught inside"}, ${added} of ${N} stored${
            slug === "fresh" && !added && after.apps.includes(slug) ? " (the app it made first is left, empty)" : ""
          }`,
        );
        expect([0, N]).toContain(added);
        expect(after.integrity).toBe("ok");
        expect(after.kept).toBe(after.rows);
        expect(after.auditedCreates).toBe(after.rows);
        expect(after.ftsEntries).toBe(after.rows);
        if (added) continue;
        if (killedInside) midway++;
        // Nothing of it is stored, nor anything that would refuse it: the same import again completes it.
        const again = await spawnTorque(["app", "import", slug, file, "--db", db], { cwd: dir });
        expect(await again.exited).toBe(0);
        const done = await bulkState(db, slug);
        expect(done.rows - before.rows).toBe(N);
        expect(done.auditedCreates).toBe(done.rows);
        expect(done.integrity).toBe("ok");
      }
      expect(midway, outcomes.join("\n")).toBe(1);
    }
    console.log(`app import (${onPostgres ? "PostgreSQL" : "SQLite"}):\n${outcomes.join("\n")}`);
  }, 60_000);

  // SQLite's case (with indexes dropped during the load) is tests/cli/seed-crash.test.ts.
  test.if(onPostgres)(
    "`app seed` killed between batches on PostgreSQL: whole batches stored, and the same seed finishes it",
    async () => {
      const COUNT = 30_000,
        BATCH = 20_000;
      await makeApp(db, "seeded");
      const seed = spawnTorque(["app", "seed", "seeded", "--count", String(COUNT), "--db", db], { cwd: dir });
      // Killed once its first batch is committed: the second is on its way.
      const look = await openStored(db);
      try {
        const deadline = Date.now() + 30_000;
        while (seed.exitCode === null && Date.now() < deadline && (await look.keptCount("seeded", TYPE)) < BATCH) await sleep(20);
      } finally {
        await look.close();
      }
      seed.kill(9);
      await seed.exited;
      expect(seed.signalCode).toBe("SIGKILL");
      const killed = await bulkState(db, "seeded");
      expect([BATCH, COUNT]).toContain(killed.rows);
      expect(killed.kept).toBe(killed.rows);
      expect(killed.seededInAudit).toBe(killed.rows); // one summary entry per batch, in the batch's transaction
      console.log(`app seed (PostgreSQL): killed with ${killed.rows} of ${COUNT} stored`);
      const again = spawnTorque(["app", "seed", "seeded", "--count", String(COUNT), "--db", db, "--json"], { cwd: dir });
      const [out, code] = await Promise.all([new Response(again.stdout).text(), again.exited]);
      expect(code).toBe(0);
      expect(JSON.parse(out).created).toEqual({ [TYPE]: COUNT - killed.rows });
      const done = await bulkState(db, "seeded");
      expect(done.rows).toBe(COUNT);
      expect(done.seededInAudit).toBe(COUNT);
    },
    60_000,
  );
});

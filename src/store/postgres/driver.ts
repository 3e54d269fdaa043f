// PostgreSQL driver on the `postgres` package, loaded only when a postgres:// URL is
// given (store/open.ts imports this file dynamically). Several Torque servers may share
// one database, so what the SQLite driver gets from being the only writer is made
// explicit here:
// - write transactions are serialised across every server by one advisory lock taken at
//   their start (the store's read-then-write checks rely on it, as on SQLite);
// - a write transaction that changed something other servers hold announces it with
//   NOTIFY in the same transaction (sent only if it commits): the other servers drop the
//   rows it changed from their caches and, when it changed models or apps, refresh what
//   they compiled from them (onExternalChange).
import postgres from "postgres";
import { TorqueError } from "../../lib/errors";
import { CachingDriver } from "../cache";
import { type Dialect, postgresDialect, postgresTrigramDialect } from "../dialect";
import { type Driver, MAX_BROADCAST, type Param, type Queryable, type Row } from "../driver";
import { numbered } from "./placeholders";

/** The advisory lock key every write transaction holds (any constant: it names Torque's writer). */
const WRITE_LOCK = 7_406_117_210;
const CHANNEL = "torque_changes";
/** Messages between servers (broadcast): the services' change events. */
const EVENTS = "torque_events";
/** NOTIFY payloads are limited to 8,000 bytes: past this many keys, "everything changed". */
const MAX_NOTIFIED_KEYS = 100;
const MAX_NOTIFIED_BYTES = 7_000;

type Sql = postgres.Sql<Record<string, never>>;
type Tx = postgres.TransactionSql<Record<string, never>>;

/** Numbers come back as numbers (counts are bigint, averages numeric), JSON as its text, as from SQLite. */
const types = {
  bigint: { to: 20, from: [20, 1700], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
  jsonText: { to: 3802, from: [114, 3802], serialize: (x: unknown) => String(x), parse: (x: string) => x },
};

const bind = (params: Param[] | undefined): postgres.ParameterOrJSON<never>[] =>
  (params ?? []).map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : typeof p === "bigint" ? p.toString() : p)) as never[];

/**
 * PostgreSQL's errors in the words the store already reads (SQLite's), so one reading of
 * a constraint failure serves both: a unique violation names its index (the index on
 * `entities` the model made, not the partition's copy that PostgreSQL names).
 */
async function normalised(
  e: unknown,
  parentIndex: (name: string) => Promise<string>,
  indexFields: (name: string) => Promise<{ type: string; fields: string[] } | undefined>,
): Promise<unknown> {
  const pe = e as { code?: string; constraint_name?: string; message?: string };
  // A value too long for an index entry (about 2.7 KB after compression; SQLite has no such
  // limit): the record's fault, named by field where the index is known.
  if (pe?.code === "54000" && /index row/.test(pe.message ?? "")) {
    const name = /for index "([^"]+)"/.exec(pe.message ?? "")?.[1];
    const ix = name ? await indexFields(await parentIndex(name).catch(() => name)).catch(() => undefined) : undefined;
    const what = ix?.fields.length ? `${ix.fields.join(", ")} of ${ix.type}` : "a field";
    const message = `${what}: a value too long for PostgreSQL to index (an index entry holds about 2,700 bytes after compression); use longtext for long text, or mark the field indexed: false`;
    return new TorqueError("validation", `invalid data: ${message}`, [{ ...(ix?.fields[0] && { field: ix.fields[0] }), rule: "indexedLength", message }]);
  }
  if (pe?.code === "23505") {
    const name = pe.constraint_name ?? "";
    if (/^entities(_p\d+)?_pkey$/.test(name)) return new Error("UNIQUE constraint failed: entities.id");
    return new Error(`UNIQUE constraint failed: index '${name.startsWith("entities_p") ? await parentIndex(name).catch(() => name) : name}'`);
  }
  // Text PostgreSQL cannot hold (a NUL in an id or a cursor): the request is at fault.
  if (pe?.code === "22021" || pe?.code === "22P05")
    return new TorqueError("bad_request", "a value holds the NUL character (\\u0000), which PostgreSQL cannot store or match");
  // A lone UTF-16 surrogate in a value ("\ud800" without its pair: JavaScript text may hold
  // one, Unicode text may not), which jsonb refuses: the request is at fault too.
  if (pe?.code === "22P02" && /type json/.test(pe.message ?? "") && /surrogate/i.test((pe as { detail?: string }).detail ?? ""))
    return new TorqueError(
      "bad_request",
      "a value holds a lone UTF-16 surrogate (one of \\ud800–\\udfff without its pair), which is not Unicode text; PostgreSQL cannot store it",
    );
  // A number bound where PostgreSQL keeps a whole number (a version, a count) that it cannot
  // read as one: Infinity, NaN, a fraction, or one past its range. Only a value from the
  // request can be such a number, and PostgreSQL's own sentence is not the client's business.
  if (
    (pe?.code === "22P02" && /^invalid input syntax for type (integer|bigint|smallint):/.test(pe.message ?? "")) ||
    (pe?.code === "22003" && /out of range for type (integer|bigint|smallint)/.test(pe.message ?? ""))
  )
    return new TorqueError("bad_request", "a number is not a whole number the database can hold (Infinity, NaN, a fraction, or one too large)");
  if (["57P01", "57P02", "57P03", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "ECONNREFUSED", "ECONNRESET"].includes(pe?.code ?? ""))
    return new TorqueError("unavailable", "the database connection was lost; try again");
  return e;
}

export class PostgresDriver extends CachingDriver implements Driver {
  /** Set at connect: with trigram indexes where pg_trgm is installed (migration 9). */
  dialect: Dialect = postgresDialect;
  readonly location: string;
  private readonly sql: Sql;
  /** This driver among all that listen: its own notifications are not news to it. */
  private readonly instance = crypto.randomUUID();
  private listening?: Promise<unknown>;
  /** Local queue: a transaction waits here rather than holding a pooled connection while it waits for the lock. */
  private lock: Promise<unknown> = Promise.resolve();

  /** Connections this driver uses at most (reads and its one write transaction; LISTEN has its own). */
  private readonly max: number;
  /** How long a request waits for a free connection before it is refused as busy. */
  private readonly waitMs: number;
  private inUse = 0;
  private waiting: (() => void)[] = [];

  constructor(url: string, opts: { cacheRows?: number; max?: number; waitMs?: number } = {}) {
    super(opts.cacheRows);
    this.location = withoutPassword(url);
    this.max = opts.max ?? 10;
    this.waitMs = opts.waitMs ?? 30_000;
    this.sql = postgres(url, {
      // One more than the gate lets through: the lookup of a partition's index name after a failure.
      max: this.max + 1,
      connect_timeout: 10,
      idle_timeout: 60,
      onnotice: () => {},
      types,
      // A page costs the planner a fifth of its default: a Torque database's working set is
      // in memory (shared buffers and the kernel's cache), where reading a page costs little
      // beside reading a JSON row's fields, and an index read no more than a sequential one.
      // At the default costs a page filtered by three customers walked 22,000 rows in
      // the sort's order (28 ms) rather than read their 2,500 through their index (6 ms).
      connection: { application_name: "torque", random_page_cost: "0.2", seq_page_cost: "0.2" },
    }) as unknown as Sql;
  }

  /** Connect once and start listening: a bad URL, password or refused connection fails here, at start-up. */
  async connect(): Promise<void> {
    await this.sql.unsafe("SELECT 1"); // not normalised: connectionProblem reads the cause
    // LISTEN is set up again after a lost connection: what other servers changed meanwhile
    // is unknown, so everything cached is dropped and the listeners told.
    let listens = 0;
    const relistened = () => {
      if (++listens <= 1) return;
      this.cache.clear();
      this.changedElsewhere();
    };
    this.listening = Promise.all([
      this.sql.listen(CHANNEL, (payload) => this.heard(payload), relistened),
      this.sql.listen(EVENTS, (payload) => this.message(payload)),
    ]);
    await this.listening;
    await this.chooseDialect();
  }

  /**
   * Trigram indexes where the extension is there (after migrations: open.ts asks again
   * then); statistics on expressions from PostgreSQL 14.
   */
  async chooseDialect(): Promise<void> {
    const [r] = await this.sql.unsafe(
      "SELECT EXISTS (SELECT 1 FROM pg_opclass WHERE opcname = 'gin_trgm_ops') AS trgm, current_setting('server_version_num')::int >= 140000 AS stats",
    );
    const base = r?.trgm ? postgresTrigramDialect : postgresDialect;
    this.dialect = r?.stats ? { ...base, expressionStatistics: true } : base;
  }

  private broadcastListeners = new Set<(message: string) => void>();
  private outbox: string[] = [];

  onBroadcast(fn: (message: string) => void): () => void {
    this.broadcastListeners.add(fn);
    return () => this.broadcastListeners.delete(fn);
  }

  /** Queued and sent on the next turn, packed several to a NOTIFY, all NOTIFYs in one statement. */
  broadcast(message: string): void {
    // Measured as packed (a message is a JSON string inside the NOTIFY's JSON: quotes and backslashes double).
    if (Buffer.byteLength(JSON.stringify(message)) > MAX_BROADCAST) throw new Error(`a broadcast holds at most ${MAX_BROADCAST} bytes`);
    if (this.closed) return;
    this.outbox.push(message);
    if (this.outbox.length === 1) setImmediate(() => void this.flush().catch((e) => console.error(`torque: broadcast: ${(e as Error).message}`)));
  }

  private sending: Promise<unknown> = Promise.resolve();
  private closed = false;
  private flush(): Promise<unknown> {
    const messages = this.outbox.splice(0);
    if (!messages.length) return this.sending;
    const payloads: string[] = [];
    let batch: string[] = [];
    let size = 0;
    const seal = () => {
      if (batch.length) payloads.push(JSON.stringify({ from: this.instance, m: batch }));
      batch = [];
      size = 0;
    };
    for (const m of messages) {
      const n = Buffer.byteLength(JSON.stringify(m));
      if (size + n > MAX_BROADCAST) seal();
      batch.push(m);
      size += n + 1;
    }
    seal();
    // In order: one statement after another on the pool would not keep it.
    // A failed send (a lost connection) loses its messages, not every later one.
    this.sending = this.sending
      .catch(() => {})
      .then(() => this.sql.unsafe("SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n", [EVENTS, payloads as never]));
    return this.sending;
  }

  private message(payload: string) {
    let note: { from?: string; m?: unknown };
    try {
      note = JSON.parse(payload);
    } catch {
      return;
    }
    if (note.from === this.instance || !Array.isArray(note.m)) return;
    for (const m of note.m) if (typeof m === "string") for (const fn of this.broadcastListeners) fn(m);
  }

  private heard(payload: string) {
    let note: { from?: string; keys?: string[] | null; defs?: boolean };
    try {
      note = JSON.parse(payload);
    } catch {
      return;
    }
    if (note.from === this.instance) return;
    // Records' rows by key; what is compiled from models and apps only when they changed
    // (a remote create must not make this server reload every app it serves).
    if (Array.isArray(note.keys)) for (const k of note.keys) this.cache.delete(k);
    else this.cache.clear();
    if (!Array.isArray(note.keys) || note.defs) this.changedElsewhere();
  }

  private async query<T>(sql: Sql | Tx, text: string, params?: Param[]): Promise<postgres.RowList<T[]>> {
    try {
      return (await sql.unsafe(numbered(text), bind(params), { prepare: true })) as unknown as postgres.RowList<T[]>;
    } catch (e) {
      throw await normalised(e, this.parentIndex, this.indexFields);
    }
  }

  /** The entity type and fields of one of the model's indexes (entity_indexes; asked on another connection). */
  private indexFields = async (name: string): Promise<{ type: string; fields: string[] } | undefined> => {
    const [r] = await this.sql.unsafe("SELECT type, definition FROM entity_indexes WHERE name = $1", [name]);
    if (!r) return undefined;
    const fields = [...new Set([...String(r.definition).matchAll(/data\s*->>?\s*'([a-z][a-z0-9_]*)'/g)].map((m) => m[1]!))];
    return { type: String(r.type), fields };
  };

  private parents = new Map<string, string>();
  /** The index on `entities` whose partition's copy is `name` (asked on another connection: the transaction may be failed). */
  private parentIndex = async (name: string): Promise<string> => {
    const hit = this.parents.get(name);
    if (hit) return hit;
    const r = await this.sql.unsafe(
      "SELECT p.relname AS name FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent WHERE c.relname = $1 AND c.relkind = 'i'",
      [name],
    );
    const parent = (r[0]?.name as string | undefined) ?? name;
    if (this.parents.size > 10_000) this.parents.clear();
    this.parents.set(name, parent);
    return parent;
  };

  /**
   * A connection for one request: under load, requests queue here (in order) for at most
   * waitMs, then are refused as busy, rather than failing at once or waiting for ever.
   */
  private async acquire(): Promise<void> {
    if (this.inUse < this.max) {
      this.inUse++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        this.inUse++;
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new TorqueError("unavailable", `the database is busy: no connection came free within ${this.waitMs / 1000} s; try again`));
      }, this.waitMs);
      this.waiting.push(grant);
    });
  }

  private release(): void {
    this.inUse--;
    this.waiting.shift()?.();
  }

  private async gated<R>(fn: () => Promise<R>): Promise<R> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  async all<T = Row>(text: string, params?: Param[]): Promise<T[]> {
    return this.gated(async () => [...(await this.query<T>(this.sql, text, params))]);
  }
  async get<T = Row>(text: string, params?: Param[]): Promise<T | undefined> {
    return this.gated(async () => (await this.query<T>(this.sql, text, params))[0]);
  }
  run(text: string, params?: Param[]) {
    return this.transaction((tx) => tx.run(text, params));
  }

  async exec(script: string) {
    await this.transaction(async (tx) => {
      tx.invalidateAll();
      await tx.run(script);
    });
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const run = this.lock.then(
      () => this.gated(() => this.runTransaction(fn)),
      () => this.gated(() => this.runTransaction(fn)),
    );
    this.lock = run.catch(() => {});
    return run;
  }

  /**
   * One write transaction. Each statement costs a round trip here, and the write lock is
   * held through them, so the lock goes out right behind BEGIN, ahead of fn's first
   * statement (pipelined on the transaction's connection), rather than as a round trip
   * of its own. (A connection of our own with BEGIN and COMMIT sent by hand would save
   * two more, but the postgres package cannot tell us when such a connection is lost,
   * and a statement sent to a lost one crashes the process; sql.begin is safe.)
   */
  private async runTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const held: string[] = [];
    let all = false;
    let defs = false;
    const late: (() => Promise<void>)[] = [];
    try {
      return (await this.sql.begin(async (sql) => {
        // then() sends it now; fn's statements queue behind it. Its failure is heard below.
        const locked = Promise.resolve(sql.unsafe(`SELECT pg_advisory_xact_lock(${WRITE_LOCK})`));
        locked.catch(() => {});
        const tx: Queryable = {
          dialect: this.dialect,
          all: async <R = Row>(text: string, params?: Param[]) => [...(await this.query<R>(sql, text, params))],
          get: async <R = Row>(text: string, params?: Param[]) => (await this.query<R>(sql, text, params))[0],
          run: async (text: string, params?: Param[]) => {
            // A script of several statements (migrations) cannot be prepared; one statement is.
            if (!params?.length && text.includes(";")) {
              await sql.unsafe(text).simple();
              return { changes: 0 };
            }
            return { changes: (await this.query(sql, text, params)).count };
          },
          invalidate: (key) => {
            this.cache.hold(key);
            held.push(key);
          },
          invalidateAll: () => {
            all = true;
          },
          definitionsChanged: () => {
            defs = true;
          },
          atCommit: (f) => late.push(f),
          txCache: new Map(),
        };
        const value = await fn(tx);
        for (const f of late) await f();
        await locked;
        // Nothing another server holds changed (new records, runs, audit): no notice, and
        // one round trip less while the write lock is held.
        if (held.length || all || defs) {
          const keys = all || held.length > MAX_NOTIFIED_KEYS || Buffer.byteLength(JSON.stringify(held)) > MAX_NOTIFIED_BYTES ? null : held;
          await sql.unsafe("SELECT pg_notify($1, $2)", [CHANNEL, JSON.stringify({ from: this.instance, keys, ...(defs && { defs }) })]);
        }
        return value;
      })) as T;
    } catch (e) {
      throw await normalised(e, this.parentIndex, this.indexFields);
    } finally {
      for (const k of held) this.cache.release(k);
      if (all) this.cache.clear();
    }
  }

  async settle() {
    // After a bulk load: fresh statistics, so the planner sees the new rows.
    await this.sql.unsafe("ANALYZE entities");
  }

  /** One REPEATABLE READ READ ONLY transaction: every read in fn sees the database as it was at its first statement. */
  snapshot<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.gated(async () => {
      try {
        return (await this.sql.begin("isolation level repeatable read read only", async (sql) => {
          const q: Queryable = {
            dialect: this.dialect,
            all: async <R = Row>(text: string, params?: Param[]) => [...(await this.query<R>(sql, text, params))],
            get: async <R = Row>(text: string, params?: Param[]) => (await this.query<R>(sql, text, params))[0],
            run: async (text: string, params?: Param[]) => ({ changes: (await this.query(sql, text, params)).count }),
            invalidate: () => {},
            invalidateAll: () => {},
          };
          return fn(q);
        })) as T;
      } catch (e) {
        throw await normalised(e, this.parentIndex, this.indexFields);
      }
    });
  }

  /** A new SQLite file holding a copy of this database, read in one snapshot (store/copy.ts). */
  async backup(target: string): Promise<void> {
    const { backupToSqlite } = await import("../copy");
    await backupToSqlite(this, target);
  }

  async close() {
    await this.lock.catch(() => {});
    // What is still queued goes out before the connections close; nothing is queued after.
    await this.flush().catch(() => {});
    this.closed = true;
    // Everything this process waited for is done by now (the server drains requests first);
    // a connection still busy after a second is one a lost connection left hanging.
    await this.sql.end({ timeout: 1 });
  }
}

/** One line for a failed first connection, naming what to check. */
export function connectionProblem(location: string, e: unknown): string {
  const err = e as { code?: string; message?: string; errno?: string };
  const code = err?.code ?? err?.errno ?? "";
  const why =
    code === "ECONNREFUSED"
      ? "connection refused: is PostgreSQL running, and are the host and port right?"
      : code === "ENOTFOUND" || code === "EAI_AGAIN"
        ? "host not found: check the host name"
        : code === "CONNECT_TIMEOUT" || code === "ETIMEDOUT"
          ? "no answer within 10 s: check the host, the port and any firewall"
          : code === "28P01" || code === "28000"
            ? "authentication failed: check the user name and password (and pg_hba.conf)"
            : code === "3D000"
              ? "the database does not exist: create it (createdb) or fix its name"
              : (err?.message ?? String(e)).split("\n")[0];
  return `cannot connect to PostgreSQL at ${location}: ${why}`;
}

/** The URL to show (logs, /health, errors): the password, if any, left out. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1@");
  }
}

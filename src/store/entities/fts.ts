// Full-text index for `$search` (model/filter): one FTS5 table per app and entity type,
// over the type's text-like fields (text, longtext, email, url), kept in step with every
// write in the writer's transaction. It only ever narrows: a query keeps the exact rule
// (every word `contains`-matched in some text-like field, filter.ts) and uses the index
// for a superset of the matching rows, so the index's own folding (Unicode case) and
// tokenising (trigrams) can never change an answer, only make it fast.
//
// - Table `fts_<app>_<type>_<hash of the field list>`: one column `body`, contentless
//   (`content=''`: the text is not stored twice), `contentless_delete=1` (rows deleted by
//   rowid), `tokenize='trigram'` (substrings of 3+ characters), `detail=none` (no
//   positions: a word is matched as the AND of its trigrams, a superset; 0.4× the size
//   of detail=full). `body` is the fields' values as SQL reads them (json_extract), joined
//   by a newline: a search word never holds whitespace, so it cannot match across fields.
//   Beside it, `ftsid_<same>` (r INTEGER PRIMARY KEY, id) maps each FTS rowid to its
//   entity id. (`contentless_unindexed=1` would keep the id inside FTS5, but SQLite 3.53
//   leaves that shadow table behind on DROP, and defensive mode forbids dropping it.)
// - Rowids are derived from the entity id, never from the entities table's rowid (which
//   VACUUM may renumber: `entities` has no INTEGER PRIMARY KEY): for a UUIDv7 the top 64
//   bits (48-bit time, version nibble 7, 12-bit counter), so rowids grow with inserts and
//   FTS5 appends (random rowids made a 1M-row build 5× slower and 2.5× larger); for other
//   ids a 63-bit hash. A collision (two ids, one rowid) moves the later id to another
//   "slot": the version nibble (bits 12–15) replaced by 8, 9, …, which no UUIDv7 uses.
//   A delete tries slot 0, then all 16 slots at once, always checking the stored id.
// - `entity_fts` (migration 5) records each table, its fields and `pending` (the table
//   is being filled from `entities`). A model change that changes a type's text-like
//   fields creates the new table (pending) and drops the old one in the save's
//   transaction; the saver then fills it in batches (each its own short transaction), and
//   every open of the database finishes a fill that a crash interrupted. While a table is
//   pending, its candidate set is "every row" (the query falls back to the exact rule
//   alone), so answers stay right; writers maintain pending tables like any other.
// - Writes to the FTS5 table itself wait for the end of the group commit (fts5Write), the
//   id map is written at once. A bulk load writes its rows first and then their entries
//   in one statement (ftsIndexRows); a seed of a large type defers them (ftsDefer: the
//   table is pending while it loads) and fills the table when it ends (refillFts).
import type { CompiledEntity, CompiledModel } from "../../model/compile";
import { compileModel } from "../../model/compile";
import { searchedFields } from "../../model/filter/grammar";
import type { Field, Model } from "../../model/schema";
import { checkedIdent, type Dialect } from "../dialect";
import type { Driver, Param, Queryable } from "../driver";
import { scope } from "./columns";
import { pickTerms, sampleTerms } from "./fts-terms";

/**
 * Slots per id: rowids an id may take when its first one is held by another id. The
 * first 16 vary the UUIDv7 version nibble; the rest are hashes of the id and slot, so
 * ids that share their top 64 bits (anyone may choose ids on import) cannot use them all up.
 */
const SLOTS = 48;
const NIBBLE_SLOTS = 16;
/**
 * Segments of one level FTS5 lets gather before it merges them (its default is 4). Each
 * commit adds a segment, so with 4 every 64th commit merged a level and took 35–60 ms
 * (single creates after a 200k load: p99 15–38 ms); with 16, p99 1.6 ms, and a query
 * reads a few more segments per term.
 */
const AUTOMERGE = 16;
/** Rows per transaction when a table is filled. */
export const FILL_BATCH = 5000;

const MASK63 = 0x7fff_ffff_ffff_ffffn;
const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function baseRowid(id: string): bigint {
  if (id.length === 36 && UUID7.test(id)) return BigInt(`0x${id.slice(0, 8)}${id.slice(9, 13)}${id.slice(14, 18)}`) & MASK63;
  return BigInt(Bun.hash(id)) & MASK63;
}

/** The FTS rowid of an entity id in one of its slots (0 first). */
export function ftsRowid(id: string, slot = 0): bigint {
  if (slot >= NIBBLE_SLOTS) return BigInt(Bun.hash(`${id}\u0000${slot}`)) & MASK63;
  const b = baseRowid(id);
  const nibble = (Number((b >> 12n) & 0xfn) + slot) & 0xf;
  return (b & ~0xf000n) | (BigInt(nibble) << 12n);
}

const hash = (s: string) => Bun.hash(s).toString(36).slice(0, 8);

/** The table of one app's type with these text-like fields (null: no field to search). */
export function ftsTableName(appId: number, type: string, fields: readonly string[]): string | null {
  if (!fields.length) return null;
  return `fts_${Math.trunc(appId)}_${checkedIdent(type)}_${hash(fields.join(","))}`;
}
/** The rowid → entity id map beside a full-text table. */
const idsOf = (name: string) => `ftsid${name.slice(3)}`;

/** SQL for the text a row contributes: its text-like fields as SQL reads them, newline-joined. */
const bodySql = (fields: readonly string[], src: string) =>
  `concat_ws(char(10), ${fields.map((f) => `json_extract(${src}, '$.${checkedIdent(f)}')`).join(", ")})`;

/** A table to keep in step, with its statements. */
export interface FtsTarget {
  name: string;
  appId: number;
  type: string;
  fields: string[];
  claim: string;
  insert: string;
  insertMany: string;
  owner: string;
  release: string;
  find: string;
  remove: string;
}

const targets = new Map<string, FtsTarget>();
function target(appId: number, type: string, name: string, fieldsJson: string): FtsTarget {
  const key = `${name}|${fieldsJson}`;
  let t = targets.get(key);
  if (!t) {
    const fields = (JSON.parse(fieldsJson) as string[]).map(checkedIdent);
    const n = checkedName(name);
    const ids = idsOf(n);
    t = {
      name: n,
      appId,
      type,
      fields,
      // A taken rowid is no error (changes 0): exceptions are slow, and a taken slot is routine for a fill.
      claim: `INSERT INTO ${ids} (r, id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
      insert: `INSERT INTO ${n} (rowid, body) VALUES (?2, ${bodySql(fields, "?1")})`,
      // The claimed rowids (a JSON array, ascending) with their rows' text, in one statement.
      insertMany: `INSERT INTO ${n} (rowid, body) SELECT i.r, ${bodySql(fields, "e.data")} FROM json_each(?) j JOIN ${ids} i ON i.r = j.value JOIN entities e ON e.id = i.id`,
      owner: `SELECT id FROM ${ids} WHERE r = ?`,
      release: `DELETE FROM ${ids} WHERE r = ? AND id = ?`,
      // As text: a 64-bit rowid does not fit a JavaScript number.
      find: `SELECT CAST(r AS TEXT) AS r FROM ${ids} WHERE r IN (${Array.from({ length: SLOTS }, () => "?").join(", ")}) AND id = ?`,
      remove: `DELETE FROM ${n} WHERE rowid = ?`,
    };
    if (targets.size > 10_000) targets.clear();
    targets.set(key, t);
  }
  return t;
}

const NAME = /^fts_\d+_[a-z][a-z0-9_]*_[0-9a-z]+$/;
function checkedName(n: string): string {
  if (!NAME.test(n)) throw new Error(`refusing to put "${n}" into SQL: not a full-text table name`);
  return n;
}

const targetKey = (appId: number, type: string) => `fts|${appId}|${type}`;

/**
 * The full-text table of one app's type, if it has one, read in the caller's transaction.
 * Remembered for the rest of that transaction (Queryable.txCache: the write lock is held,
 * so no other process can change it meanwhile; this process's changes go through
 * syncFts/dropAppFts, which forget it): a group of 50 creates reads it once, not 50 times.
 */
export async function ftsTarget(q: Queryable, appId: number, type: string): Promise<FtsTarget | undefined> {
  if (q.dialect.name !== "sqlite") return undefined; // PostgreSQL keeps no such tables
  const key = targetKey(appId, type);
  if (q.txCache?.has(key)) return q.txCache.get(key) as FtsTarget | undefined;
  const r = await q.get<{ name: string; fields: string }>("SELECT name, fields FROM entity_fts WHERE app_id = ? AND type = ?", [appId, type]);
  const t = r ? target(appId, type, r.name, r.fields) : undefined;
  q.txCache?.set(key, t);
  return t;
}

function forgetTargets(q: Queryable): void {
  for (const k of q.txCache?.keys() ?? []) if (k.startsWith("fts|")) q.txCache!.delete(k);
}

/**
 * Write to an FTS5 table at the end of the group commit when the transaction allows it
 * (Queryable.atCommit), else now. FTS5 buffers new entries in memory and writes them out
 * as a new segment (then merges segments) at every savepoint: the group commit's one per
 * unit, and the statement savepoint of every INSERT/DELETE on `entities` (its triggers
 * need one). Written per unit, a group of 36 creates cost 36 segments and their merges
 * (~110 µs per create measured on 200k orders); written at the end, one. Every FTS5
 * write goes this way, so they stay in the order they were made; the rowid map
 * (`ftsid_…`) is written at once, so collisions are still seen as they happen.
 */
async function fts5Write(q: Queryable, t: FtsTarget, sql: string, params: Param[]): Promise<void> {
  if (!q.atCommit) {
    await q.run(sql, params);
    return;
  }
  q.atCommit(async () => {
    try {
      await q.run(sql, params);
    } catch (e) {
      // A later unit of the same group dropped the table (a model change, an app deleted):
      // its entries went with it. Anything else fails the group.
      if (!String((e as Error)?.message).includes(`no such table: ${t.name}`)) throw e;
    }
  });
}

/** Index one row (its data as stored JSON). An entry the id already has is replaced. */
export async function ftsInsert(q: Queryable, t: FtsTarget, id: string, data: string): Promise<void> {
  for (let slot = 0; slot < SLOTS; slot++) {
    const rowid = ftsRowid(id, slot);
    if (!(await q.run(t.claim, [rowid, id])).changes) {
      // The rowid is taken: by this id (a stale entry) or by another.
      if ((await q.get<{ id: string }>(t.owner, [rowid]))?.id !== id) continue;
      await fts5Write(q, t, t.remove, [rowid]);
    }
    await fts5Write(q, t, t.insert, [data, rowid]);
    return;
  }
  throw new Error(`full-text index ${t.name}: no free rowid for ${id}`);
}

const byValue = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Index many rows already in `entities` (a bulk insert, a fill): each id claims its rowid
 * in rowid order, then one INSERT … SELECT writes every new entry (FTS5 appends in rowid
 * order; one statement instead of one per row). An id that holds an entry already is
 * left as it is: writers keep every entry of a table current, pending or not, so only
 * rows without one (a bulk load that deferred them, a table being filled) need one.
 * Returns how many entries were written.
 */
export async function ftsIndexRows(q: Queryable, t: FtsTarget, ids: readonly string[]): Promise<number> {
  const fresh: bigint[] = [];
  const ordered = ids.map((id) => ({ id, r: ftsRowid(id) })).sort((a, b) => byValue(a.r, b.r));
  for (const { id, r } of ordered)
    for (let slot = 0; ; slot++) {
      if (slot === SLOTS) throw new Error(`full-text index ${t.name}: no free rowid for ${id}`);
      const rowid = slot ? ftsRowid(id, slot) : r;
      if ((await q.run(t.claim, [rowid, id])).changes) {
        fresh.push(rowid);
        break;
      }
      if ((await q.get<{ id: string }>(t.owner, [rowid]))?.id === id) break;
    }
  if (fresh.length) await fts5Write(q, t, t.insertMany, [`[${fresh.sort(byValue).join(",")}]`]);
  return fresh.length;
}

/** Remove one row's entry (none is fine: a pending table may not have reached it). */
export async function ftsDelete(q: Queryable, t: FtsTarget, id: string): Promise<void> {
  let rowid = ftsRowid(id, 0);
  if (!(await q.run(t.release, [rowid, id])).changes) {
    const found = await q.get<{ r: string }>(t.find, [...Array.from({ length: SLOTS }, (_, s) => ftsRowid(id, s)), id]);
    if (!found) return;
    rowid = BigInt(found.r);
    await q.run(t.release, [rowid, id]);
  }
  await fts5Write(q, t, t.remove, [rowid]);
}

/**
 * Whether new data changes the text a row gives the index, from both versions of the data
 * in hand (no SQL): the text can only change if some text-like field's value did (equal
 * JSON values read the same in SQL). Unequal values that read the same (1 and 1.0) only
 * cost a reindex.
 */
export function ftsChangedData(t: FtsTarget, before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return t.fields.some((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

/**
 * Leave a type's full-text index to a fill after a bulk load: its table is marked pending
 * in the caller's transaction (queries fall back to the exact rule), so the load's rows
 * need no entries as they go in. The caller fills it when the load ends (`refillFts`); a
 * load cut short is filled at the next open. Returns whether the type has a table.
 */
export async function ftsDefer(q: Queryable, appId: number, type: string): Promise<boolean> {
  const t = await ftsTarget(q, appId, type);
  if (t) await q.run("UPDATE entity_fts SET pending = 1 WHERE app_id = ? AND type = ? AND pending = 0", [appId, type]);
  return !!t;
}

// ---- the write path (rows.ts and bulk.ts call these) --------------------------------

export async function ftsAfterInsert(q: Queryable, appId: number, type: string, id: string, data: string): Promise<void> {
  if (q.dialect.name !== "sqlite") return; // PostgreSQL keeps no such tables
  const t = await ftsTarget(q, appId, type);
  if (t) await ftsInsert(q, t, id, data);
}

export async function ftsAfterDelete(q: Queryable, appId: number, type: string, id: string): Promise<void> {
  if (q.dialect.name !== "sqlite") return; // PostgreSQL keeps no such tables
  const t = await ftsTarget(q, appId, type);
  if (t) await ftsDelete(q, t, id);
}

// ---- queries ------------------------------------------------------------------------

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * The FTS5 query for folded search words: each word of 3+ characters as the AND of
 * trigrams inside it, each a quoted string, so FTS syntax (quotes, *, -, :, parentheses,
 * NEAR, AND/OR) is plain text. Without a term sample (fts-terms.ts) of the type, the
 * trigrams that cover each word (every third one and the last); with one, the rarest few
 * of all the words' trigrams. Shorter words, and words FTS5 cannot take (a NUL ends its
 * query text; unpaired surrogates), are left to the exact rule. Null when no word is left.
 */
export function ftsMatch(words: readonly string[], sampled?: { appId: number; type: string }): string | null {
  const covering: string[] = [];
  const every: string[][] = [];
  for (const w of words) {
    if (w.includes("\u0000") || !w.isWellFormed()) continue;
    const cs = [...w];
    if (cs.length < 3) continue;
    every.push(cs.slice(2).map((_, i) => cs.slice(i, i + 3).join("")));
    for (let i = 0; ; i += 3) {
      const at = Math.min(i, cs.length - 3);
      covering.push(cs.slice(at, at + 3).join(""));
      if (at === cs.length - 3) break;
    }
  }
  const terms = (sampled && pickTerms(sampled.appId, sampled.type, every)) ?? covering;
  return terms.length ? [...new Set(terms)].map(quote).join(" AND ") : null;
}

/** Read the type's term sample if it is missing or old (before a query that may use the index). */
export async function ftsSampleTerms(q: Queryable, appId: number, type: string, fields: readonly Field[]): Promise<void> {
  if (!fields.length) return;
  await sampleTerms(
    q,
    appId,
    type,
    scope(appId, type),
    bodySql(
      fields.map((f) => f.name),
      "data",
    ),
  );
}

/** The ids of a superset of the rows of (app, type) holding every word, as SQL (a pending table: every row). */
function candidateIds(appId: number, type: string, words: readonly string[], fields: readonly Field[] | readonly string[], as: "id" | "rowid" = "id") {
  const name = ftsTableName(
    appId,
    type,
    fields.map((f) => (typeof f === "string" ? f : f.name)),
  );
  const match = name && ftsMatch(words, { appId, type });
  if (!name || !match) return null;
  const pending = `EXISTS (SELECT 1 FROM entity_fts WHERE app_id = ${Math.trunc(appId)} AND type = '${checkedIdent(type)}' AND pending = 1)`;
  // As a join, rows stream from the FTS match: a LIMIT on it stops the work early (an
  // `IN (subquery)` form built the whole set first: 147 ms against 5 ms for 5,000 of 150,000).
  const matched =
    as === "id"
      ? `SELECT i.id FROM ${name} f CROSS JOIN ${idsOf(name)} i ON i.r = f.rowid WHERE f.${name} MATCH ?`
      : `SELECT e.rowid FROM ${name} f CROSS JOIN ${idsOf(name)} i ON i.r = f.rowid CROSS JOIN entities e ON e.id = i.id WHERE f.${name} MATCH ?`;
  return {
    sql: `${matched} UNION ALL SELECT ${as} FROM entities WHERE ${scope(appId, type)} AND ${pending}`,
    params: [match] as Param[],
    parts: 2,
  };
}

/**
 * A condition on `entities` that holds for a superset of the rows of (app, type) in which
 * every word occurs in a text-like field (`fields`: all of the type's text-like fields,
 * which name its table); null when the index cannot help (no word of 3+ characters, or no
 * text-like field). Always AND it with the exact rule.
 */
export function ftsCandidates(
  appId: number,
  type: string,
  words: readonly string[],
  fields: readonly Field[] | readonly string[],
): { sql: string; params: Param[] } | null {
  const c = candidateIds(appId, type, words, fields);
  return c && { sql: `id IN (${c.sql})`, params: c.params };
}

/**
 * For a query planner that takes candidate sets as SELECTs of entity rowids: one for a
 * `$search`, or for contains/startsWith/endsWith on a text-like field (its needle is a
 * word the field must hold), else undefined.
 */
export function ftsCandidateRowids(
  node: { kind: string; words?: string[]; needle?: string; target?: { kind: string; field?: Field } },
  ctx: { appId: number; ent: CompiledEntity; d?: Dialect },
): { sql: string; params: Param[]; parts: number } | undefined {
  const fields = searchedFields(ctx.ent);
  let words: string[] | undefined;
  if (node.kind === "search") words = node.words;
  else if (node.kind === "text" && node.target?.kind === "field" && node.target.field && fields.includes(node.target.field) && node.needle)
    words = [node.needle];
  return (words && candidateIds(ctx.appId, ctx.ent.name, words, fields, "rowid")) ?? undefined;
}

// ---- following the model ----------------------------------------------------------

async function createTables(tx: Queryable, name: string): Promise<void> {
  await dropTables(tx, name);
  forgetTargets(tx);
  await tx.run(`CREATE VIRTUAL TABLE ${checkedName(name)} USING fts5(body, content='', contentless_delete=1, tokenize='trigram', detail=none)`);
  await tx.run(`INSERT INTO ${checkedName(name)} (${checkedName(name)}, rank) VALUES ('automerge', ?)`, [AUTOMERGE]);
  await tx.run(`CREATE TABLE ${idsOf(name)} (r INTEGER PRIMARY KEY, id TEXT NOT NULL)`);
}
async function dropTables(tx: Queryable, name: string): Promise<void> {
  forgetTargets(tx);
  await tx.run(`DROP TABLE IF EXISTS ${checkedName(name)}`);
  await tx.run(`DROP TABLE IF EXISTS ${idsOf(name)}`);
}

/** Every FTS table of an app, recorded or not (leftovers of a downgrade). */
async function appTables(q: Queryable, appId: number): Promise<string[]> {
  const rows = await q.all<{ name: string; sql: string | null }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND (name LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')",
    [`fts\\_${Math.trunc(appId)}\\_%`, `ftsid\\_${Math.trunc(appId)}\\_%`],
  );
  const names = rows
    .filter((r) => r.name.startsWith("ftsid_") || r.sql?.startsWith("CREATE VIRTUAL TABLE")) // not FTS5's own shadow tables
    .map((r) => (r.name.startsWith("ftsid_") ? `fts${r.name.slice(5)}` : r.name));
  return [...new Set(names)].filter((n) => NAME.test(n));
}

/**
 * Bring one app's full-text tables in line with its model, in the caller's transaction:
 * a type whose text-like fields changed gets a new table, marked pending when the type
 * has rows (fill it with `fillPendingFts` after commit), and its old table is dropped.
 * Returns the tables left pending.
 */
export async function syncFts(tx: Queryable, appId: number, m: CompiledModel): Promise<string[]> {
  if (tx.dialect.name !== "sqlite") return []; // PostgreSQL keeps no such tables
  const whole = await tx.get("SELECT 1 AS x FROM entity_fts WHERE app_id = ? AND type = ''", [appId]);
  if (whole) await dropAppFts(tx, appId); // an app from before full-text search: start clean
  const have = new Map(
    (await tx.all<{ type: string; name: string }>("SELECT type, name FROM entity_fts WHERE app_id = ?", [appId])).map((r) => [r.type, r.name]),
  );
  const want = new Map<string, { name: string; fields: string[] }>();
  for (const e of m.entities.values()) {
    const fields = searchedFields(e).map((f) => f.name);
    const name = ftsTableName(appId, e.name, fields);
    if (name) want.set(e.name, { name, fields });
  }
  for (const [type, name] of have)
    if (want.get(type)?.name !== name) {
      await dropTables(tx, name);
      await tx.run("DELETE FROM entity_fts WHERE app_id = ? AND type = ?", [appId, type]);
    }
  const pending: string[] = [];
  for (const [type, w] of want) {
    if (have.get(type) === w.name) continue;
    await createTables(tx, w.name);
    const rows = !!(await tx.get(`SELECT 1 AS x FROM entities WHERE ${scope(appId, type)} LIMIT 1`));
    await tx.run("INSERT INTO entity_fts (app_id, type, name, fields, pending) VALUES (?, ?, ?, ?, ?)", [
      appId,
      type,
      w.name,
      JSON.stringify(w.fields),
      rows ? 1 : 0,
    ]);
    if (rows) pending.push(w.name);
  }
  return pending;
}

/** Drop every full-text table of an app and its records (app deletion). */
export async function dropAppFts(tx: Queryable, appId: number): Promise<void> {
  if (tx.dialect.name !== "sqlite") return; // PostgreSQL keeps no such tables
  const recorded = await tx.all<{ name: string }>("SELECT name FROM entity_fts WHERE app_id = ? AND type <> ''", [appId]);
  for (const n of new Set([...recorded.map((r) => r.name), ...(await appTables(tx, appId))])) await dropTables(tx, n);
  await tx.run("DELETE FROM entity_fts WHERE app_id = ?", [appId]);
  forgetTargets(tx);
}

/**
 * Fill every pending table (of one app, or all) from `entities`, `batch` rows per
 * transaction (FILL_BATCH by default, so writers are never held up for long), then clear
 * the mark. Idempotent: rows a writer indexed meanwhile are left as they are (writers
 * keep pending tables too). Returns the tables filled.
 */
export async function fillPendingFts(db: Driver, appId?: number, batch = FILL_BATCH): Promise<string[]> {
  if (db.dialect.name !== "sqlite") return []; // PostgreSQL keeps no such tables
  const filled: string[] = [];
  const where = `pending = 1 AND type <> ''${appId === undefined ? "" : " AND app_id = ?"}`;
  const args = appId === undefined ? [] : [appId];
  for (const p of await db.all<{ app_id: number; type: string; name: string; fields: string }>(
    `SELECT app_id, type, name, fields FROM entity_fts WHERE ${where}`,
    args,
  )) {
    const t = target(p.app_id, p.type, p.name, p.fields);
    let after = "";
    for (let done = false; !done; ) {
      done = await db.transaction(async (tx) => {
        // A later model change may have replaced the table meanwhile: then it is not ours to fill.
        const cur = await tx.get<{ name: string }>("SELECT name FROM entity_fts WHERE app_id = ? AND type = ? AND pending = 1", [t.appId, t.type]);
        if (cur?.name !== t.name) return true;
        const ids = (
          await tx.all<{ id: string }>(`SELECT id FROM entities WHERE ${scope(t.appId, t.type)} AND id > ? ORDER BY id LIMIT ?`, [after, batch])
        ).map((r) => r.id);
        await ftsIndexRows(tx, t, ids);
        if (ids.length < batch) {
          await tx.run("UPDATE entity_fts SET pending = 0 WHERE app_id = ? AND type = ? AND name = ?", [t.appId, t.type, t.name]);
          filled.push(t.name);
          return true;
        }
        after = ids.at(-1)!;
        return false;
      });
    }
  }
  return filled;
}

/**
 * After a bulk load that deferred a type's entries (`ftsDefer`): mark the table pending
 * again (a fill by another process may have cleared the mark before the load's last
 * batches went in) and fill it, `batch` rows per transaction. Rows indexed already cost
 * one lookup each.
 */
export async function refillFts(db: Driver, appId: number, type: string, batch = FILL_BATCH): Promise<void> {
  if (db.dialect.name !== "sqlite") return; // PostgreSQL keeps no such tables
  if (await db.transaction((tx) => ftsDefer(tx, appId, type))) await fillPendingFts(db, appId, batch);
}

/**
 * At open: apps marked by migration 5 get their tables (from their current model), and
 * every pending table is filled. Checked with a read first by the caller.
 */
export async function repairFts(db: Driver): Promise<string[]> {
  if (db.dialect.name !== "sqlite") return []; // PostgreSQL keeps no such tables
  const apps = await db.all<{ app_id: number; model_id: string; version: number; doc: string }>(
    `SELECT f.app_id, m.id AS model_id, m.version, v.doc FROM entity_fts f JOIN apps a ON a.id = f.app_id JOIN models m ON m.id = a.model_id
     JOIN model_versions v ON v.model_id = m.id AND v.version = m.version WHERE f.type = ''`,
  );
  for (const a of apps) {
    const model = compileModel(a.model_id, a.version, JSON.parse(a.doc) as Model);
    await db.transaction((tx) => syncFts(tx, a.app_id, model));
  }
  // A marker whose app is gone has nothing to build.
  await db.transaction((tx) => tx.run("DELETE FROM entity_fts WHERE type = '' AND app_id NOT IN (SELECT id FROM apps)"));
  return fillPendingFts(db);
}

/** Bytes of one app's full-text tables (index, its shadow tables and the id map), by type; needs SQLite's dbstat. */
export async function ftsSizes(q: Queryable, appId: number): Promise<Record<string, number>> {
  if (q.dialect.name !== "sqlite") return {}; // PostgreSQL keeps no such tables
  const out: Record<string, number> = {};
  for (const r of await q.all<{ type: string; name: string }>("SELECT type, name FROM entity_fts WHERE app_id = ? AND type <> ''", [appId])) {
    const s = await q.get<{ n: number | null }>("SELECT sum(pgsize) AS n FROM dbstat WHERE name IN (?, ?) OR name LIKE ? ESCAPE '\\'", [
      r.name,
      idsOf(r.name),
      `${r.name.replaceAll("_", "\\_")}\\_%`,
    ]);
    out[r.type] = s?.n ?? 0;
  }
  return out;
}

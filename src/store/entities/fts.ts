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
import type { CompiledEntity, CompiledModel } from "../../model/compile";
import { compileModel } from "../../model/compile";
import { searchedFields } from "../../model/filter/grammar";
import type { Field, Model } from "../../model/schema";
import { checkedIdent, type Dialect } from "../dialect";
import type { Driver, Param, Queryable } from "../driver";
import { scope } from "./columns";
import { pickTerms, sampleTerms } from "./fts-terms";

/** Slots per id: rowids an id may take when its first one is held by another id. */
const SLOTS = 16;
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
  owner: string;
  release: string;
  find: string;
  remove: string;
  same: string;
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
      claim: `INSERT INTO ${ids} (r, id) VALUES (?, ?)`,
      insert: `INSERT INTO ${n} (rowid, body) VALUES (?2, ${bodySql(fields, "?1")})`,
      owner: `SELECT id FROM ${ids} WHERE r = ?`,
      release: `DELETE FROM ${ids} WHERE r = ? AND id = ?`,
      // As text: a 64-bit rowid does not fit a JavaScript number.
      find: `SELECT CAST(r AS TEXT) AS r FROM ${ids} WHERE r IN (${Array.from({ length: SLOTS }, () => "?").join(", ")}) AND id = ?`,
      remove: `DELETE FROM ${n} WHERE rowid = ?`,
      same: `SELECT ${bodySql(fields, "data")} IS ${bodySql(fields, "?1")} AS same FROM entities WHERE id = ?2`,
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

/** The full-text table of one app's type, if it has one (read in the caller's transaction). */
export async function ftsTarget(q: Queryable, appId: number, type: string): Promise<FtsTarget | undefined> {
  const r = await q.get<{ name: string; fields: string }>("SELECT name, fields FROM entity_fts WHERE app_id = ? AND type = ?", [appId, type]);
  return r ? target(appId, type, r.name, r.fields) : undefined;
}

const isConstraint = (e: unknown) => /constraint/i.test(String((e as Error)?.message ?? e));

/** Index one row (its data as stored JSON). An entry the id already has is replaced. */
export async function ftsInsert(q: Queryable, t: FtsTarget, id: string, data: string): Promise<void> {
  for (let slot = 0; slot < SLOTS; slot++) {
    const rowid = ftsRowid(id, slot);
    try {
      await q.run(t.claim, [rowid, id]);
    } catch (e) {
      if (!isConstraint(e)) throw e;
      // The rowid is taken: by this id (a fill meeting a row a writer indexed) or by another.
      if ((await q.get<{ id: string }>(t.owner, [rowid]))?.id !== id) continue;
      await q.run(t.remove, [rowid]);
    }
    await q.run(t.insert, [data, rowid]);
    return;
  }
  throw new Error(`full-text index ${t.name}: no free rowid for ${id}`);
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
  await q.run(t.remove, [rowid]);
}

/** Whether new data changes the text this stored row gives the index (call before the UPDATE). */
export async function ftsChanged(q: Queryable, t: FtsTarget, id: string, data: string): Promise<boolean> {
  const r = await q.get<{ same: number }>(t.same, [data, id]);
  return !r?.same;
}

// ---- the write path (rows.ts and bulk.ts call these) --------------------------------

export async function ftsAfterInsert(q: Queryable, appId: number, type: string, id: string, data: string): Promise<void> {
  const t = await ftsTarget(q, appId, type);
  if (t) await ftsInsert(q, t, id, data);
}

export async function ftsAfterDelete(q: Queryable, appId: number, type: string, id: string): Promise<void> {
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
function candidateIds(appId: number, type: string, words: readonly string[], fields: readonly Field[] | readonly string[]) {
  const name = ftsTableName(
    appId,
    type,
    fields.map((f) => (typeof f === "string" ? f : f.name)),
  );
  const match = name && ftsMatch(words, { appId, type });
  if (!name || !match) return null;
  const pending = `EXISTS (SELECT 1 FROM entity_fts WHERE app_id = ${Math.trunc(appId)} AND type = '${checkedIdent(type)}' AND pending = 1)`;
  return {
    sql: `SELECT id FROM ${idsOf(name)} WHERE r IN (SELECT rowid FROM ${name} WHERE ${name} MATCH ?) UNION ALL SELECT id FROM entities WHERE ${scope(appId, type)} AND ${pending}`,
    params: [match] as Param[],
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
): { sql: string; params: Param[] } | undefined {
  const fields = searchedFields(ctx.ent);
  let words: string[] | undefined;
  if (node.kind === "search") words = node.words;
  else if (node.kind === "text" && node.target?.kind === "field" && node.target.field && fields.includes(node.target.field) && node.needle)
    words = [node.needle];
  const c = words && candidateIds(ctx.appId, ctx.ent.name, words, fields);
  return c ? { sql: `SELECT rowid FROM entities WHERE id IN (${c.sql})`, params: c.params } : undefined;
}

// ---- following the model ----------------------------------------------------------

async function createTables(tx: Queryable, name: string): Promise<void> {
  await dropTables(tx, name);
  await tx.run(`CREATE VIRTUAL TABLE ${checkedName(name)} USING fts5(body, content='', contentless_delete=1, tokenize='trigram', detail=none)`);
  await tx.run(`CREATE TABLE ${idsOf(name)} (r INTEGER PRIMARY KEY, id TEXT NOT NULL)`);
}
async function dropTables(tx: Queryable, name: string): Promise<void> {
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
  const recorded = await tx.all<{ name: string }>("SELECT name FROM entity_fts WHERE app_id = ? AND type <> ''", [appId]);
  for (const n of new Set([...recorded.map((r) => r.name), ...(await appTables(tx, appId))])) await dropTables(tx, n);
  await tx.run("DELETE FROM entity_fts WHERE app_id = ?", [appId]);
}

/**
 * Fill every pending table (of one app, or all) from `entities`, FILL_BATCH rows per
 * transaction so writers are never held up for long, then clear the mark. Idempotent:
 * an entry a writer made meanwhile is replaced by the same text. Returns the tables filled.
 */
export async function fillPendingFts(db: Driver, appId?: number): Promise<string[]> {
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
        const rows = await tx.all<{ id: string; data: string }>(
          `SELECT id, data FROM entities WHERE ${scope(t.appId, t.type)} AND id > ? ORDER BY id LIMIT ?`,
          [after, FILL_BATCH],
        );
        // In rowid order, FTS5 appends instead of flushing its buffer at every step back.
        const ordered = rows.map((r) => ({ ...r, rowid: ftsRowid(r.id) })).sort((a, b) => (a.rowid < b.rowid ? -1 : a.rowid > b.rowid ? 1 : 0));
        for (const r of ordered) await ftsInsert(tx, t, r.id, r.data);
        if (rows.length < FILL_BATCH) {
          await tx.run("UPDATE entity_fts SET pending = 0 WHERE app_id = ? AND type = ? AND name = ?", [t.appId, t.type, t.name]);
          filled.push(t.name);
          return true;
        }
        after = rows.at(-1)!.id;
        return false;
      });
    }
  }
  return filled;
}

/**
 * At open: apps marked by migration 5 get their tables (from their current model), and
 * every pending table is filled. Checked with a read first by the caller.
 */
export async function repairFts(db: Driver): Promise<string[]> {
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

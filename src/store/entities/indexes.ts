// Expression indexes derived from the model, per app: fields marked indexed or unique,
// references, declared composite indexes, and the fields pages sort by. Each is a partial
// index over one app's rows of one entity type, so it is small and only that type pays
// for it on write. Created and dropped to follow the model; recorded in entity_indexes.

import { conflict } from "../../lib/errors";
import { isPlainObject } from "../../lib/json";
import type { CompiledModel } from "../../model/compile";
import type { Dialect } from "../dialect";
import { checkedIdent } from "../dialect";
import type { Queryable } from "../driver";

export interface IndexDef {
  name: string;
  type: string;
  fields: string[];
  unique: boolean;
  sql: string;
}

function hash(s: string): string {
  return Bun.hash(s).toString(36).slice(0, 10);
}

/** Sort fields used by DataGrid components on the model's pages, by entity type. */
function sortedFields(m: CompiledModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of m.doc.pages ?? [])
    for (const c of p.components) {
      const props = c.props ?? {};
      if (typeof props.entity !== "string" || !Array.isArray(props.sort)) continue;
      const first = props.sort[0];
      const f = isPlainObject(first) ? first.field : first;
      if (typeof f === "string") (out.get(props.entity) ?? out.set(props.entity, new Set()).get(props.entity)!).add(f);
    }
  return out;
}

export function desiredIndexes(appId: number, m: CompiledModel, d: Dialect): IndexDef[] {
  const defs = new Map<string, IndexDef>();
  const sorts = sortedFields(m);
  const add = (type: string, fields: string[], unique: boolean) => {
    const ent = m.entities.get(type);
    if (!ent || fields.some((f) => !ent.fields.has(f))) return;
    // Non-unique indexes end with id: the keyset tie-breaker, so a sorted page needs no sort step.
    const cols = fields.map((f) => d.jsonField(f)).concat(unique ? [] : ["id"]);
    if (!cols.length) return;
    const where = `app_id = ${Math.trunc(appId)} AND type = '${checkedIdent(type)}'`;
    const key = `${unique ? "u" : "i"}|${where}|${cols.join(",")}`;
    const name = `ent_${appId}_${checkedIdent(type)}_${hash(key)}`.slice(0, 63);
    if (defs.has(name)) return;
    defs.set(name, {
      name,
      type,
      fields,
      unique,
      sql: `CREATE ${unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${name} ON entities (${cols.join(", ")}) WHERE ${where}`,
    });
  };
  for (const e of m.entities.values()) {
    // Every type has its own id index: the default order, and the one to walk when a
    // filter has no index of its own. Being per type, it never looks more selective
    // to the planner than a field index of the same type (a shared (app_id, type, id)
    // index did, and won plans it should have lost).
    add(e.name, [], false);
    for (const f of e.def.fields) {
      if (f.unique) add(e.name, [f.name], true);
      if (f.indexed || f.type === "reference") add(e.name, [f.name], false);
    }
    for (const f of e.unique) if (!f.unique) add(e.name, [f.name], true);
    for (const ix of e.def.indexes ?? []) add(e.name, ix.fields, !!ix.unique);
    for (const f of sorts.get(e.name) ?? []) add(e.name, [f], false);
  }
  // A non-unique index whose columns begin another index's columns adds write cost and
  // nothing else: the longer index serves every query the shorter one would.
  const all = [...defs.values()];
  return all.filter(
    (a) =>
      a.unique ||
      !a.fields.length ||
      !all.some((b) => b !== a && !b.unique && b.type === a.type && b.fields.length > a.fields.length && a.fields.every((f, i) => b.fields[i] === f)),
  );
}

/** Bring one app's indexes in line with its model; a unique index that existing data violates is a conflict. */
export async function syncIndexes(tx: Queryable, appId: number, m: CompiledModel, d: Dialect): Promise<{ created: string[]; dropped: string[] }> {
  const want = desiredIndexes(appId, m, d);
  const have = await tx.all<{ name: string }>("SELECT name FROM entity_indexes WHERE app_id = ?", [appId]);
  const wantNames = new Set(want.map((w) => w.name));
  const haveNames = new Set(have.map((h) => h.name));
  const dropped: string[] = [],
    created: string[] = [];
  for (const h of have)
    if (!wantNames.has(h.name)) {
      await tx.run(`DROP INDEX IF EXISTS ${checkedIdent(h.name)}`);
      await tx.run("DELETE FROM entity_indexes WHERE name = ?", [h.name]);
      dropped.push(h.name);
    }
  for (const w of want) {
    if (haveNames.has(w.name)) continue;
    try {
      await tx.run(w.sql);
    } catch (e) {
      if (w.unique && /UNIQUE/i.test((e as Error).message))
        throw conflict(`cannot make ${w.type}.${w.fields.join("+")} unique: existing ${w.type} entities share a value`, {
          entity: w.type,
          fields: w.fields,
          rule: "unique",
        });
      throw e;
    }
    await tx.run("INSERT INTO entity_indexes (name, app_id, type, definition) VALUES (?, ?, ?, ?)", [w.name, appId, w.type, w.sql]);
    created.push(w.name);
  }
  return { created, dropped };
}

/**
 * Drop one type's indexes for a bulk load. Each is first marked pending in
 * entity_indexes, in the same transaction as the drop, so the intent to rebuild it is
 * durable: if the process dies before rebuildPendingIndexes runs, the next open of the
 * database rebuilds it (see store/open.ts) instead of leaving queries to full scans.
 */
export async function dropIndexesFor(tx: Queryable, appId: number, type: string, opts: { keepUnique: boolean }): Promise<void> {
  const rows = await tx.all<{ name: string; definition: string }>("SELECT name, definition FROM entity_indexes WHERE app_id = ? AND type = ?", [appId, type]);
  for (const r of rows) {
    if (opts.keepUnique && r.definition.startsWith("CREATE UNIQUE")) continue;
    await tx.run("UPDATE entity_indexes SET pending = 1 WHERE name = ?", [r.name]);
    await tx.run(`DROP INDEX IF EXISTS ${checkedIdent(r.name)}`);
  }
}

/**
 * Build every index marked pending (of one app, or all) from its recorded definition and
 * clear the mark. Idempotent: an index that exists already is left as it is.
 */
export async function rebuildPendingIndexes(tx: Queryable, appId?: number): Promise<string[]> {
  const rows = await tx.all<{ name: string; definition: string }>(
    `SELECT name, definition FROM entity_indexes WHERE pending = 1${appId === undefined ? "" : " AND app_id = ?"}`,
    appId === undefined ? [] : [appId],
  );
  for (const r of rows) {
    // Definitions come from desiredIndexes (checked identifiers, literal app ids, IF NOT EXISTS).
    await tx.run(r.definition);
    await tx.run("UPDATE entity_indexes SET pending = 0 WHERE name = ?", [r.name]);
  }
  return rows.map((r) => r.name);
}

export async function dropAppIndexes(tx: Queryable, appId: number): Promise<void> {
  for (const h of await tx.all<{ name: string }>("SELECT name FROM entity_indexes WHERE app_id = ?", [appId]))
    await tx.run(`DROP INDEX IF EXISTS ${checkedIdent(h.name)}`);
  await tx.run("DELETE FROM entity_indexes WHERE app_id = ?", [appId]);
}

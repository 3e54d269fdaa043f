// The maintained rollups (rollups.ts) on PostgreSQL. The tables hold the same figures as
// SQLite's, but are kept by one set of statement triggers on `entities` (migration 10)
// instead of three triggers per entity type: each statement that inserts, updates or
// deletes rows runs, for each (app, type) among its rows that has a rollup, that rollup's
// `apply` statement over the changed rows (kept in entity_rollups, and written inline into
// the trigger functions: writeRollupTriggers). So a write costs one upsert per group value
// it touches and a bulk load of 5,000 rows one statement per rollup.
//
// A key is text: `v:` and the value (an enum's text, a boolean's 1 or 0, a date's day),
// or `null` for a record without one (a primary key cannot hold NULL). Sums are exact
// `numeric` (jsonb keeps each number's decimal digits), as the plain query's are on
// PostgreSQL (aggregate.ts), so both round the same exact figure once to a double.

import type { CompiledEntity } from "../../model/compile";
import { checkedIdent, type Dialect } from "../dialect";
import type { Queryable } from "../driver";
import type { RollupDef, RollupGroup } from "./rollups";

/** The key of a record without a value. */
export const PG_NULL_KEY = "'null'";

/** A stored key read back as the value it stands for (the boolean's 1 or 0 as a number). */
export const pgKeyValue = (v: string, boolean: boolean): string =>
  `CASE WHEN ${v} = ${PG_NULL_KEY} THEN NULL ELSE substr(${v}, 3)${boolean ? "::int" : ""} END`;

/** A value as stored in the key column (bound from a filter's value). */
export const pgKeyParam = (v: string | number): string => `v:${v}`;

const cols = (def: RollupDef) => ["g", "v", "n", ...def.nums.flatMap((_, i) => [`c${i}`, `s${i}`, `e${i}`])];

export interface PostgresRollup {
  create: string;
  /** The statement adding a change to the table: `%1$s` stands for a relation of (sign, app_id, type, data) rows, sign 1 or -1. */
  apply: string;
  /** The statement filling the new table from the type's rows. */
  fill: string;
}

export function postgresRollup(appId: number, def: RollupDef, ent: CompiledEntity, d: Dialect): PostgresRollup {
  const x = (field: string) => d.jsonField(ent.fields.get(field)!);
  const key = (g: RollupGroup) => {
    const value = g.day ? `left(${x(g.field)}, 10)` : `${x(g.field)}::text`;
    return `CASE WHEN ${x(g.field)} IS NULL THEN ${PG_NULL_KEY} ELSE 'v:' || ${value} END`;
  };
  // One row per record and group field (LATERAL VALUES: the rows are read once), then one per group value.
  const keys = def.groups.length ? def.groups.map((g) => `('${checkedIdent(g.field)}', ${key(g)})`) : [`('', ${PG_NULL_KEY})`];
  // Sums are exact (numeric: jsonb keeps a number's digits), so no compensation term is needed (e stays 0).
  const exact = (field: string) => d.exactNumber!(ent.fields.get(field)!);
  const picks = def.nums.flatMap((f, i) => [`sign * (${exact(f)} IS NOT NULL)::int AS c${i}`, `sign * coalesce(${exact(f)}, 0) AS s${i}`]);
  const here = `d.app_id = ${Math.trunc(appId)} AND d.type = '${checkedIdent(def.type)}'`;
  // Each record's figures read once, then one row per group field (LATERAL VALUES): read in
  // the same SELECT as the join they were read once per group field (200 rows: 6 ms, now 2).
  const rows = (source: string) =>
    `SELECT k.g, k.v, d.* FROM (SELECT sign, data${picks.map((p) => `, ${p}`).join("")} FROM ${source} AS d WHERE ${here} OFFSET 0) AS d ` +
    `CROSS JOIN LATERAL (VALUES ${keys.join(", ")}) AS k(g, v)`;
  const sums = def.nums.flatMap((_, i) => [`sum(c${i})`, `sum(s${i})`, "0"]);
  // A change that moves no figure (an edit of a title) writes nothing.
  const moved = ["sum(sign) <> 0", ...def.nums.flatMap((_, i) => [`sum(c${i}) <> 0`, `sum(s${i}) <> 0`])].join(" OR ");
  const grouped = (source: string) => `SELECT g, v, sum(sign)${sums.map((s) => `, ${s}`).join("")} FROM (${rows(source)}) AS x GROUP BY g, v`;
  const set = ["n = r.n + excluded.n", ...def.nums.flatMap((_, i) => [`c${i} = r.c${i} + excluded.c${i}`, `s${i} = r.s${i} + excluded.s${i}`])];
  const into = `INSERT INTO ${def.name} AS r (${cols(def).join(", ")})`;
  const apply = `${into} ${grouped("%1$s")} HAVING ${moved} ON CONFLICT (g, v) DO UPDATE SET ${set.join(", ")}`;
  const numCols = def.nums.flatMap((_, i) => [`c${i} BIGINT NOT NULL`, `s${i} NUMERIC NOT NULL`, `e${i} NUMERIC NOT NULL`]);
  return {
    create: `CREATE TABLE ${def.name} (g TEXT COLLATE "C" NOT NULL, v TEXT COLLATE "C" NOT NULL, n BIGINT NOT NULL${numCols.map((c) => `, ${c}`).join("")}, PRIMARY KEY (g, v))`,
    apply,
    fill: `${into} ${grouped(`(SELECT 1 AS sign, app_id, type, data FROM entities WHERE app_id = ${Math.trunc(appId)} AND type = '${checkedIdent(def.type)}')`)} HAVING sum(sign) > 0`,
  };
}

/** The trigger functions of migration 10: name, transition table, the rows as `apply` reads them. */
const FUNCTIONS = [
  ["entity_rollups_added", "added", "(SELECT 1 AS sign, app_id, type, data FROM added)"],
  ["entity_rollups_removed", "removed", "(SELECT -1 AS sign, app_id, type, data FROM removed)"],
  ["entity_rollups_changed", "after_rows", "(SELECT -1 AS sign, app_id, type, data FROM before_rows UNION ALL SELECT 1, app_id, type, data FROM after_rows)"],
] as const;

/**
 * Write the trigger functions' bodies from every rollup's statement, after the rollups
 * changed (in the same transaction): for each (app, type) among a statement's rows, the
 * branch of its rollup with the statement inline. Inline, PostgreSQL plans each statement
 * once per connection; run with EXECUTE it was planned again on every write (a create
 * cost 0.7 ms more, against 0.05 ms now).
 */
export async function writeRollupTriggers(tx: Queryable): Promise<void> {
  const rows = await tx.all<{ app_id: number; type: string; apply: string }>(
    "SELECT app_id, type, apply FROM entity_rollups WHERE apply IS NOT NULL ORDER BY app_id, type",
  );
  // The loop's record is not named r: the statements call their table r.
  for (const [name, changed, source] of FUNCTIONS) {
    const branches = rows.map(
      (r, i) =>
        `${i ? "ELSIF" : "IF"} each_key.app_id = ${Math.trunc(r.app_id)} AND each_key.type = '${checkedIdent(r.type)}' THEN\n      ${r.apply.replace("%1$s", () => source)};`,
    );
    const body = rows.length
      ? `DECLARE each_key record;\nBEGIN\n  FOR each_key IN SELECT DISTINCT app_id, type FROM ${changed} LOOP\n    ${branches.join("\n    ")}\n    END IF;\n  END LOOP;\n  RETURN NULL;\nEND`
      : "BEGIN\n  RETURN NULL;\nEND";
    if (body.includes("$torque$")) throw new Error("a rollup statement holds the function's quote");
    await tx.run(`CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $torque$\n${body}\n$torque$`);
  }
}

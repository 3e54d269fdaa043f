// A PostgreSQL database made under older index rules is brought in line at open. The
// rules changed once: text was folded with translate() for the trigram indexes, and is now
// folded with lower() under the "C" collation (ten times faster, the same A–Z-only rule);
// an index of the old expression would serve no query, so the open rebuilds it. And they
// were made on `entities`, copied to all 8 partitions; now each is made on the partition
// that holds the app's rows, and an open moves the older ones there.
import { afterAll, describe, expect, test } from "bun:test";
import { dropPgDatabase, freshPgDatabase, onPostgres } from "../../../tests/helpers/db";
import { growEveryType } from "../../../tests/helpers/growth";
import { templates } from "../../model/templates";
import { openServices } from "../../services";
import type { Actor } from "../../services/actor";
import { openDatabase } from "../open";

growEveryType(); // these tests are about what the per-field indexes make fast, on small data

const actor: Actor = { kind: "cli", id: "tester" };

describe.if(onPostgres)("index rules on PostgreSQL", () => {
  let url = "";
  afterAll(async () => {
    if (url) await dropPgDatabase(url);
  }, 30_000);

  test("an app's trigram index under the old folding is rebuilt under the new one at open", async () => {
    url = await freshPgDatabase();
    let appId = 0;
    const s = await openServices(url);
    try {
      const m = await s.models.create(templates.todo, actor);
      appId = (await s.apps.create(m.id, "todo", actor)).id;
      const p = await s.entities.create("todo", "project", { name: "P" }, { actor });
      await s.entities.create("todo", "task", { title: "Write the REPORT", project: p.id }, { actor });
    } finally {
      await s.close();
    }

    // Put one trigram index back the way the old rules made it: same table, old expression, old name.
    const db = await openDatabase(url, { migrate: false });
    const ix = (await db.get<{ name: string; definition: string }>(
      "SELECT name, definition FROM entity_indexes WHERE definition LIKE '%gin_trgm_ops%' AND type = 'task' LIMIT 1",
    ))!;
    const old = ix.definition
      .replace(/lower\(\(\((.*?)\)\)::text COLLATE "C"\)/g, "translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')")
      .replace(ix.name, "ent_old_trgm")
      .replace(/ ON entities_p\d+ /, " ON entities ");
    expect(old).toContain("translate(");
    expect(old).toContain(" ON entities USING");
    await db.transaction(async (tx) => {
      await tx.run(`DROP INDEX ${ix.name}`);
      await tx.run(old);
      await tx.run("UPDATE entity_indexes SET name = 'ent_old_trgm', definition = ? WHERE name = ?", [old, ix.name]);
    });
    await db.close();

    const again = await openServices(url);
    try {
      const check = await openDatabase(url, { migrate: false });
      try {
        expect(await check.get("SELECT 1 AS x FROM entity_indexes WHERE definition LIKE '%translate(%'")).toBeUndefined();
        const live = (await check.all<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE indexname IN (?, ?)", [ix.name, "ent_old_trgm"])).map(
          (r) => r.name,
        );
        expect(live).toEqual([ix.name]);
        // Every index of the app lives on the partition that holds its rows, none on the others.
        const where = await check.all<{ partition: string; n: number }>(
          `SELECT c.relname AS partition, count(*) AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
           WHERE c.relname LIKE 'entities\\_p%' AND pg_get_expr(i.indpred, i.indrelid) LIKE '%app_id = ' || ? || '%' GROUP BY 1`,
          [appId],
        );
        expect(where).toHaveLength(1);
        expect(Number(where[0]!.n)).toBe(Number((await check.get<{ n: number }>("SELECT count(*) AS n FROM entity_indexes WHERE app_id = ?", [appId]))!.n));
      } finally {
        await check.close();
      }
      const found = await again.entities.query("todo", "task", { filter: { title: { contains: "report" } } });
      expect(found.data.map((r) => r.data.title)).toEqual(["Write the REPORT"]);
    } finally {
      await again.close();
    }
  });
});

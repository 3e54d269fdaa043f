// PostgreSQL picks its own plans for grid pages; these tests hold the three things Torque
// does so that it picks well (and that the answers stay the exact rule's whichever way):
// statistics on each indexed field's expression, every sort key in a keyset segment's
// ORDER BY, and a text filter's page read by the sort's order or through the indexes as its
// matches call for; and totals estimated from a sample when counting would read many rows.
import { describe, expect, test } from "bun:test";
import { onPostgres } from "../../../tests/helpers/db";
import { growEveryType } from "../../../tests/helpers/growth";
import { templates } from "../../model/templates";
import { COUNT } from "../../store/entities/count";
import { buildPageQuery, TEXT_PAGE } from "../../store/entities/query";
import type { Actor } from "../actor";
import type { TestServices } from "../testing";
import { testServices } from "./test-kit";

growEveryType(); // these tests are about what the per-field indexes make fast, on small data

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-pg-plans-", actor);

const plan = async (t: TestServices, sql: string, params: unknown[]) =>
  (await t.db.all<Record<string, string>>(`EXPLAIN ${sql}`, params as never)).map((r) => Object.values(r)[0]).join("\n");
/** The SQL a call sends through the driver's reads. */
async function spySql(t: TestServices, f: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const { all } = t.db;
  t.db.all = ((sql: string, params?: never) => {
    sent.push(sql);
    return all.call(t.db, sql, params);
  }) as typeof t.db.all;
  try {
    await f();
  } finally {
    t.db.all = all;
  }
  return sent;
}
type Row = { title: string; status: string; due?: string };
const statistics = async (t: TestServices, appId: number) =>
  (await t.db.all<{ name: string }>("SELECT stxname AS name FROM pg_statistic_ext WHERE stxname LIKE ?", [`st\\_${appId}\\_%`])).map((r) => r.name);

describe.if(onPostgres)("PostgreSQL's plans for grid pages", () => {
  let t: TestServices;
  let appId: number;
  const N = 6000;
  const titles: Row[] = [];

  test("each indexed field gets statistics on its expression, filled by ANALYZE, kept in line with the model", async () => {
    t = await fresh(templates.todo, "todo");
    const p = await t.entities.create("todo", "project", { name: "P" }, { actor });
    for (let i = 0; i < N; i++)
      titles.push({
        title: `${i % 3 === 0 ? "Alpha" : "beta"} ${String(i).padStart(5, "0")}`,
        status: i % 10 === 0 ? "open" : ["doing", "done"][i % 2]!,
        ...(i % 4 === 0 ? {} : { due: `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}` }),
      });
    await t.entities.insertMany(
      "todo",
      "task",
      titles.map((r) => ({ ...r, project: p.id })),
      { actor },
    );
    await t.db.settle();
    appId = (await t.apps.runtime("todo")).id;
    const names = await statistics(t, appId);
    expect(names.length).toBeGreaterThan(10);
    // Filled: the planner knows that a tenth of the tasks are open.
    const filled = await t.db.all<{ n: number }>(
      "SELECT count(*) AS n FROM pg_stats_ext_exprs WHERE statistics_name = ANY(string_to_array(?, ',')) AND most_common_vals IS NOT NULL",
      [names.join(",")],
    );
    expect(Number(filled[0]!.n)).toBeGreaterThan(0);
    // A field no longer indexed gives its statistics up; the app's deletion takes them all.
    const m = await t.models.get("todo");
    const doc = structuredClone(m.doc);
    const task = doc.entities.find((e) => e.name === "task")!;
    task.fields = task.fields.map((f) => (f.name === "priority" ? { ...f, indexed: false } : f));
    await t.models.save(m.id, doc, actor);
    expect((await statistics(t, appId)).length).toBe(names.length - 1);
  });

  test("a filter on a common value, sorted by another field, walks the sort's index (no sort of every match)", async () => {
    const rt = await t.apps.runtime("todo");
    const q = buildPageQuery(rt.id, rt.model.entities.get("task")!, t.db.dialect, {
      filter: { status: "doing" },
      sort: [{ field: "title", dir: "asc" }],
      limit: 10,
    });
    const p = await plan(t, q.parts[0]!.sql, [...q.parts[0]!.params, 11]);
    expect(p).toMatch(/Index Scan using ent_\d+_task_/);
    expect(p).not.toMatch(/Sort/);
  });

  test("a keyset page inside a run of empty values is read in the index's order, not sorted", async () => {
    const rt = await t.apps.runtime("todo");
    const ent = rt.model.entities.get("task")!;
    const opts = { filter: { status: "doing" }, sort: [{ field: "due", dir: "asc" as const }], limit: 20 };
    const first = await t.entities.query("todo", "task", opts);
    expect(first.data[0]!.data.due).toBeUndefined(); // empty dues come first ascending
    const q = buildPageQuery(rt.id, ent, t.db.dialect, { ...opts, cursor: first.pagination.nextCursor });
    const inNulls = q.parts.find((part) => part.sql.includes("IS NULL AND id >"))!;
    const p = await plan(t, inNulls.sql, [...inNulls.params, 21]);
    expect(p).not.toMatch(/Sort/);
    // And every page, walked to the end, is the exact order.
    const expected = titles
      .map((r, i) => ({ ...r, i }))
      .filter((r) => r.status === "doing")
      .sort((a, b) => (a.due ?? "").localeCompare(b.due ?? "") || 0);
    let cursor: string | null | undefined;
    const seen: string[] = [];
    do {
      const page = await t.entities.query("todo", "task", { ...opts, limit: 400, cursor });
      seen.push(...page.data.map((r) => `${r.data.due ?? ""}`));
      cursor = page.pagination.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected.map((r) => r.due ?? ""));
  });

  test("a text filter's page is read the way its matches call for, and every page is the exact rule's", async () => {
    const rt = await t.apps.runtime("todo");
    const ent = rt.model.entities.get("task")!;
    const saved = { ...TEXT_PAGE };
    // Small bounds, so that 6,000 tasks reach every path: the walk of the sort's order
    // fills the page (common), the matches found and sorted (few), and past the cap a walk
    // to the end (text only) or the planner's plan (another condition beside the text).
    Object.assign(TEXT_PAGE, { walkRows: 300, probeCap: 60 });
    try {
      const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
      const cases = [
        { name: "common", filter: { title: { contains: "BETA" } }, pred: (r: Row) => lower(r.title).includes("beta"), path: /AS w WHERE/ },
        { name: "few", filter: { title: { startsWith: "alpha 0123" } }, pred: (r: Row) => lower(r.title).startsWith("alpha 0123"), path: /count\(\*\) OVER/ },
        { name: "sparse", filter: { $search: "12" }, pred: (r: Row) => r.title.includes("12"), path: /OFFSET 0\) AS w WHERE/ },
        {
          name: "text and more",
          filter: { status: "doing", title: { contains: "12" } },
          pred: (r: Row) => r.status === "doing" && r.title.includes("12"),
          path: /^SELECT id, data/,
        },
      ];
      for (const c of cases) {
        const sql = await spySql(t, () => t.entities.query("todo", "task", { filter: c.filter, sort: [{ field: "title", dir: "desc" }], limit: 10 }));
        expect({ name: c.name, read: sql.some((x) => c.path.test(x)) }).toEqual({ name: c.name, read: true });
        for (const dir of ["asc", "desc"] as const)
          for (const limit of [29, 700]) {
            const want = titles
              .filter(c.pred)
              .map((r) => r.title)
              .sort((a, b) => (dir === "asc" ? (a < b ? -1 : 1) : a < b ? 1 : -1));
            const got: string[] = [];
            let cursor: string | null | undefined;
            do {
              const page = await t.entities.query("todo", "task", { filter: c.filter, sort: [{ field: "title", dir }], limit, cursor });
              got.push(...page.data.map((r) => r.data.title as string));
              cursor = page.pagination.nextCursor;
            } while (cursor);
            expect({ name: c.name, dir, limit, got }).toEqual({ name: c.name, dir, limit, got: want });
          }
      }
      // The few are found through the trigram index.
      const q = buildPageQuery(rt.id, ent, t.db.dialect, { filter: cases[1]!.filter, sort: [{ field: "title", dir: "desc" }], limit: 10 });
      expect(await plan(t, q.probe!.few[0]!.sql, [...q.probe!.few[0]!.params, 11])).toMatch(/Bitmap Index Scan/);
    } finally {
      Object.assign(TEXT_PAGE, saved);
    }
  });

  test("a sort by two fields reads one value of the first at a time, and every page is in the exact order", async () => {
    const rt = await t.apps.runtime("todo");
    const ent = rt.model.entities.get("task")!;
    const sorts = [
      [{ field: "status" }, { field: "title", dir: "desc" }],
      [{ field: "due" }, { field: "title" }], // many values: past LOOSE_GROUPS the rest is read the plain way
      [
        { field: "due", dir: "desc" },
        { field: "status", dir: "desc" },
      ],
    ] as const;
    for (const sort of sorts)
      for (const filter of [
        undefined,
        { status: { ne: "open" } },
        { title: { contains: "1" } },
        // Few enough for one page to hold every value and the empty run after (or before) them.
        { or: [{ due: { gte: "2025-12-27" } }, { and: [{ due: { isNull: true } }, { status: "open" }] }] },
      ]) {
        // The order PostgreSQL itself gives the whole sorted query: the reference.
        const whole = buildPageQuery(rt.id, ent, t.db.dialect, { filter, sort: [...sort], limit: 10 });
        const want = (await t.db.all<{ id: string }>(whole.parts[0]!.sql.replace(/LIMIT \?$/, ""), whole.parts[0]!.params as never)).map((r) => r.id);
        expect(whole.parts[0]!.loose).toBeDefined();
        for (const limit of [29, 700]) {
          const got: string[] = [];
          let cursor: string | null | undefined;
          do {
            const page = await t.entities.query("todo", "task", { filter, sort: [...sort], limit, cursor });
            got.push(...page.data.map((r) => r.id));
            cursor = page.pagination.nextCursor;
          } while (cursor);
          expect({ sort, filter, limit, same: got.length === want.length && got.every((id, i) => id === want[i]) }).toEqual({
            sort,
            filter,
            limit,
            same: true,
          });
        }
      }
    const sql = await spySql(t, () => t.entities.query("todo", "task", { sort: [{ field: "status" }, { field: "title" }], limit: 10 }));
    expect(sql.some((x) => /IS NULL ORDER BY/.test(x))).toBe(true);
    expect(sql.some((x) => /LIMIT 1\) ORDER BY/.test(x))).toBe(true);
  }, 60_000);

  test("totals: an estimate from a sample of blocks when many match, counted when few do", async () => {
    const saved = { ...COUNT };
    Object.assign(COUNT, { smallType: 100, pgGuess: 1000, pgExact: 2000 });
    try {
      const total = async (filter: unknown) => (await t.entities.query("todo", "task", { filter, limit: 1, total: true })).pagination;
      const beta = titles.filter((r) => r.title.startsWith("beta")).length;
      const est = await total({ title: { startsWith: "beta" } });
      expect(est.totalExact).toBe(false);
      expect(Math.abs(est.total! - beta) / beta).toBeLessThan(0.1);
      expect(await total({ title: { startsWith: "beta" } })).toEqual(est); // the same data gives the same estimate
      expect(await total({ title: { startsWith: "alpha 0123" } })).toMatchObject({
        total: titles.filter((r) => r.title.startsWith("Alpha 0123")).length,
        totalExact: true,
      });
      expect(await total({ status: "open" })).toMatchObject({ total: titles.filter((r) => r.status === "open").length, totalExact: true });
      expect(await total({ title: { contains: "zzz" } })).toMatchObject({ total: 0, totalExact: true });
      // An estimate is never below what the first page shows.
      expect((await t.entities.query("todo", "task", { filter: { title: { startsWith: "beta" } }, limit: 1, total: true })).pagination.total).toBeGreaterThan(
        1,
      );
    } finally {
      Object.assign(COUNT, saved);
    }
  });

  test("deleting the app drops its statistics", async () => {
    await t.apps.delete("todo", actor);
    expect(await statistics(t, appId)).toEqual([]);
  });
});

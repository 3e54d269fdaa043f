// `offset`: a page that starts some rows after the cursor (or the start), so a grid can
// jump into the middle of a long list. Checked against the whole list sorted the same way,
// with filters, multi-key sorts (NULLs included), after a cursor (whose rows come in
// several keyset parts), and bad values refused through JSON-RPC as invalid params.
import { beforeAll, describe, expect, test } from "bun:test";
import { methodTable } from "../../rpc/methods";
import { handleRpc } from "../../rpc/protocol";
import type { Actor } from "../actor";
import type { Services } from "../index";
import { failure, issues, testServices } from "./test-kit";
import type { EntityRecord } from "./types";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-offset-", actor);

const MODEL = {
  name: "Shelf",
  entities: [
    {
      name: "book",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "pages", type: "integer" },
        { name: "genre", type: "enum", values: ["a", "b", "c"] },
        { name: "published", type: "date" },
      ],
    },
  ],
};

let s: Services;
let all: EntityRecord[];
beforeAll(async () => {
  s = await fresh(MODEL, "shelf");
  const rows = Array.from({ length: 240 }, (_, i) => ({
    title: `book ${String((i * 53) % 240).padStart(3, "0")}`,
    ...(i % 7 !== 3 && { pages: (i * 31) % 20 }), // duplicates and gaps
    genre: ["a", "b", "c"][i % 3],
    ...(i % 5 !== 0 && { published: `2024-0${1 + (i % 9)}-1${i % 10}` }),
  }));
  await s.entities.insertMany("shelf", "book", rows, { actor });
  all = (await s.entities.query("shelf", "book", { limit: 1000 })).data;
  expect(all).toHaveLength(240);
});

const q = (opts: Parameters<Services["entities"]["query"]>[2]) => s.entities.query("shelf", "book", opts);
const ids = (rs: { id: string }[]) => rs.map((r) => r.id);

/** Every match in order, by walking keyset pages without an offset (the reference). */
async function walk(opts: { filter?: unknown; sort?: unknown }): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await q({ ...opts, cursor, limit: 37 });
    out.push(...ids(page.data));
    cursor = page.pagination.nextCursor;
  } while (cursor);
  return out;
}

describe("offset", () => {
  const cases: { name: string; filter?: unknown; sort?: unknown }[] = [
    { name: "default order" },
    { name: "one key, descending", sort: [{ field: "title", dir: "desc" }] },
    {
      name: "two keys with NULLs",
      sort: [
        { field: "pages", dir: "asc" },
        { field: "published", dir: "desc" },
      ],
    },
    { name: "filtered and sorted", filter: { genre: { in: ["a", "c"] }, pages: { gte: 5 } }, sort: [{ field: "published" }, { field: "title", dir: "desc" }] },
  ];
  for (const c of cases)
    test(`${c.name}: a page from the start at each offset is the same slice of the full order`, async () => {
      const full = await walk(c);
      expect(full.length).toBeGreaterThan(40);
      for (const offset of [0, 1, 17, Math.floor(full.length / 2), full.length - 3, full.length, full.length + 5]) {
        const page = await q({ filter: c.filter, sort: c.sort, offset, limit: 10 });
        expect(ids(page.data)).toEqual(full.slice(offset, offset + 10));
        expect(page.pagination.nextCursor === null).toBe(offset + 10 >= full.length);
      }
    });

  test("after a cursor: skips across the keyset parts, and its nextCursor continues the order", async () => {
    const sort = [{ field: "pages", dir: "desc" }, { field: "genre" }, { field: "title" }];
    const full = await walk({ sort });
    const first = await q({ sort, limit: 25 });
    expect(ids(first.data)).toEqual(full.slice(0, 25));
    // Offsets that land inside the first keyset part, across several parts, and past the end.
    for (const offset of [0, 3, 40, 150, full.length - 30, full.length]) {
      const page = await q({ sort, cursor: first.pagination.nextCursor, offset, limit: 12 });
      expect(ids(page.data)).toEqual(full.slice(25 + offset, 25 + offset + 12));
      if (page.pagination.nextCursor) {
        const next = await q({ sort, cursor: page.pagination.nextCursor, limit: 12 });
        expect(ids(next.data)).toEqual(full.slice(25 + offset + 12, 25 + offset + 24));
      }
    }
  });

  test("with total: the count of every match, not of the rows after the offset", async () => {
    const filter = { genre: "b" };
    const page = await q({ filter, offset: 30, limit: 5, total: true });
    expect(page.pagination.total).toBe(all.filter((r) => r.data.genre === "b").length);
    expect(page.pagination.totalExact).toBe(true);
    const past = await q({ filter, offset: 200, limit: 5, total: true });
    expect(past.data).toEqual([]);
    expect(past.pagination.total).toBe(80);
  });

  test("bad values are refused by the service, naming offset", async () => {
    for (const offset of [-1, 1.5, "10", 1_000_001]) {
      const e = await failure(q({ offset }));
      expect(issues(e).map((i) => i.field)).toEqual(["offset"]);
      expect(e.message).toContain("offset must be a whole number from 0 to 1,000,000");
    }
  });

  test("through JSON-RPC: queryEntities and loadEntityData take it; a bad value is -32602 naming offset", async () => {
    const call = async (method: string, params: Record<string, unknown>) =>
      JSON.parse((await handleRpc(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), methodTable(), { services: s, actor }))!);
    const ok = await call("queryEntities", { app: "shelf", entity: "book", sort: [{ field: "title" }], offset: 100, limit: 3 });
    const full = await walk({ sort: [{ field: "title" }] });
    expect(ids(ok.result.data)).toEqual(full.slice(100, 103));
    const grid = await call("loadEntityData", { app: "shelf", entity: "book", sort: [{ field: "title" }], offset: 100, limit: 3 });
    expect(ids(grid.result.data)).toEqual(full.slice(100, 103));
    for (const offset of [-1, 2.5, "x", 1_000_001]) {
      const bad = await call("queryEntities", { app: "shelf", entity: "book", offset });
      expect(bad.error.code).toBe(-32602);
      expect(bad.error.data.map((i: { field: string }) => i.field)).toContain("offset");
    }
  });
});

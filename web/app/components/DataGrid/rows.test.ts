// The grid's paging store against a fake source answering like the server (keyset
// cursors, `offset`, the reversed sort, totals exact or estimated): which requests a
// window causes, where rows land, how an estimated total is corrected, and that answers
// to a query no longer shown are ignored.
import { describe, expect, test } from "bun:test";
import type { DataSource } from "../../lib/source";
import type { EntityRecord, PageResult, QueryParams } from "../../lib/types";
import { RowStore } from "./rows";

const N = 100_000;
const PAGE = 150;
const record = (i: number): EntityRecord => ({ id: `r${String(i).padStart(6, "0")}`, entity: "t", data: { n: i }, version: 1, createdAt: "", updatedAt: "" });

interface Fake {
  source: DataSource;
  calls: QueryParams[];
  /** Answers held back until released (for stale-answer tests). */
  held: (() => void)[];
  list: EntityRecord[];
}

/** A source over `n` records in id order; `estimate` scales the reported total (marked inexact) unless 1. */
function fake(n = N, estimate = 1, hold = false): Fake {
  const list = Array.from({ length: n }, (_, i) => record(i));
  const calls: QueryParams[] = [];
  const held: (() => void)[] = [];
  const query = (_entity: string, p: QueryParams, signal?: AbortSignal): Promise<PageResult> => {
    calls.push(p);
    const desc = p.sort?.[0]?.dir === "desc";
    const ordered = desc ? [...list].reverse() : list;
    const start = (p.cursor ? Number(p.cursor) : 0) + (p.offset ?? 0);
    const limit = p.limit ?? 50;
    const data = ordered.slice(start, start + limit);
    const more = start + limit < ordered.length;
    const page: PageResult = {
      data,
      pagination: {
        nextCursor: more ? String(start + limit) : null,
        limit,
        ...(p.total && { total: Math.round(ordered.length * estimate), totalExact: estimate === 1 }),
      },
    };
    return new Promise((resolve, reject) => {
      const answer = () => (signal?.aborted ? reject(Object.assign(new Error("aborted"), { name: "AbortError" })) : resolve(page));
      if (hold) held.push(answer);
      else queueMicrotask(answer);
    });
  };
  return { source: { query } as unknown as DataSource, calls, held, list };
}

const settle = async (ms = 0) => {
  for (let i = 0; i < 6; i++) await Bun.sleep(ms / 6);
};
/** Let answers arrive and delayed jumps fire, a few rounds. */
const run = () => settle(180);

function storeOf(f: Fake) {
  const s = new RowStore(
    f.source,
    () => "t",
    () => PAGE,
  );
  s.reset({ sort: [], fields: [], include: [] });
  return s;
}

const ids = (s: RowStore, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => s.row(from + k)?.id);
const want = (f: Fake, from: number, to: number) => f.list.slice(from, to + 1).map((r) => r.id);

describe("RowStore", () => {
  test("the first page asks for the total; rows land at their indices", async () => {
    const f = fake();
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    expect(f.calls[0]).toMatchObject({ limit: PAGE, total: true, sort: [] });
    expect(s.total()).toBe(N);
    expect(s.exact()).toBe(true);
    expect(s.status()).toBe("ready");
    expect(ids(s, 0, 20)).toEqual(want(f, 0, 20));
  });

  test("scrolling on extends the run by its cursor; no offset, no total", async () => {
    const f = fake();
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    s.want(140, 170);
    await run();
    expect(f.calls[1]).toMatchObject({ cursor: String(PAGE) });
    expect(f.calls[1]!.offset).toBeUndefined();
    expect(f.calls[1]!.total).toBeUndefined();
    expect(ids(s, 140, 170)).toEqual(want(f, 140, 170));
  });

  test("the end comes from the reversed sort in one request", async () => {
    const f = fake();
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    s.want(N - 25, N - 1);
    await run();
    expect(f.calls.slice(1)).toHaveLength(1);
    expect(f.calls[1]).toMatchObject({ sort: [{ field: "id", dir: "desc" }], limit: PAGE });
    expect(f.calls[1]!.cursor).toBeUndefined();
    expect(ids(s, N - 25, N - 1)).toEqual(want(f, N - 25, N - 1));
    // Scrolling up from the end continues the reversed run.
    s.want(N - 300, N - 270);
    await run();
    expect(f.calls[2]).toMatchObject({ sort: [{ field: "id", dir: "desc" }], cursor: String(PAGE) });
    expect(ids(s, N - 300, N - 270)).toEqual(want(f, N - 300, N - 270));
  });

  test("the middle comes from offset, and scrolling up from there fills the gap above", async () => {
    const f = fake();
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    s.want(50_000, 50_020);
    await run();
    // From a few rows above the window (kept loaded for scrolling up a little).
    expect(f.calls[1]).toMatchObject({ offset: 49_990 });
    expect(ids(s, 50_000, 50_020)).toEqual(want(f, 50_000, 50_020));
    s.want(49_900, 49_920);
    await run();
    // The gap above loaded rows is filled from its bottom: a page ending where they start.
    expect(f.calls[2]).toMatchObject({ offset: 49_990 - PAGE });
    expect(ids(s, 49_890, 50_010)).toEqual(want(f, 49_890, 50_010));
  });

  test("a window far from everything waits until it stops moving (a dragged scrollbar)", async () => {
    const f = fake();
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    for (let i = 1; i <= 20; i++) {
      s.want(i * 4000, i * 4000 + 20);
      await Bun.sleep(10);
    }
    await run();
    // One jump, to where the window stopped (less the few rows kept above it).
    expect(f.calls.slice(1).map((c) => c.offset)).toEqual([79_990]);
  });

  test("an estimate too high: the true end found by a run reaching it", async () => {
    const f = fake(10_000, 1.05);
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    expect(s.total()).toBe(10_500);
    expect(s.exact()).toBe(false);
    s.want(9_800, 9_820);
    await run();
    s.want(9_900, 9_999);
    await run();
    expect(s.total()).toBe(10_000);
    expect(s.exact()).toBe(true);
    expect(ids(s, 9_980, 9_999)).toEqual(want(f, 9_980, 9_999));
  });

  test("an estimate too high: the last rows still sit at the bottom, and meeting them from above fixes the total", async () => {
    const f = fake(10_000, 1.05);
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    s.want(10_480, 10_499);
    await run();
    // Placed from the end of the estimate: the last record is the last row shown.
    expect(s.row(10_499)?.id).toBe(f.list.at(-1)!.id);
    // A jump that reaches rows the tail holds: the same record seen from both ends.
    s.want(9_700, 9_720);
    await run();
    s.want(9_840, 9_860);
    await run();
    expect(s.total()).toBe(10_000);
    expect(s.exact()).toBe(true);
    expect(ids(s, 9_700, 9_999)).toEqual(want(f, 9_700, 9_999));
  });

  test("an estimate too low grows as rows past it arrive, until the end", async () => {
    const f = fake(1_000, 0.5);
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    expect(s.total()).toBe(500);
    for (let i = 100; i < 1_000 && !s.exact(); i += 100) {
      s.want(i, i + 20);
      await run();
      expect(s.total()).toBeGreaterThan(Math.min(i + 20, 999));
    }
    expect(s.total()).toBe(1_000);
    expect(s.exact()).toBe(true);
    expect(ids(s, 0, 999)).toEqual(want(f, 0, 999));
    expect(f.calls.every((c) => !c.offset && c.sort?.length === 0)).toBe(true);
  });

  test("answers to an earlier query are ignored", async () => {
    const f = fake(N, 1, true);
    const s = storeOf(f);
    s.reset({ sort: [{ field: "n", dir: "desc" }], fields: [], include: [] });
    // The second query's answer first, then the first's (late): only the second counts.
    f.held[1]!();
    await settle();
    const shown = s.row(0)?.id;
    f.held[0]!();
    await settle();
    expect(s.row(0)?.id).toBe(shown!);
    expect(f.calls[1]!.sort).toEqual([{ field: "n", dir: "desc" }]);
  });

  test("patch replaces a loaded record; remove closes the gap and counts one less", async () => {
    const f = fake(1_000);
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    s.patch({ ...record(5), data: { n: 5, x: "new" }, version: 2 });
    expect(s.row(5)?.data.x).toBe("new");
    s.patch({ ...record(5), data: { n: 5, x: "older" }, version: 1 });
    expect(s.row(5)?.data.x).toBe("new");
    s.remove(record(3).id);
    expect(s.total()).toBe(999);
    expect(s.row(3)?.id).toBe(record(4).id);
    expect(s.indexOf(record(10).id)).toBe(9);
    expect(s.record(record(3).id)).toBeUndefined();
  });

  test("a failed page is an error with a retry", async () => {
    let fail = true;
    const f = fake(1_000);
    const inner = f.source.query.bind(f.source);
    f.source.query = (e, p, sig) => (fail ? Promise.reject(new Error("boom")) : inner(e, p, sig));
    const s = storeOf(f);
    s.want(0, 20);
    await run();
    expect(s.status()).toBe("error");
    expect((s.error() as Error).message).toBe("boom");
    fail = false;
    s.retry();
    await run();
    expect(s.status()).toBe("ready");
    expect(s.row(0)?.id).toBe(record(0).id);
  });
});

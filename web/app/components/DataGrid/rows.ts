// The rows of a grid: a sparse window onto a server-side list of any length. The scroller
// asks for the rows it shows (`want`); the store loads pages of them:
//
// - a run of pages follows its keyset cursor (`head` runs downwards from a row index);
// - a jump far away starts a new run with `offset` instead of walking thousands of pages;
// - the end comes from the reversed sort (`tail` runs, counted from the last row upwards),
//   so the last rows show at once even when the total is only an estimate;
// - an estimated total is corrected when the true end is found (a run reaching it, or the
//   same record met from both ends).
//
// Requests for rows scrolled far away, or of a sort or filter no longer shown, are aborted
// and their answers ignored.
import { type Accessor, batch, createSignal, type Setter, untrack } from "solid-js";
import type { DataSource } from "../../lib/source";
import type { EntityRecord, Filter, PageResult, SortKey } from "../../lib/types";
import { reversed } from "./model";

export interface RowQuery {
  filter?: Filter;
  sort: SortKey[];
  fields: string[];
  include: string[];
}

/** The server's bound on `offset`. */
const MAX_OFFSET = 1_000_000;
/** Requests at once. */
const PARALLEL = 3;
/** A jump waits until the window stops moving this long (a dragged scrollbar passes many places). */
const JUMP_DELAY = 90;
/** Loaded rows beyond which runs far from the window are dropped. */
const KEEP_ROWS = 30_000;

interface Run {
  /** Counted from the end (the reversed sort) rather than from the start. */
  tail: boolean;
  /** Positions [start, end) loaded, from the start (head) or from the end (tail). */
  start: number;
  end: number;
  /** Continues after `end`; null once the list's end was reached (or before the first page). */
  cursor: string | null;
  ctrl?: AbortController;
}

interface Request {
  ctrl: AbortController;
  /** Head indices the answer will fill. */
  lo: number;
  hi: number;
}

export type Status = "loading" | "ready" | "error";

export class RowStore {
  readonly total: Accessor<number | undefined>;
  readonly exact: Accessor<boolean>;
  readonly status: Accessor<Status>;
  readonly error: Accessor<unknown>;
  private readonly setTotal: Setter<number | undefined>;
  private readonly setExact: Setter<boolean>;
  private readonly setStatus: Setter<Status>;
  private readonly setError: Setter<unknown>;
  private readonly version: Accessor<number>;
  private readonly bump: () => void;

  private head = new Map<number, EntityRecord>();
  private tail = new Map<number, EntityRecord>();
  private headIds = new Map<string, number>();
  private tailIds = new Map<string, number>();
  private runs: Run[] = [];
  private pending = new Set<Request>();
  private gen = 0;
  private lo = 0;
  private hi = 0;
  private jumpTimer: ReturnType<typeof setTimeout> | undefined;
  private q: RowQuery = { sort: [], fields: [], include: [] };

  constructor(
    private readonly source: DataSource,
    private readonly entity: () => string,
    private readonly pageSize: () => number,
  ) {
    [this.total, this.setTotal] = createSignal<number | undefined>();
    [this.exact, this.setExact] = createSignal(true);
    [this.status, this.setStatus] = createSignal<Status>("loading");
    [this.error, this.setError] = createSignal<unknown>();
    const [version, setVersion] = createSignal(0);
    this.version = version;
    this.bump = () => setVersion((v) => v + 1);
  }

  /** Start over with this query (sort, filter, fields): everything loaded is dropped. */
  reset(q: RowQuery): void {
    this.q = q;
    this.gen++;
    for (const r of this.pending) r.ctrl.abort();
    this.pending.clear();
    clearTimeout(this.jumpTimer);
    this.head.clear();
    this.tail.clear();
    this.headIds.clear();
    this.tailIds.clear();
    this.runs = [];
    batch(() => {
      this.setStatus("loading");
      this.setError(undefined);
      this.bump();
    });
    this.load(this.newRun(false, 0), true);
  }

  /** Reload what is shown (after a reconnect): the total and the window, keeping the place. */
  reload(): void {
    this.reset(this.q);
  }

  /** After a failed page: try the missing rows again. */
  retry(): void {
    if (this.total() === undefined) {
      this.reset(this.q);
      return;
    }
    batch(() => {
      this.setStatus("ready");
      this.setError(undefined);
    });
    this.fill();
  }

  dispose(): void {
    this.gen++;
    for (const r of this.pending) r.ctrl.abort();
    clearTimeout(this.jumpTimer);
  }

  /** The rows the scroller shows now (head indices, inclusive). */
  want(lo: number, hi: number): void {
    this.lo = Math.max(0, lo);
    this.hi = Math.max(this.lo, hi);
    untrack(() => this.fill());
  }

  /** The record at a row index, if loaded (reactive). */
  row(i: number): EntityRecord | undefined {
    this.version();
    return this.at(i, this.total());
  }

  private at(i: number, t: number | undefined): EntityRecord | undefined {
    if (t === undefined || i >= t) return undefined;
    return this.head.get(i) ?? this.tail.get(t - 1 - i);
  }

  /** Every loaded record, in order where known (reactive). */
  loaded(): EntityRecord[] {
    this.version();
    const t = this.total() ?? 0;
    const seen = new Set<string>();
    const out: EntityRecord[] = [];
    const add = (r: EntityRecord) => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      out.push(r);
    };
    for (const i of [...this.head.keys()].sort((a, b) => a - b)) if (i < t) add(this.head.get(i)!);
    for (const k of [...this.tail.keys()].sort((a, b) => b - a)) if (k < t) add(this.tail.get(k)!);
    return out;
  }

  /** The row index of a loaded record. */
  indexOf(id: string): number | undefined {
    const h = this.headIds.get(id);
    if (h !== undefined) return h;
    const k = this.tailIds.get(id);
    const t = this.total();
    return k === undefined || t === undefined ? undefined : t - 1 - k;
  }

  /** A loaded record by id (not reactive). */
  record(id: string): EntityRecord | undefined {
    const h = this.headIds.get(id);
    if (h !== undefined) return this.head.get(h);
    const k = this.tailIds.get(id);
    return k === undefined ? undefined : this.tail.get(k);
  }

  /** Put a newer version of a loaded record in its place (a live update, a saved edit). */
  patch(rec: EntityRecord): void {
    let changed = false;
    for (const [ids, map] of [
      [this.headIds, this.head],
      [this.tailIds, this.tail],
    ] as const) {
      const at = ids.get(rec.id);
      const old = at === undefined ? undefined : map.get(at);
      if (!old || old.version > rec.version) continue;
      map.set(at!, merge(old, rec));
      changed = true;
    }
    if (changed) this.bump();
  }

  /** Take a deleted record out: the rows after it move up one. */
  remove(id: string): void {
    const h = this.headIds.get(id);
    const k = this.tailIds.get(id);
    if (h === undefined && k === undefined) return;
    if (h !== undefined) this.shiftOut(false, h);
    if (k !== undefined) this.shiftOut(true, k);
    batch(() => {
      const t = this.total();
      if (t !== undefined) this.setTotal(Math.max(0, t - 1));
      this.bump();
    });
  }

  /** Records were created: reload the first page and the total, keeping every other loaded row where it is. */
  refreshStart(): void {
    if (this.status() !== "ready") return;
    const gen = this.gen;
    const ctrl = new AbortController();
    this.source
      .query(this.entity(), this.params(false, { limit: this.pageSize(), total: true }), ctrl.signal)
      .then((page) => {
        if (gen !== this.gen) return;
        for (const run of this.runs.filter((r) => !r.tail && r.start === 0)) this.dropRun(run);
        const run = this.newRun(false, 0);
        this.accept(run, page, true);
      })
      .catch((e) => {
        if (gen === this.gen && !isAbort(e)) this.fail(e);
      });
  }

  // ---------------------------------------------------------------- loading

  private newRun(tail: boolean, start: number): Run {
    const run: Run = { tail, start, end: start, cursor: null };
    this.runs.push(run);
    return run;
  }

  private params(tail: boolean, extra: Record<string, unknown>) {
    const q = this.q;
    return {
      sort: tail ? reversed(q.sort) : q.sort,
      ...(q.filter && { filter: q.filter }),
      ...(q.fields.length && { fields: q.fields }),
      ...(q.include.length && { include: q.include }),
      ...extra,
    };
  }

  /** Head indices a run's next page fills. */
  private span(run: Run): [number, number] {
    const n = this.pageSize();
    if (!run.tail) return [run.end, run.end + n - 1];
    const t = this.total() ?? 0;
    return [t - run.end - n, t - 1 - run.end];
  }

  private load(run: Run, withTotal = false): void {
    const gen = this.gen;
    const ctrl = new AbortController();
    run.ctrl = ctrl;
    const [lo, hi] = this.span(run);
    const req: Request = { ctrl, lo, hi };
    this.pending.add(req);
    const first = run.end === run.start;
    const p = this.params(run.tail, {
      limit: this.pageSize(),
      ...(first ? run.start > 0 && { offset: run.start } : { cursor: run.cursor }),
      ...(withTotal && { total: true }),
    });
    this.source
      .query(this.entity(), p, ctrl.signal)
      .then((page) => {
        if (gen === this.gen && !ctrl.signal.aborted) this.accept(run, page, withTotal);
      })
      .catch((e) => {
        if (gen === this.gen && !ctrl.signal.aborted && !isAbort(e)) this.fail(e);
      })
      .finally(() => {
        this.pending.delete(req);
        if (run.ctrl === ctrl) run.ctrl = undefined;
        if (gen !== this.gen) return;
        if (run.end === run.start && this.runs.includes(run) && ctrl.signal.aborted) this.runs.splice(this.runs.indexOf(run), 1);
        this.fill();
      });
  }

  private accept(run: Run, page: PageResult, withTotal: boolean): void {
    batch(() => {
      const pg = page.pagination;
      if (withTotal && pg.total !== undefined) {
        this.setTotal(pg.total);
        this.setExact(pg.totalExact !== false);
      }
      const [map, ids, otherIds] = run.tail ? [this.tail, this.tailIds, this.headIds] : [this.head, this.headIds, this.tailIds];
      page.data.forEach((rec, n) => {
        const pos = run.end + n;
        const old = map.get(pos);
        if (old && ids.get(old.id) === pos) ids.delete(old.id);
        map.set(pos, rec);
        ids.set(rec.id, pos);
        // The same record seen from both ends places the end exactly.
        const other = otherIds.get(rec.id);
        if (other !== undefined) this.found(pos + other + 1);
      });
      run.end += page.data.length;
      run.cursor = pg.nextCursor;
      const t = this.total();
      if (!page.data.length && run.start > 0 && run.end === run.start) {
        // Nothing at this offset: the list is shorter than estimated (or than it was).
        this.setTotal(Math.min(t ?? run.start, run.start));
        this.setExact(false);
      } else if (!pg.nextCursor) this.found(run.end);
      else if (t === undefined || run.end >= t) {
        // An estimate below what exists: there is at least one row more.
        this.setTotal(run.end + 1);
        this.setExact(false);
      }
      if (run.end > run.start) this.mergeRuns(run);
      else if (this.runs.includes(run)) this.runs.splice(this.runs.indexOf(run), 1);
      this.setStatus("ready");
      this.bump();
    });
    this.evict();
  }

  /** The list's true length is known. */
  private found(total: number): void {
    if (this.total() !== total) this.setTotal(total);
    this.setExact(true);
  }

  private fail(e: unknown): void {
    batch(() => {
      this.setError(e);
      this.setStatus("error");
    });
  }

  /** Runs of the same side that now touch become one (the later one's cursor continues it). */
  private mergeRuns(run: Run): void {
    for (const other of [...this.runs]) {
      if (other === run || other.tail !== run.tail || !this.runs.includes(run)) continue;
      const [a, b] = run.start <= other.start ? [run, other] : [other, run];
      if (a.end < b.start || b.end === b.start) continue;
      if (b.end > a.end) {
        a.end = b.end;
        a.cursor = b.cursor;
      }
      b.ctrl?.abort();
      this.runs.splice(this.runs.indexOf(b), 1);
    }
  }

  private fill(): void {
    if (this.status() === "error") return;
    const t = this.total();
    if (t === undefined || t === 0) return;
    const n = this.pageSize();
    const lo = Math.max(0, this.lo - 10);
    const hi = Math.min(t - 1, this.hi + Math.ceil(n / 2));
    // Answers for rows far from the window are no longer wanted.
    for (const r of this.pending)
      if (r.hi < lo - n || r.lo > hi + n) {
        r.ctrl.abort();
        this.pending.delete(r);
      }
    const covered = (i: number) => [...this.pending].some((r) => r.lo <= i && i <= r.hi);
    let jumpAt: number | undefined;
    for (let i = lo; i <= hi && this.pending.size < PARALLEL; i++) {
      if (this.at(i, t) || covered(i)) continue;
      const run = this.extendable(i, t);
      if (run) this.load(run);
      else {
        jumpAt ??= i;
        // Skip over this gap: one jump fills it.
        i += n - 1;
      }
    }
    clearTimeout(this.jumpTimer);
    if (jumpAt !== undefined) this.jumpTimer = setTimeout(() => this.jump(jumpAt), JUMP_DELAY);
  }

  /** A run whose next pages reach row i soon (two pages), not loading already. */
  private extendable(i: number, t: number): Run | undefined {
    const near = this.pageSize() * 2;
    return this.runs.find((r) => {
      if (r.ctrl || !r.cursor) return false;
      const pos = r.tail ? t - 1 - i : i;
      return r.end <= pos && pos - r.end < near;
    });
  }

  /** Start a run at row i, without walking there. */
  private jump(i: number): void {
    const t = this.total();
    if (t === undefined || this.status() === "error" || this.pending.size >= PARALLEL || this.at(i, t)) return;
    const n = this.pageSize();
    if (t - i <= n) {
      // The last rows: the reversed sort's first page.
      if (!this.runs.some((r) => r.tail && r.start === 0)) this.load(this.newRun(true, 0));
    } else if (i <= MAX_OFFSET) {
      // A gap closed below by loaded rows (scrolling up) is filled from its bottom, with rows above it as a margin.
      let j = i;
      while (j < i + n && !this.at(j, t)) j++;
      const start = j < i + n ? Math.max(0, j - n) : i;
      this.load(this.newRun(false, start));
    } else {
      const k = Math.max(0, t - i - n);
      if (k <= MAX_OFFSET) this.load(this.newRun(true, k));
    }
  }

  private dropRun(run: Run): void {
    run.ctrl?.abort();
    const [map, ids] = run.tail ? [this.tail, this.tailIds] : [this.head, this.headIds];
    for (let p = run.start; p < run.end; p++) {
      const rec = map.get(p);
      if (rec && ids.get(rec.id) === p) ids.delete(rec.id);
      map.delete(p);
    }
    this.runs.splice(this.runs.indexOf(run), 1);
  }

  /** Memory stays bounded: when many rows are loaded, runs away from the window go. */
  private evict(): void {
    if (this.head.size + this.tail.size <= KEEP_ROWS) return;
    const t = this.total() ?? 0;
    const margin = this.pageSize() * 4;
    for (const run of [...this.runs]) {
      const [a, b] = run.tail ? [t - run.end, t - 1 - run.start] : [run.start, run.end - 1];
      if (!run.ctrl && (b < this.lo - margin || a > this.hi + margin)) this.dropRun(run);
    }
    this.bump();
  }

  /** Remove position p of one side: later positions move down one. */
  private shiftOut(tail: boolean, p: number): void {
    const [map, ids] = tail ? [this.tail, this.tailIds] : [this.head, this.headIds];
    const moved = [...map.entries()].filter(([q]) => q > p).sort((a, b) => a[0] - b[0]);
    const gone = map.get(p);
    if (gone) ids.delete(gone.id);
    map.delete(p);
    for (const [q, rec] of moved) {
      map.delete(q);
      map.set(q - 1, rec);
      ids.set(rec.id, q - 1);
    }
    for (const run of this.runs) {
      if (run.tail !== tail) continue;
      if (run.start > p) run.start--;
      if (run.end > p) run.end--;
    }
  }
}

/** A newer record over an older one: referenced records still valid are kept (a live change carries no includes). */
function merge(old: EntityRecord, rec: EntityRecord): EntityRecord {
  const out = { ...rec, createdAt: old.createdAt, data: { ...old.data, ...rec.data } };
  if (!old.related) return out;
  const related = { ...old.related, ...rec.related };
  for (const k of Object.keys(old.related)) if (!rec.related?.[k] && rec.data[k] !== old.data[k]) delete related[k];
  return { ...out, related };
}

const isAbort = (e: unknown) => (e as Error)?.name === "AbortError";

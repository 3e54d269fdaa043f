// A bounded cache of rows read through a driver, kept coherent with writes: a key written
// in a transaction is dropped at once, skipped by readers until the transaction ends, and
// dropped again after commit (so no reader can put back the old row in between). The
// driver clears it when another process changes the database.

export interface CacheStats {
  /** Point reads served from the cache since the driver opened. */
  hits: number;
  /** Point reads that went to the database. */
  misses: number;
  /** hits / (hits + misses), 0 before the first read. */
  hitRate: number;
  size: number;
}

export class RowCache<T = unknown> {
  private rows = new Map<string, T>();
  private dirty = new Map<string, number>(); // key → transactions writing it
  hits = 0;
  misses = 0;
  /** Moves on every invalidation; a row read before it moved may be stale and is not kept. */
  generation = 0;

  constructor(private readonly capacity: number) {}

  get(key: string): T | undefined {
    const v = this.rows.get(key);
    if (v === undefined) this.misses++;
    else this.hits++;
    return v;
  }

  /**
   * Remember a row read when the cache was at `readAt` (its generation then). Not while a
   * transaction is writing the key, and not if anything was invalidated since the read:
   * the read may predate a commit that has since been released.
   */
  set(key: string, value: T, readAt: number): void {
    if (readAt !== this.generation || this.dirty.has(key) || this.capacity <= 0) return;
    if (this.rows.size >= this.capacity) {
      // Evict the oldest tenth in insertion order: cheap, and close enough to LRU for point reads.
      let n = Math.ceil(this.capacity / 10);
      for (const k of this.rows.keys()) {
        this.rows.delete(k);
        if (--n === 0) break;
      }
    }
    this.rows.set(key, value);
  }

  /** A transaction is writing key: forget it and keep it out until `release`. */
  hold(key: string): void {
    this.rows.delete(key);
    this.generation++;
    this.dirty.set(key, (this.dirty.get(key) ?? 0) + 1);
  }

  release(key: string): void {
    this.rows.delete(key);
    this.generation++;
    const n = (this.dirty.get(key) ?? 1) - 1;
    if (n <= 0) this.dirty.delete(key);
    else this.dirty.set(key, n);
  }

  delete(key: string): void {
    this.rows.delete(key);
    this.generation++;
  }

  clear(): void {
    this.rows.clear();
    this.generation++;
  }

  stats(): CacheStats {
    const reads = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, hitRate: reads ? this.hits / reads : 0, size: this.rows.size };
  }
}

/**
 * What both drivers share: the row cache, and the listeners told when another process
 * changed the database (each driver detects that its own way).
 */
export abstract class CachingDriver {
  readonly cache: RowCache;
  private externalListeners = new Set<() => void>();

  constructor(cacheRows = 50_000) {
    this.cache = new RowCache(cacheRows);
  }

  onExternalChange(fn: () => void): () => void {
    this.externalListeners.add(fn);
    return () => this.externalListeners.delete(fn);
  }

  /** Another process changed the database: tell every listener. */
  protected changedElsewhere(): void {
    for (const fn of this.externalListeners) fn();
  }

  invalidate(key: string) {
    this.cache.delete(key);
  }
  invalidateAll() {
    this.cache.clear();
  }
}

// A small hook engine: named events, handlers run in priority order (lower first).
// `before*` handlers may change the event or throw to veto; the caller decides what an
// error means. Generic: it knows nothing of entities or workflows.

export type Handler<E> = (event: E) => void | Promise<void>;

interface Entry {
  // One list holds handlers of every event type; `on` keeps each typed to its own event.
  // biome-ignore lint/suspicious/noExplicitAny: the registry erases the per-event type
  fn: Handler<any>;
  priority: number;
  /** A cheap, synchronous test: does this handler care about the event at all? */
  // biome-ignore lint/suspicious/noExplicitAny: as fn above
  when?: (event: any) => boolean;
}

export class Hooks<Events extends Record<string, unknown>> {
  private handlers = new Map<keyof Events, Entry[]>();

  /**
   * Register a handler; returns a function that removes it. `when` lets callers skip
   * building work for events no handler wants (bulk writes ask once per batch).
   */
  on<K extends keyof Events>(name: K, fn: Handler<Events[K]>, priority = 0, when?: (event: Events[K]) => boolean): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push({ fn, priority, when });
    list.sort((a, b) => a.priority - b.priority);
    this.handlers.set(name, list);
    return () => {
      const l = this.handlers.get(name);
      if (l)
        this.handlers.set(
          name,
          l.filter((h) => h.fn !== fn),
        );
    };
  }

  has(name: keyof Events): boolean {
    return (this.handlers.get(name)?.length ?? 0) > 0;
  }

  /** Whether any handler of `name` wants this event (its `when` passes, or it has none). */
  wants<K extends keyof Events>(name: K, event: Events[K]): boolean {
    const list = this.handlers.get(name);
    return !!list && list.some((h) => !h.when || h.when(event));
  }

  /** Run every handler in order; the first error stops the chain and is thrown. */
  async run<K extends keyof Events>(name: K, event: Events[K]): Promise<void> {
    const list = this.handlers.get(name);
    if (!list) return;
    for (const h of list) if (!h.when || h.when(event)) await h.fn(event);
  }

  /** Run every handler; errors are passed to onError and do not stop the others (for after-commit events). */
  async notify<K extends keyof Events>(name: K, event: Events[K], onError: (e: unknown) => void): Promise<void> {
    const list = this.handlers.get(name);
    if (!list) return;
    for (const h of list) {
      if (h.when && !h.when(event)) continue;
      try {
        await h.fn(event);
      } catch (e) {
        onError(e);
      }
    }
  }
}

// A query that stays current: loaded when its key changes, loaded again when the server
// reports a change to what it reads (at most twice a second however many changes
// arrive) and after a reconnect. Shared by Kpi, Chart and Text. The last value stays on
// screen while a refresh runs, so a live update never flashes a skeleton.
import { type Accessor, createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
import type { EntityChange } from "../../lib/types";
import type { ComponentContext } from "../contract";

/** Refreshes are at least this far apart (≤ 2 per second). */
export const REFRESH_MS = 500;

export interface LiveQuery<T> {
  data: Accessor<T | undefined>;
  error: Accessor<unknown>;
  /** A load is running (the first one or a refresh). */
  loading: Accessor<boolean>;
  retry(): void;
}

export function liveQuery<K, T>(
  ctx: ComponentContext,
  /** What to load; undefined: nothing (a bad prop, no open record). Compared by its JSON. */
  key: () => K | undefined,
  load: (key: K) => Promise<T>,
  /** Whether a pushed change concerns this query. */
  touches: (key: K, change: EntityChange) => boolean,
): LiveQuery<T> {
  const json = createMemo(() => {
    const k = key();
    return k === undefined ? undefined : JSON.stringify(k);
  });
  const [data, setData] = createSignal<T>();
  const [error, setError] = createSignal<unknown>();
  const [loading, setLoading] = createSignal(false);
  let seq = 0;
  let current: K | undefined;

  const run = async () => {
    const k = current;
    const mine = ++seq;
    if (k === undefined) {
      setLoading(false);
      return;
    }
    setLoading(true);
    try {
      const d = await load(k);
      if (mine !== seq) return;
      setData(() => d);
      setError(undefined);
    } catch (e) {
      if (mine !== seq) return;
      setError(() => e ?? new Error("failed"));
    } finally {
      if (mine === seq) setLoading(false);
    }
  };

  createEffect(
    on(json, (j) => {
      current = j === undefined ? undefined : (JSON.parse(j) as K);
      // Another query: the old answer would be wrong, so it goes (the skeleton shows).
      setData(undefined);
      setError(undefined);
      void run();
    }),
  );

  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poke = () => {
    if (timer !== undefined) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        last = Date.now();
        void run();
      },
      Math.max(0, last + REFRESH_MS - Date.now()),
    );
  };
  const stop = ctx.source.listen({ entity: (e) => current !== undefined && touches(current, e) && poke(), resync: poke });
  onCleanup(() => {
    stop();
    clearTimeout(timer);
    seq++;
  });

  return { data, error, loading, retry: () => void run() };
}

// Keeping a grid current: changes of its entity type heard over the app's connection are
// gathered and applied at most five times a second (the first at once), so a flood of
// changes cannot freeze it. An update of a loaded row patches it in place (fetched, in one query for all, when
// the change carries no data); a delete takes the row out; creates reload the first page
// and the total; a reconnect reloads what is shown.
import { onCleanup } from "solid-js";
import type { DataSource } from "../../lib/source";
import type { EntityChange, EntityRecord } from "../../lib/types";
import type { RowStore } from "./rows";

const EVERY_MS = 200;

export function followChanges(source: DataSource, entity: () => string | undefined, store: RowStore, include: () => string[]): void {
  let created = false;
  const updated = new Map<string, EntityChange>();
  const deleted = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  let last = Number.NEGATIVE_INFINITY;
  // The first change after a quiet spell applies at once (a row someone just made shows up
  // without delay); the ones after it wait for the rest of the 200 ms window.
  const schedule = () => {
    if (timer === undefined && !running) timer = setTimeout(flush, Math.max(0, last + EVERY_MS - performance.now()));
  };

  async function flush() {
    timer = undefined;
    running = true;
    last = performance.now();
    const ent = entity();
    const ups = [...updated.values()];
    const dels = [...deleted];
    const made = created;
    updated.clear();
    deleted.clear();
    created = false;
    try {
      if (!ent) return;
      for (const id of dels) store.remove(id);
      const fetch: string[] = [];
      for (const e of ups) {
        const old = store.record(e.id);
        if (!old) continue;
        if (e.data) store.patch(changed(ent, e));
        // A changed reference needs its record's label: it comes with the include.
        if (!e.data || include().some((f) => old.data[f] !== e.data?.[f])) fetch.push(e.id);
      }
      if (made) store.refreshStart();
      if (fetch.length) {
        const page = await source.query(ent, {
          filter: { id: { in: fetch.slice(0, 500) } },
          limit: Math.min(500, fetch.length),
          ...(include().length && { include: include() }),
        });
        for (const r of page.data) store.patch(r);
      }
    } catch {
      // A failed catch-up leaves the rows as they were; the next change or reconnect tries again.
    } finally {
      running = false;
      if (created || updated.size || deleted.size) schedule();
    }
  }

  const stop = source.listen({
    entity: (e) => {
      if (e.entity !== entity()) return;
      if (e.op === "delete") {
        deleted.add(e.id);
        updated.delete(e.id);
      } else if (e.op === "create") created = true;
      else updated.set(e.id, e);
      schedule();
    },
    resync: () => store.reload(),
  });
  onCleanup(() => {
    stop();
    clearTimeout(timer);
  });
}

function changed(entity: string, e: EntityChange): EntityRecord {
  const now = new Date().toISOString();
  return { id: e.id, entity, data: e.data ?? {}, version: e.version, createdAt: now, updatedAt: now };
}

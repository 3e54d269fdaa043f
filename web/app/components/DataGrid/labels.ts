// Labels of referenced records a page did not include (a live change carries none): asked
// of the source, which batches the ids of one tick into one request per entity type.
import { createSignal } from "solid-js";
import type { DataSource } from "../../lib/source";

export interface Labels {
  /** The label, or undefined while it is being fetched (reactive). */
  get(entity: string, id: string): string | undefined;
}

export function createLabels(source: DataSource): Labels {
  const [version, setVersion] = createSignal(0);
  const known = new Map<string, string>();
  const asked = new Set<string>();
  return {
    get(entity, id) {
      version();
      const key = `${entity}\u0000${id}`;
      const hit = known.get(key);
      if (hit !== undefined || asked.has(key)) return hit;
      asked.add(key);
      const done = (label: string) => {
        known.set(key, label);
        setVersion((v) => v + 1);
      };
      source.labels(entity, [id]).then(
        (m) => done(m.get(id) ?? id),
        () => done(id),
      );
      return undefined;
    },
  };
}

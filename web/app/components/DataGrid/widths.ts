// Column widths: a default by field type, changed by dragging or arrow keys on a header's
// edge, and kept per grid in localStorage.
import { createEffect, createSignal } from "solid-js";
import type { ColumnDefinition, FieldType } from "../../lib/types";

export const MIN_WIDTH = 64;
export const MAX_WIDTH = 900;
/** The selection column. */
export const SELECT_WIDTH = 44;

const BY_TYPE: Partial<Record<FieldType, number>> = {
  text: 220,
  longtext: 280,
  integer: 130,
  number: 140,
  boolean: 100,
  date: 150,
  datetime: 190,
  enum: 150,
  multienum: 190,
  reference: 200,
  email: 220,
  url: 220,
  json: 200,
};

export const defaultWidth = (col: ColumnDefinition) => BY_TYPE[col.type] ?? 180;

export function createWidths(key: () => string) {
  const read = (k: string): Record<string, number> => {
    try {
      const v = JSON.parse(localStorage.getItem(k) ?? "{}");
      return v && typeof v === "object" && !Array.isArray(v) ? v : {};
    } catch {
      return {};
    }
  };
  const [widths, setWidths] = createSignal<Record<string, number>>(read(key()));
  createEffect(() => setWidths(read(key())));
  const clamp = (w: number) => Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w)));
  return {
    of: (col: ColumnDefinition) => widths()[col.field] ?? defaultWidth(col),
    set(field: string, w: number) {
      const next = { ...widths(), [field]: clamp(w) };
      setWidths(next);
      try {
        localStorage.setItem(key(), JSON.stringify(next));
      } catch {
        // A full or refused storage only loses the width across reloads.
      }
    },
  };
}

// The server's problems with the unsaved document, placed at entity types, fields and
// their properties (the indices in each path are into the document on screen).
import { useMemo } from "react";
import { useEditor } from "../state/context";
import { type Located, locate } from "./model";

/** No problems: one array for all, so what takes the list as a prop is not redrawn for a new empty one. */
const NONE: readonly Located[] = Object.freeze([]);

export function useLocatedProblems(): readonly Located[] {
  // The document is followed only while there are problems to place in it.
  const doc = useEditor((s) => (s.problems.length ? s.doc : null));
  const problems = useEditor((s) => s.problems);
  return useMemo(() => (doc && problems.length ? locate(doc, problems) : NONE), [doc, problems]);
}

/** The messages of the problems at a place, joined; null when there are none. `prop` undefined matches the item as a whole only. */
export function problemAt(located: readonly Located[], entity: string, field: string | undefined, prop: string | undefined): string | null {
  const msgs = located.filter((l) => l.entity === entity && l.field === field && l.prop === prop).map((l) => l.issue.message);
  return msgs.length ? msgs.join(" ") : null;
}

export const hasProblems = (located: readonly Located[], entity: string, field?: string) =>
  located.some((l) => l.entity === entity && (field === undefined || l.field === field));

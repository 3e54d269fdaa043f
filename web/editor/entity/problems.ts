// The server's problems with the unsaved document, placed at entity types, fields and
// their properties (the indices in each path are into the document on screen).
import { useMemo } from "react";
import { useEditor } from "../state/context";
import { type Located, locate } from "./model";

export function useLocatedProblems(): Located[] {
  const doc = useEditor((s) => s.doc);
  const problems = useEditor((s) => s.problems);
  return useMemo(() => locate(doc, problems), [doc, problems]);
}

/** The messages of the problems at a place, joined; null when there are none. `prop` undefined matches the item as a whole only. */
export function problemAt(located: readonly Located[], entity: string, field: string | undefined, prop: string | undefined): string | null {
  const msgs = located.filter((l) => l.entity === entity && l.field === field && l.prop === prop).map((l) => l.issue.message);
  return msgs.length ? msgs.join(" ") : null;
}

export const hasProblems = (located: readonly Located[], entity: string, field?: string) =>
  located.some((l) => l.entity === entity && (field === undefined || l.field === field));

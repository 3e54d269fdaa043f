// The state behind the inputs of CommitInput.tsx: a draft the user types into, committed
// to the model when they are done. The check runs on the draft as it is typed, so a bad
// value is told at once; a value the check refuses, or onCommit refuses with a message,
// stays in the input with the message and changes nothing.
import { useEffect, useState } from "react";

export interface CommitProps<T> {
  value: T;
  /** Apply the value; a message (string) refuses it and is shown. */
  onCommit(value: T): string | undefined | void;
  /** Checked while typing and again before committing; a message refuses the value. The saved value itself is not checked. */
  check?(value: T): string | null;
  /** A problem from elsewhere (the server's), shown when the input has none of its own. */
  problem?: string | null;
  /** Changing it puts the saved value back into the input (a confirmation was cancelled). */
  revision?: number;
  /** Told every value while typing (a live preview elsewhere, e.g. the pattern tester). */
  onDraft?(value: T): void;
}

export function useCommit<T>({ value, onCommit, check, problem, revision, onDraft }: CommitProps<T>, same: (a: T, b: T) => boolean = Object.is) {
  const [draft, setDraft] = useState<T>(value);
  const [refused, setRefused] = useState<string | null>(null);
  // A change from elsewhere (undo, another panel or window, a cancelled rename) replaces the draft.
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is a reset signal
  useEffect(() => {
    setDraft(value);
    setRefused(null);
    onDraft?.(value);
  }, [value, revision]);
  const dirty = !same(draft, value);
  // Worked out on each render, so it follows what the check depends on (the names taken, a bound).
  const checked = dirty ? (check?.(draft) ?? null) : null;
  const commit = () => {
    if (!dirty || checked) return;
    const r = onCommit(draft);
    setRefused(typeof r === "string" ? r : null);
  };
  const change = (v: T) => {
    setDraft(v);
    setRefused(null);
    onDraft?.(v);
  };
  const revert = () => change(value);
  return { draft, dirty, change, commit, revert, error: checked ?? refused ?? problem ?? null };
}

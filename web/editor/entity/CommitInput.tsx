/** @jsxImportSource react */
// Inputs that change the model when the user is done typing (blur or Enter), not on every
// keystroke: the browser's own undo works while typing, and the model's history gets one
// entry per change. Escape puts back the saved value. A value the check refuses stays in
// the input with the message under it and changes nothing.
import { NumberInput, type NumberInputProps, Textarea, type TextareaProps, TextInput, type TextInputProps } from "@mantine/core";
import { type KeyboardEvent, useEffect, useState } from "react";

interface CommitProps<T> {
  value: T;
  /** Apply the value; a message (string) refuses it and is shown. */
  onCommit(value: T): string | undefined | void;
  /** Checked while typing (names) and again before committing; a message refuses the value. */
  check?(value: T): string | null;
  /** A problem from elsewhere (the server's), shown when the input has none of its own. */
  problem?: string | null;
  /** Changing it puts the saved value back into the input (a dialog was cancelled). */
  revision?: number;
  /** Told every value while typing (a live preview elsewhere, e.g. the pattern tester). */
  onDraft?(value: T): void;
}

function useCommit<T>({ value, onCommit, check, problem, revision, onDraft }: CommitProps<T>, same: (a: T, b: T) => boolean = Object.is) {
  const [draft, setDraft] = useState<T>(value);
  const [error, setError] = useState<string | null>(null);
  // A change from elsewhere (undo, another window, a cancelled rename) replaces the draft.
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is a reset signal
  useEffect(() => {
    setDraft(value);
    setError(null);
    onDraft?.(value);
  }, [value, revision]);
  const commit = () => {
    if (same(draft, value)) return;
    const msg = check?.(draft);
    if (msg) return setError(msg);
    const refused = onCommit(draft);
    setError(typeof refused === "string" ? refused : null);
  };
  const change = (v: T) => {
    setDraft(v);
    onDraft?.(v);
    setError(check ? check(v) : null);
  };
  const revert = () => {
    setDraft(value);
    onDraft?.(value);
    setError(null);
  };
  return { draft, change, commit, revert, error: error ?? problem ?? null };
}

type TextProps = CommitProps<string> & Omit<TextInputProps, "value" | "onChange" | "error">;

export function CommitText({ value, onCommit, check, problem, revision, onDraft, ...rest }: TextProps) {
  const c = useCommit({ value, onCommit, check, problem, revision, onDraft });
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      c.commit();
    } else if (e.key === "Escape" && c.draft !== value) {
      e.stopPropagation();
      c.revert();
    }
  };
  return <TextInput {...rest} value={c.draft} error={c.error} onChange={(e) => c.change(e.currentTarget.value)} onBlur={c.commit} onKeyDown={onKeyDown} />;
}

type AreaProps = CommitProps<string> & Omit<TextareaProps, "value" | "onChange" | "error">;

/** Multi-line: Enter makes a new line; blur or Ctrl/⌘+Enter commits. */
export function CommitTextarea({ value, onCommit, check, problem, revision, ...rest }: AreaProps) {
  const c = useCommit({ value, onCommit, check, problem, revision });
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      c.commit();
    } else if (e.key === "Escape" && c.draft !== value) {
      e.stopPropagation();
      c.revert();
    }
  };
  return <Textarea {...rest} value={c.draft} error={c.error} onChange={(e) => c.change(e.currentTarget.value)} onBlur={c.commit} onKeyDown={onKeyDown} />;
}

type NumberProps = CommitProps<number | undefined> & Omit<NumberInputProps, "value" | "onChange" | "error">;
type Typed = number | string | undefined;
// Mantine hands over a number once the text is one, else the text ("", "-", "1.").
const toNumber = (v: Typed): number | undefined =>
  typeof v === "number" ? v : v === undefined || v.trim() === "" || !Number.isFinite(Number(v)) ? undefined : Number(v);

/** A number, or none (empty). */
export function CommitNumber({ value, onCommit, check, problem, revision, ...rest }: NumberProps) {
  const c = useCommit<Typed>(
    { value, onCommit: (v) => onCommit(toNumber(v)), check: check && ((v) => check(toNumber(v))), problem, revision },
    (a, b) => toNumber(a) === toNumber(b),
  );
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      c.commit();
    } else if (e.key === "Escape" && toNumber(c.draft) !== value) {
      e.stopPropagation();
      c.revert();
    }
  };
  return <NumberInput {...rest} value={c.draft ?? ""} error={c.error} onChange={c.change} onBlur={c.commit} onKeyDown={onKeyDown} />;
}

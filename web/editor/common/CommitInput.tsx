/** @jsxImportSource react */
// Inputs that change the model when the user is done typing (blur or Enter), not on every
// keystroke: the browser's own undo works while typing, and the model's history gets one
// entry per change. Escape puts back the saved value (and, only then, is kept from the
// dialog or panel around the input). The diagram's panel and the entity editor use them.
import { NumberInput, type NumberInputProps, Textarea, type TextareaProps, TextInput, type TextInputProps } from "@mantine/core";
import type { KeyboardEvent } from "react";
import { type CommitProps, useCommit } from "./useCommit";

/** Enter (with Ctrl/⌘ where Enter makes a new line) commits; Escape reverts a changed draft. */
function keys(c: { dirty: boolean; commit(): void; revert(): void }, enterNeedsMod = false) {
  return (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === "Enter" && (!enterNeedsMod || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      c.commit();
    } else if (e.key === "Escape" && c.dirty) {
      e.stopPropagation();
      c.revert();
    }
  };
}

type TextProps = CommitProps<string> & Omit<TextInputProps, "value" | "onChange" | "error">;

export function CommitText({ value, onCommit, check, problem, revision, onDraft, ...rest }: TextProps) {
  const c = useCommit({ value, onCommit, check, problem, revision, onDraft });
  return (
    <TextInput
      autoComplete="off"
      {...rest}
      value={c.draft}
      error={c.error}
      onChange={(e) => c.change(e.currentTarget.value)}
      onBlur={c.commit}
      onKeyDown={keys(c)}
    />
  );
}

type AreaProps = CommitProps<string> & Omit<TextareaProps, "value" | "onChange" | "error">;

/** Multi-line: Enter makes a new line; blur or Ctrl/⌘+Enter commits. */
export function CommitTextarea({ value, onCommit, check, problem, revision, onDraft, ...rest }: AreaProps) {
  const c = useCommit({ value, onCommit, check, problem, revision, onDraft });
  return <Textarea {...rest} value={c.draft} error={c.error} onChange={(e) => c.change(e.currentTarget.value)} onBlur={c.commit} onKeyDown={keys(c, true)} />;
}

type NumberProps = CommitProps<number | undefined> & Omit<NumberInputProps, "value" | "onChange" | "error">;
type Typed = number | string | undefined;
// Mantine hands over a number once the text is one, else the text ("", "-", "1.").
const toNumber = (v: Typed): number | undefined =>
  typeof v === "number" ? v : v === undefined || v.trim() === "" || !Number.isFinite(Number(v)) ? undefined : Number(v);

/** A number, or none (empty). */
export function CommitNumber({ value, onCommit, check, problem, revision, onDraft, ...rest }: NumberProps) {
  const c = useCommit<Typed>(
    {
      value,
      onCommit: (v) => onCommit(toNumber(v)),
      check: check && ((v) => check(toNumber(v))),
      problem,
      revision,
      onDraft: onDraft && ((v) => onDraft(toNumber(v))),
    },
    (a, b) => toNumber(a) === toNumber(b),
  );
  return <NumberInput {...rest} value={c.draft ?? ""} error={c.error} onChange={c.change} onBlur={c.commit} onKeyDown={keys(c)} />;
}

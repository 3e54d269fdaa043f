/** @jsxImportSource react */
// A text input that changes the model when the user is done (Enter or leaving the field),
// not on every keystroke: the browser's own undo works while typing, and the history gets
// one entry per change. A value `check` refuses stays in the field with its message and
// changes nothing; Escape puts the saved value back.
import { TextInput, type TextInputProps } from "@mantine/core";
import { useEffect, useState } from "react";

export function CommitInput({
  value,
  check,
  onCommit,
  ...rest
}: Omit<TextInputProps, "value" | "onChange" | "error"> & { value: string; check?(v: string): string | null; onCommit(v: string): void }) {
  const [draft, setDraft] = useState(value);
  // A change from elsewhere (undo, another panel) shows at once.
  useEffect(() => setDraft(value), [value]);
  const error = draft !== value ? (check?.(draft) ?? null) : null;
  const commit = () => {
    if (draft === value || error) return;
    onCommit(draft);
  };
  return (
    <TextInput
      {...rest}
      value={draft}
      error={error}
      autoComplete="off"
      spellCheck={false}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          commit();
        } else if (e.key === "Escape" && draft !== value) {
          e.stopPropagation();
          setDraft(value);
        }
      }}
    />
  );
}

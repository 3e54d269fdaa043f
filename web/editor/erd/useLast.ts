// What a dialog showed last: while it fades out after its action, it keeps showing that
// instead of going blank (or judging its now applied input against the changed model).
import { useRef } from "react";

export function useLast<T>(value: T | null): T | null {
  const last = useRef(value);
  if (value !== null) last.current = value;
  return last.current;
}

// The message for a name that cannot be used (names.ts), for a text input's error. How the
// typed name sits in the sentence is each part's style: the diagram quotes names in all its
// messages ("“task” is taken already."), the entity editor sets them plainly ("task is taken
// already."), so the same check reads like the rest of the part it appears in.
import { useCallback } from "react";
import { useI18n } from "../lib/i18n";
import { nameProblem } from "./names";

export type NameStyle = "plain" | "quoted";

/** `check(name, taken, reserved?)`: the message saying what is wrong with `name`, or null when it can be used. */
export function useNameCheck(style: NameStyle = "plain") {
  const { t } = useI18n();
  return useCallback(
    (name: string, taken: Iterable<string>, reserved?: readonly string[]): string | null => {
      const p = nameProblem(name, taken, reserved);
      return p && t(p, { name: style === "quoted" ? t("commonQuoted", { name }) : name });
    },
    [t, style],
  );
}

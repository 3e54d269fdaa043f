// Counted messages with more placeholders than `tn` fills: `{base}One` / `{base}Other`
// with {n} formatted for the language and any other parameters.
import { useCallback } from "react";
import { type MessageKey, useI18n } from "../lib/i18n";

type Base = { [K in MessageKey]: K extends `${infer B}One` ? (`${B}Other` extends MessageKey ? B : never) : never }[MessageKey];

export function useCount(): (base: Base, n: number, params?: Record<string, string | number>) => string {
  const { t, language } = useI18n();
  return useCallback(
    (base, n, params) => t(`${base}${n === 1 ? "One" : "Other"}` as MessageKey, { ...params, n: new Intl.NumberFormat(language).format(n) }),
    [t, language],
  );
}

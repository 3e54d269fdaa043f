// Every UI string comes from a message catalogue. Each area of the runtime defines its
// own messages with `defineMessages({ en, de })`; the type makes every other language
// carry exactly the English keys, so a missing translation fails the type check.
// `{name}` placeholders are filled from the params. Dates and numbers use the browser's
// locale through Intl.
import { createSignal } from "solid-js";

export const LANGUAGES = ["en", "de"] as const;
export type Language = (typeof LANGUAGES)[number];

function pickLanguage(): Language {
  const asked = new URLSearchParams(location.search).get("lang") ?? localStorage.getItem("torque.lang") ?? navigator.language;
  const base = (asked ?? "en").slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : "en";
}

const [language, setLanguageSignal] = createSignal<Language>(typeof location === "undefined" ? "en" : pickLanguage());

export { language };

export function setLanguage(l: Language): void {
  localStorage.setItem("torque.lang", l);
  document.documentElement.lang = l;
  setLanguageSignal(l);
}

/** The locale for Intl: the browser's own when it speaks the chosen language (so en-GB keeps its dates), else the language. */
export function locale(): string {
  const nav = typeof navigator === "undefined" ? "en" : navigator.language;
  return nav.toLowerCase().startsWith(language()) ? nav : language();
}

type Catalogue = Record<string, string>;
export type Params = Record<string, string | number>;

const fill = (s: string, p?: Params) => (p ? s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(p, k) ? String(p[k]) : m)) : s);

/** A catalogue of one area: `t("key", {n: 3})` reads the current language reactively. */
export function defineMessages<E extends Catalogue>(catalogues: { en: E } & { [L in Exclude<Language, "en">]: { [K in keyof E]: string } }) {
  return (key: keyof E & string, params?: Params): string => {
    const l = language();
    const s = (catalogues[l] as Catalogue)[key] ?? catalogues.en[key] ?? key;
    return fill(s, params);
  };
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f as T;
}

/**
 * Formatted dates by locale and value: a grid shows the same few hundred dates again and
 * again, and Intl's format is the costly part of drawing a cell.
 */
const formatted = new Map<string, string>();
function memo(key: string, make: () => string): string {
  let s = formatted.get(key);
  if (s === undefined) {
    if (formatted.size > 20_000) formatted.clear();
    formatted.set(key, (s = make()));
  }
  return s;
}

/** Numbers, dates and date-times formatted for the browser's locale. */
export const fmt = {
  number: (n: number, opts?: Intl.NumberFormatOptions) =>
    cached(`n${locale()}${JSON.stringify(opts ?? {})}`, () => new Intl.NumberFormat(locale(), opts)).format(n),
  /** A `YYYY-MM-DD` date, shown without shifting it through a time zone. */
  date: (iso: string) =>
    memo(`d${locale()}|${iso}`, () => {
      const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
      return Number.isNaN(d.getTime())
        ? iso
        : cached(`d${locale()}`, () => new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" })).format(d);
    }),
  datetime: (iso: string) =>
    memo(`t${locale()}|${iso}`, () => {
      const d = new Date(iso);
      return Number.isNaN(d.getTime())
        ? iso
        : cached(`t${locale()}`, () => new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" })).format(d);
    }),
};

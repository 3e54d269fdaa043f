/** @jsxImportSource react */
// The language of the editor: chosen from ?lang=, then the one remembered (the same key
// the app runtime uses, so both speak alike), then the browser's; kept on <html lang>.
import {
  type ComponentType,
  createContext,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import { catalogues, type Messages, messagesFor, onMessagesLoaded, showLanguage } from "./messages";

export const LANGUAGES = ["en", "de"] as const;
export type Language = (typeof LANGUAGES)[number];
export type MessageKey = keyof Messages;
/** Keys with a `One` and an `Other` form, named without the suffix. */
type CountKey = { [K in MessageKey]: K extends `${infer B}One` ? (`${B}Other` extends MessageKey ? B : never) : never }[MessageKey];

const STORAGE_KEY = "torque.lang";

function initialLanguage(): Language {
  const asked = new URLSearchParams(location.search).get("lang") ?? localStorage.getItem(STORAGE_KEY) ?? navigator.language;
  const base = asked.slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : "en";
}

type Params = Record<string, string | number>;
const fill = (s: string, p?: Params) => (p ? s.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(p, k) ? String(p[k]) : m)) : s);

export interface I18n {
  language: Language;
  setLanguage(l: Language): void;
  t(key: MessageKey, params?: Params): string;
  /** A count with its noun: `tn("records", 3)` → "3 records". */
  tn(key: CountKey, n: number): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => {
    const l = initialLanguage();
    showLanguage(l);
    return l;
  });
  // Bumped when a part's strings arrive after it was drawn (the language was switched).
  const [loaded, setLoaded] = useState(0);
  useEffect(() => onMessagesLoaded(() => setLoaded((n) => n + 1)), []);
  const setLanguage = useCallback((l: Language) => {
    localStorage.setItem(STORAGE_KEY, l);
    document.documentElement.lang = l;
    showLanguage(l);
    setLanguageState(l);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `loaded` renews t when strings arrive
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = language;
    // Read at each call: a lazily loaded part adds its strings before it renders. A string
    // whose translation has not arrived yet is shown in English rather than as its key.
    const messages = catalogues[language];
    const en = catalogues.en;
    const format = new Intl.NumberFormat(language);
    return {
      language,
      setLanguage,
      t: (key, params) => fill(messages[key] ?? en[key] ?? key, params),
      tn: (key, n) => {
        const k = `${key}${n === 1 ? "One" : "Other"}` as MessageKey;
        return fill(messages[k] ?? en[k] ?? k, { n: format.format(n) });
      },
    };
  }, [language, setLanguage, loaded]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error("useI18n outside I18nProvider");
  return v;
}

/**
 * React.lazy for a part of the editor: its chunk, then its strings in the language on
 * screen (German is a chunk of its own), so the part is never drawn half translated.
 * `preload()` starts fetching it before it is drawn (the diagram's chunk while the model
 * itself is still being read).
 */
export function lazyPart<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): LazyExoticComponent<ComponentType<P>> & { preload(): void } {
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const start = () => {
    loading ??= load().then(async (part) => {
      await messagesFor(document.documentElement.lang === "de" ? "de" : "en");
      return part;
    });
    return loading;
  };
  return Object.assign(lazy(start), { preload: () => void start() });
}

// The seeded generator of hostile input shared by the fuzz tests (tests/fuzz/*.test.ts):
// a deterministic PRNG (the seed is printed with every failure; FUZZ_SEED=N repeats a
// run, FUZZ_SEED=random picks a new one), pools of hostile names and values (prototype
// names, SQL fragments, path-like names, unicode edge cases, giant numbers, NaN-ish text,
// operators where names go), and a mutator that takes a real, valid request and breaks
// one to three places of it. Requests are written by `toJson`, which can also write what
// JSON.stringify cannot: raw number text (1e400, 2^64) and duplicate keys.
//
// Each door's file prints one line of figures ("fuzz rpc: 4246 inputs, 0 crashes, …").
// FUZZ_DEBUG=1 prints failing inputs whole and the time each phase took.

/** The run's base seed: FUZZ_SEED (a number, or "random"), else a fixed one so CI runs are repeatable. */
export const BASE_SEED: number = (() => {
  const env = process.env.FUZZ_SEED;
  if (env === "random") return (Math.random() * 2 ** 32) >>> 0;
  if (env !== undefined && env !== "" && Number.isFinite(Number(env))) return Number(env) >>> 0;
  return 20260301;
})();

/** A door's own seed, derived from the base seed and its name (so doors do not share a sequence). */
export function doorSeed(door: string): number {
  let h = BASE_SEED ^ 0x9e3779b9;
  for (let i = 0; i < door.length; i++) h = Math.imul(h ^ door.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** Mulberry32: small, seeded, good enough to spread cases. */
export class Rng {
  private a: number;
  constructor(readonly seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** 0 … n-1 */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** A child generator, so one case's choices do not shift every later case. */
  fork(): Rng {
    return new Rng((this.next() * 2 ** 32) >>> 0);
  }
}

/**
 * Run a door's fuzz body with its seed; any failure is rethrown with the seed and the
 * command that repeats the run, so a red CI run can be replayed exactly.
 */
export async function withSeed<T>(door: string, body: (rng: Rng) => Promise<T>): Promise<T> {
  const seed = doorSeed(door);
  try {
    return await body(new Rng(seed));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const err = new Error(`fuzz ${door} failed (FUZZ_SEED=${BASE_SEED}, door seed ${seed}; repeat with FUZZ_SEED=${BASE_SEED}):\n${why}`);
    if (e instanceof Error && e.stack) err.stack = `${err.message}\n${e.stack.split("\n").slice(1).join("\n")}`;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// Raw JSON: values JSON.stringify cannot write.

/** A number (or any JSON token) written verbatim: `new Raw("1e400")`. */
export class Raw {
  constructor(readonly text: string) {}
}
/** An object written with the same key more than once, in order. */
export class Dup {
  constructor(readonly entries: [string, unknown][]) {}
}

/** JSON text of a value that may hold Raw and Dup; deep values are written without recursion limits. */
export function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Dup) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : toJson(x))).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${toJson(x)}`);
    return `{${parts.join(",")}}`;
  }
  if (typeof v === "number" && !Number.isFinite(v)) return "null";
  if (typeof v === "bigint") return v.toString();
  return JSON.stringify(v) ?? "null";
}

// ---------------------------------------------------------------------------------------
// Hostile pools.

export const PROTO_NAMES = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "isPrototypeOf"];

export const SQL_FRAGMENTS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '"); DROP TABLE entities; --',
  "'); DELETE FROM models; --",
  "1; UPDATE entities SET data = '{}' --",
  "json_extract(",
  "json_extract(data, '$.title')",
  "data->>'title'",
  "x' UNION SELECT sql FROM sqlite_master --",
  "' UNION SELECT table_name FROM information_schema.tables --",
  "pg_sleep(5)",
  "randomblob(1000000000)",
  "'||(SELECT 1)||'",
  "`id`",
  "[id]",
  "\\' OR 1=1 --",
  "%",
  "_",
  "%_%",
  "'",
  '"',
  ";",
  "--",
  "/*",
  "*/",
  "$1",
  "?",
  ":name",
  "@p",
  "e.data",
  "entities",
  "sqlite_master",
  "NULL",
  "0x41",
  "CHAR(39)",
  "1e0) OR (1",
];

export const PATH_NAMES = [
  "../",
  "../../etc/passwd",
  "..",
  ".",
  "a.b",
  "$.x",
  "$[0]",
  "$",
  "a/b",
  "a\\b",
  "%2e%2e%2f",
  "%00",
  "/work/",
  "C:\\Windows",
  "~",
  "a[0]",
  "a->b",
  "#x",
  "?x=1",
  "a b",
  " title",
  "title ",
  "TITLE",
  "Title",
];

export const UNICODE = [
  "\ud800",
  "\udfff",
  "a\ud800b",
  "\udc00\ud800",
  "\u0000",
  "a\u0000b",
  "\u202eevil",
  "\u200f",
  "\u200b",
  "\ufeff",
  "😀",
  "👨‍👩‍👧‍👦",
  "é",
  "e\u0301",
  "İ",
  "ß",
  "ﬁ",
  "𝒜",
  "\u2028",
  "\u2029",
  "\u0007",
  "\u001b[31mred",
  "\r\n",
  "\t",
  "\uffff",
  "\ufffe",
  "Ä",
  "日本語",
  "עברית",
];

export const NUMERIC_TEXT = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e309",
  "-0",
  "0x10",
  "1_000",
  "١٢٣",
  " 5 ",
  "",
  " ",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "9007199254740993",
  "1e-400",
  "0.1.2",
  "+1",
  "--1",
];

export const OPERATOR_WORDS = ["eq", "ne", "gt", "in", "nin", "between", "contains", "isNull", "and", "or", "not", "$search", "$where", "$gt", "$ne", "*"];

export const TEMPLATE_TEXT = [
  "%s%s%s%n",
  "{{7*7}}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  "${7*7}",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "\\u0000",
  "\\",
  "\\\\",
  "null\u0000",
];

/** Every hostile short string (names and values alike). */
export const HOSTILE_STRINGS: readonly string[] = [
  ...PROTO_NAMES,
  ...SQL_FRAGMENTS,
  ...PATH_NAMES,
  ...UNICODE,
  ...NUMERIC_TEXT,
  ...OPERATOR_WORDS,
  ...TEMPLATE_TEXT,
];

/** Numbers JSON.stringify cannot write, as raw JSON tokens. */
export const RAW_NUMBERS = [
  "1e309",
  "-1e309",
  "1e-400",
  "123456789012345678901234567890",
  "-123456789012345678901234567890",
  "9007199254740993",
  "18446744073709551616",
  "-0",
  "0.1e-7",
  "1.7976931348623157e308",
  "5e-324",
  "1E2",
  "2.5",
  "-1",
  "0",
];

/** A name that is never a model's name (models are lower_snake_case): hostile strings that are not. */
export const isModelName = (s: string): boolean => /^[a-z][a-z0-9_]{0,62}$/.test(s);

/** A hostile string: mostly from the pools, sometimes a combination or a very long one. */
export function hostileString(r: Rng): string {
  const k = r.int(100);
  if (k < 70) return r.pick(HOSTILE_STRINGS);
  if (k < 85) return `${r.pick(HOSTILE_STRINGS)}${r.pick(HOSTILE_STRINGS)}`;
  if (k < 90) return `title${r.pick(SQL_FRAGMENTS)}`;
  if (k < 95) return r.pick(["x", "é", "😀", "'", "\u0000"]).repeat(r.pick([64, 101, 1001, 10_001]));
  return Array.from({ length: 1 + r.int(12) }, () => String.fromCharCode(r.int(0x10000))).join("");
}

/** A hostile name for a place that takes a name (an entity, field, app, flow, relationship): never a valid model name. */
export function hostileName(r: Rng): string {
  for (;;) {
    const s = hostileString(r);
    if (!isModelName(s)) return s;
  }
}

/** Nested arrays or objects `depth` levels deep, built without recursion. */
export function deep(depth: number, kind: "array" | "object" = "array", leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
  return v;
}

/** A value of a random wrong or extreme type. */
export function hostileValue(r: Rng, depth = 0): unknown {
  const k = r.int(100);
  if (k < 30) return hostileString(r);
  if (k < 40) return new Raw(r.pick(RAW_NUMBERS));
  if (k < 50) return r.pick([null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, -1e-308]);
  if (k < 55) return [];
  if (k < 60) return {};
  if (k < 65) return deep(r.pick([10, 65, 100, 1000, 5000]), r.chance(0.5) ? "array" : "object");
  if (k < 68) return Array.from({ length: r.pick([100, 1001, 10_000]) }, (_, i) => i);
  if (k < 71) return Object.fromEntries(Array.from({ length: r.pick([50, 201, 1001]) }, (_, i) => [`k${i}`, i]));
  if (k < 80 && depth < 3) return [hostileValue(r, depth + 1), hostileValue(r, depth + 1)];
  if (k < 90 && depth < 3) return hostileObject(r, depth + 1);
  if (k < 95)
    return new Dup([
      ["a", hostileValue(r, depth + 1)],
      ["a", hostileValue(r, depth + 1)],
    ]);
  return r.pick(OPERATOR_WORDS);
}

/** An object with hostile keys (sometimes `__proto__`, which JSON text keeps as an own key). */
export function hostileObject(r: Rng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const key = hostileString(r);
    Object.defineProperty(o, key, { value: hostileValue(r, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return o;
}

// ---------------------------------------------------------------------------------------
// Mutation of valid requests.

type Path = (string | number)[];

/** Every place in a JSON value (objects and arrays are walked; Raw and Dup are leaves). */
function places(v: unknown, limit = 400): Path[] {
  const out: Path[] = [[]];
  const stack: { v: unknown; at: Path }[] = [{ v, at: [] }];
  while (stack.length && out.length < limit) {
    const { v: x, at } = stack.pop()!;
    if (x instanceof Raw || x instanceof Dup || typeof x !== "object" || x === null) continue;
    const entries: [string | number, unknown][] = Array.isArray(x) ? x.map((y, i) => [i, y]) : Object.entries(x);
    for (const [k, y] of entries) {
      out.push([...at, k]);
      stack.push({ v: y, at: [...at, k] });
    }
  }
  return out;
}

const clone = (v: unknown): unknown => {
  if (v instanceof Raw || v instanceof Dup) return v;
  if (Array.isArray(v)) return v.map(clone);
  if (typeof v === "object" && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(o, k, { value: clone(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
};

const setOwn = (o: Record<string, unknown>, k: string, v: unknown) =>
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

/** What a mutation did, for the failure message. */
export interface Mutated<T = unknown> {
  value: T;
  ops: string[];
}

/**
 * Break a valid value in 1–3 places: replace a value with a hostile one or a wrong type,
 * remove or rename a key, add a hostile key, wrap a value in a list or object, repeat a
 * key, or swap two values. The root is never replaced unless `root` is true.
 */
export function mutate<T>(valid: T, r: Rng, opts: { root?: boolean; times?: number } = {}): Mutated<T> {
  let v = clone(valid);
  const ops: string[] = [];
  const times = opts.times ?? 1 + r.int(3);
  for (let n = 0; n < times; n++) {
    const all = places(v).filter((p) => opts.root || p.length > 0);
    if (!all.length) break;
    const at = r.pick(all);
    const parentPath = at.slice(0, -1);
    const key = at[at.length - 1];
    const parent = parentPath.reduce<any>((o, k) => o?.[k], v);
    const here = at.length ? parent?.[key as never] : v;
    const where = `/${at.join("/")}`;
    const k = r.int(100);
    const put = (x: unknown) => {
      if (!at.length) v = x;
      else if (Array.isArray(parent)) parent[key as number] = x;
      else if (parent && typeof parent === "object" && !(parent instanceof Dup) && !(parent instanceof Raw)) setOwn(parent, String(key), x);
    };
    if (k < 35) {
      const x = hostileValue(r);
      put(x);
      ops.push(`${where} = ${toJson(x).slice(0, 60)}`);
    } else if (k < 45) {
      const x = hostileString(r);
      put(x);
      ops.push(`${where} = ${JSON.stringify(x).slice(0, 60)}`);
    } else if (k < 55 && at.length && parent && typeof parent === "object" && !Array.isArray(parent)) {
      delete parent[key as string];
      ops.push(`delete ${where}`);
    } else if (k < 65 && at.length && parent && typeof parent === "object" && !Array.isArray(parent)) {
      const name = hostileString(r);
      const val = parent[key as string];
      delete parent[key as string];
      setOwn(parent, name, val);
      ops.push(`rename ${where} to ${JSON.stringify(name).slice(0, 40)}`);
    } else if (k < 75 && here && typeof here === "object" && !Array.isArray(here) && !(here instanceof Raw) && !(here instanceof Dup)) {
      const name = hostileString(r);
      setOwn(here as Record<string, unknown>, name, r.chance(0.5) ? hostileValue(r) : clone(here));
      ops.push(`add ${where}/${JSON.stringify(name).slice(0, 40)}`);
    } else if (k < 82) {
      const x = r.chance(0.5) ? [here] : { [r.pick(["eq", "value", "a", "$in"])]: here };
      put(x);
      ops.push(`wrap ${where}`);
    } else if (k < 88 && at.length && parent && typeof parent === "object" && !Array.isArray(parent) && !(parent instanceof Dup)) {
      const entries = Object.entries(parent);
      const dup = new Dup([...entries, [String(key), hostileValue(r)]]);
      if (parentPath.length) {
        const gp = parentPath.slice(0, -1).reduce<any>((o, kk) => o?.[kk], v);
        const pk = parentPath[parentPath.length - 1]!;
        if (Array.isArray(gp)) gp[pk as number] = dup;
        else if (gp && typeof gp === "object") setOwn(gp, String(pk), dup);
      } else v = dup;
      ops.push(`repeat key ${where}`);
    } else if (k < 94) {
      const other = r.pick(all);
      const there = other.reduce<any>((o, kk) => o?.[kk], v);
      put(clone(there));
      ops.push(`${where} = value of /${other.join("/")}`);
    } else {
      const x = r.pick([null, 0, "", [], {}, true, "x".repeat(100_001), new Raw("1e400")]);
      put(x);
      ops.push(`${where} = ${toJson(x).slice(0, 30)}`);
    }
  }
  return { value: v as T, ops };
}

/** Break JSON text: cut it, drop or double a character, or splice in a hostile token. */
export function mutateText(text: string, r: Rng): string {
  const i = r.int(text.length + 1);
  switch (r.int(8)) {
    case 0:
      return text.slice(0, i);
    case 1:
      return text.slice(0, i) + text.slice(i + 1);
    case 2:
      return text.slice(0, i) + text[i] + text.slice(i);
    case 3:
      return (
        text.slice(0, i) + r.pick(['"', "'", "{", "}", "[", "]", ",", ":", "\\", "\u0000", "\ud800", "NaN", "undefined", "1e309", "//", "/*"]) + text.slice(i)
      );
    case 4:
      return text.slice(0, i) + JSON.stringify(hostileString(r)) + text.slice(i);
    case 5:
      return `\ufeff${text}`;
    case 6:
      return `${text}${r.pick(["", " ", "\n", "garbage", "}", "]", ",{}"])}`;
    default:
      return text.replace(/"/g, "'");
  }
}

/**
 * encodeURIComponent for any JavaScript text: a lone surrogate (which encodeURIComponent
 * refuses) is written as the three bytes UTF-8 would give it (%ED%A0%80), which no
 * decoder accepts as UTF-8: what a hostile client would send.
 */
export function uriEncode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff)
      out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(text[i]!);
  }
  return out;
}

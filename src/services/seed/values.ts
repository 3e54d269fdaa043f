// Seed values that satisfy every rule of their field: lengths, patterns (randexp), ranges,
// enum options, item counts, formats, and uniqueness. A plausible value by name (named.ts)
// or the type's own sample is tried first and bent to the rules; what still fails is
// drawn again. The field's kind checks every value, so a generator can never store junk.

import { pick, type Rng } from "../../model/fields/kind";
import { fieldKinds } from "../../model/fields/registry";
import type { Field } from "../../model/schema";
import { byName, type Maker } from "./named";
import { patternMaker } from "./pattern";

export interface FieldGenerator {
  readonly field: Field;
  /**
   * A value for record number n (distinct per record, also across retries), or undefined
   * when none could be made: the caller leaves an optional field empty and refuses to seed
   * a required one.
   */
  next(rng: Rng, n: number): unknown;
  /** For unique fields: this value is taken (by data that was there before), never offer it. */
  taken(value: unknown): void;
  /** How many distinct values the field's rules allow at most (Infinity: more than any seed needs). */
  readonly capacity: number;
}

/** Draws per value before giving up: enough for patterns that rarely fit a length rule. */
const ATTEMPTS = 40;
const FILLER = ["alpha", "harbor", "north", "review", "summer", "draft", "client", "budget"];

export function fieldGenerator(f: Field, entity: string): FieldGenerator {
  const kind = fieldKinds[f.type];
  const draw = drawer(f, entity);
  const dom = f.unique ? domain(f) : undefined;
  const used = new Set<string>(); // values handed out or known taken (unique fields only)
  const key = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const offer = (v: unknown) => {
    if (used.has(key(v))) return false;
    used.add(key(v));
    return true;
  };
  return {
    field: f,
    capacity: dom?.size ?? Infinity,
    taken: (v) => void used.add(key(v)),
    next(rng, n) {
      // A small unique domain (options, booleans, bounded numbers) is walked from a starting
      // point to the first free value, so it fills up completely and then says so.
      if (dom) {
        if (used.size >= dom.size) return undefined;
        const start = dom.ordered ? (n - 1) % dom.size : Math.floor(rng() * dom.size);
        for (let i = 0; i < dom.size; i++) {
          const v = dom.nth((start + i) % dom.size);
          if (kind.coerce(v, f, false).ok && offer(v)) return v;
        }
        return undefined;
      }
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const raw = draw(rng, n, attempt);
        if (raw === undefined) continue;
        const c = kind.coerce(raw, f, false);
        if (c.ok && (!f.unique || offer(c.value))) return c.value;
      }
      // A non-unique field can always fall back on its default (when it has a usable one).
      if (!f.unique && f.default !== undefined && f.default !== "now" && kind.coerce(f.default, f, false).ok) return f.default;
      return undefined;
    },
  };
}

/** Every value a unique field can take, when there are few enough to walk (ordered: walk from the record number). */
function domain(f: Field): { size: number; nth: (i: number) => unknown; ordered: boolean } | undefined {
  const WALKABLE = 1_000_000;
  if (f.type === "enum") return { size: f.values?.length ?? 0, nth: (i) => f.values![i], ordered: false };
  if (f.type === "boolean") return { size: 2, nth: (i) => i === 1, ordered: false };
  if ((f.type === "integer" || f.type === "number") && f.min !== undefined && f.max !== undefined) {
    // Numbers step by hundredths, integers by one.
    const step = f.type === "integer" ? 1 : 0.01;
    const first = f.type === "integer" ? Math.ceil(f.min) : f.min;
    const size = Math.max(0, Math.floor((f.max - first) / step + 1e-9) + 1);
    if (size <= WALKABLE) return { size, nth: (i) => (f.type === "integer" ? first + i : Math.round((first + i * step) * 1e6) / 1e6), ordered: true };
  }
  return undefined;
}

type Draw = (rng: Rng, n: number, attempt: number) => unknown;

/** The raw candidate for a draw: the first is the most plausible, later ones try harder to fit. */
function drawer(f: Field, entity: string): Draw {
  const kind = fieldKinds[f.type];
  const named = byName(f, entity);
  const sample: Maker = named ?? ((rng) => kind.sample(f, rng));
  switch (f.type) {
    case "text":
    case "longtext":
    case "email":
    case "url":
      return textDrawer(f, sample);
    case "integer":
    case "number":
      return numberDrawer(f, sample);
    case "date":
      // Unique dates walk forward a day per record from 2000-01-01 (valid until year 9999).
      return f.unique ? (rng, n, attempt) => dayString(Date.UTC(2000, 0, 1) + (attempt ? Math.floor(rng() * 2_900_000) : n - 1) * 86_400_000) : sample;
    case "datetime":
      return f.unique ? (rng, n, attempt) => new Date(Date.UTC(2020, 0, 1) + (attempt ? Math.floor(rng() * 1e9) : n - 1) * 60_000).toISOString() : sample;
    case "multienum":
      return (rng) => someOf(f, rng);
    default:
      return sample; // json, file: no rules beyond their shape
  }
}

/**
 * Text-like fields. With a pattern, the plausible value is kept when it matches, else
 * values come from the pattern itself. Without one, a unique value weaves the record
 * number in (" 42", or base 36 when space is short) and lengths are met by trimming or
 * padding around it.
 */
function textDrawer(f: Field, sample: Maker): Draw {
  const min = f.minLength ?? 0,
    max = f.maxLength ?? Infinity;
  const fromPattern = f.pattern !== undefined ? patternMaker(f.pattern, Math.min(f.maxLength ?? Math.max(16, min * 2), 1000)) : undefined;
  const half = ATTEMPTS / 2;
  return (rng, n, attempt) => {
    // Half the pattern draws are short random values; the rest sweep repetition lengths (pattern.ts).
    if (f.pattern !== undefined && attempt > 0) return fromPattern?.(rng, attempt < half ? undefined : (attempt - half) / (half - 1));
    const v = attempt === 0 ? sample(rng, n) : fieldKinds[f.type].sample(f, rng);
    if (typeof v !== "string") return v;
    if (f.type === "email") return fitEmail(v, f, n);
    if (f.type === "url") return fitUrl(v, f, n);
    return fitText(v, min, max, f.unique ? n : undefined, rng);
  };
}

function fitText(s: string, min: number, max: number, n: number | undefined, rng: Rng): string | undefined {
  let suffix = n === undefined ? "" : ` ${n}`;
  if (suffix.length > max) suffix = n!.toString(36);
  if (suffix.length > max) return undefined;
  let body = s;
  while (body.length + suffix.length < min) body += ` ${pick(rng, FILLER)}`;
  if (body.length + suffix.length > max) body = body.slice(0, max - suffix.length).trimEnd();
  const out = n !== undefined && !body ? suffix.trim() : body + suffix;
  return out.length < min ? out.padEnd(min, "x") : out;
}

function fitEmail(s: string, f: Field, n: number): string {
  const at = s.lastIndexOf("@");
  let local = s.slice(0, at),
    domain = s.slice(at + 1);
  if (f.unique && !local.endsWith(String(n))) local += n;
  const max = f.maxLength ?? 254,
    min = f.minLength ?? 0;
  if (local.length + domain.length + 1 > max) {
    domain = "ex.io";
    local = f.unique ? `u${n}` : local.slice(0, Math.max(1, max - 6));
  }
  while (local.length + domain.length + 1 < min) local += "x";
  return `${local}@${domain}`;
}

function fitUrl(s: string, f: Field, n: number): string {
  let u = f.unique ? `${s}-${n}` : s;
  const max = f.maxLength ?? Infinity,
    min = f.minLength ?? 0;
  if (u.length > max) u = f.unique ? `https://x.io/${n.toString(36)}` : "https://x.io/";
  if (u.length < min) u += (u.includes("?") ? "&" : "?") + "p=".padEnd(min - u.length - 1, "x");
  return u;
}

/** Integers and numbers in [min, max]; unique ones count up from min (or down from max) by record number. */
function numberDrawer(f: Field, sample: Maker): Draw {
  const lo = f.min,
    hi = f.max;
  const within = (v: number) => (lo === undefined || v >= lo) && (hi === undefined || v <= hi);
  const random = (rng: Rng) => {
    const a = lo ?? (hi !== undefined ? hi - 1000 : 0),
      b = hi ?? a + 1000;
    return f.type === "integer"
      ? Math.ceil(a) + Math.floor(rng() * (Math.floor(b) - Math.ceil(a) + 1))
      : Math.min(b, Math.round((a + rng() * (b - a)) * 100) / 100);
  };
  if (!f.unique) return (rng, n, attempt) => (attempt === 0 ? sample(rng, n) : random(rng));
  return (rng, n, attempt) => {
    const counted = lo !== undefined ? Math.ceil(lo) + n - 1 : hi !== undefined ? Math.floor(hi) - n + 1 : n;
    return attempt === 0 && within(counted) ? counted : random(rng);
  };
}

/** Several options, as many as minLength/maxLength allow, in list order. */
function someOf(f: Field, rng: Rng): string[] {
  const values = f.values ?? [];
  const lo = Math.min(f.minLength ?? 0, values.length),
    hi = Math.min(f.maxLength ?? values.length, values.length);
  const k = lo + Math.floor(rng() * (Math.min(hi, Math.max(lo, 3)) - lo + 1));
  const chosen = new Set<string>();
  while (chosen.size < k) chosen.add(values[Math.floor(rng() * values.length)]!);
  return values.filter((v) => chosen.has(v));
}

const dayString = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Small, fast, seedable generator (mulberry32), so a seed can be repeated. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

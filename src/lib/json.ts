// Small JSON helpers shared by every layer.
import { TorqueError } from "./errors";

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `obj[key]` only when `obj` holds `key` itself. Field names are looked up on parsed JSON
 * objects, and a field may be named "constructor": a plain lookup would find
 * Object.prototype's function where the record has no value.
 */
export const own = (obj: Record<string, unknown>, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);

/** Parse JSON text and name the source on failure instead of throwing a bare SyntaxError. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TorqueError("bad_request", `${source} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Structural equality for JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ak = Object.keys(a as object),
    bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  const ao = a as Record<string, unknown>,
    bo = b as Record<string, unknown>;
  return ak.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** JSON Pointer (RFC 6901) from path segments. */
export const pointer = (...parts: (string | number)[]): string =>
  parts.length === 0 ? "" : `/${parts.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

/**
 * Keys that would reach an object's prototype instead of being stored when copied by
 * assignment (`o[k] = v`): a patch with "__proto__" silently changes nothing.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The JSON Pointer of the first own key in `keys` (default: "__proto__") anywhere in a
 * JSON value, or undefined. JSON.parse keeps "__proto__" as an ordinary own key; code
 * that copies it by assignment does not, so input carrying one is refused at the door.
 * Iterative, so no nesting depth can overflow the stack.
 */
export function findKey(value: unknown, keys: ReadonlySet<string> = PROTO): string | undefined {
  const stack: { v: unknown; at: (string | number)[] }[] = [{ v: value, at: [] }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { v, at } = top;
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], at: [...at, i] });
      continue;
    }
    const own = Object.keys(v);
    const hit = own.find((k) => keys.has(k));
    if (hit !== undefined) return pointer(...at, hit);
    for (let i = own.length - 1; i >= 0; i--) stack.push({ v: (v as Record<string, unknown>)[own[i]!], at: [...at, own[i]!] });
  }
  return undefined;
}
const PROTO: ReadonlySet<string> = new Set(["__proto__"]);

/**
 * A value from a request or file as text, for a message or a lookup. Only strings, numbers and
 * booleans are converted: an object's own "toString" or "valueOf" may be data
 * ({"toString": 1} makes String() throw), and a list nested thousands deep overflows it.
 */
export const show = (v: unknown): string =>
  typeof v === "string"
    ? v
    : typeof v === "number" || typeof v === "boolean" || v === null || v === undefined
      ? String(v)
      : Array.isArray(v)
        ? "(a list)"
        : "(an object)";

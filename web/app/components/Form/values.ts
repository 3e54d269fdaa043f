// A form keeps what the user typed as raw input values (strings for text-like inputs, a
// boolean for a checkbox, a list for multienum) so nothing typed is lost, even text that is
// not yet a valid number or JSON. Here: record value → raw input, raw input → JSON value
// for the server, defaults, and whether a raw value differs from the record's.
import type { FieldDefinition } from "../../lib/types";

export type Raw = string | boolean | string[];

/** The conversion's outcome: a value for the server (null = empty), or a message key for the field. */
export type Converted = { value: unknown } | { error: "notNumber" | "invalidDate" | "invalidJson"; detail?: string };

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** A local date as YYYY-MM-DD. */
export function localDate(d: Date): string {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** An ISO instant as a datetime-local value in the browser's zone (seconds only when there are some). */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const s = d.getSeconds();
  return `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}${s ? `:${pad(s)}` : ""}`;
}

/** A datetime-local value (the browser's zone) as an ISO instant; undefined when it is not a date-time. */
export function localInputToIso(v: string): string | undefined {
  // Without a zone, Date parses a date-time as local time, which is what the input shows.
  const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? new Date(v) : new Date(Number.NaN);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The raw input value showing a stored value. */
export function toRaw(f: FieldDefinition, v: unknown): Raw {
  if (f.type === "boolean") return v === true;
  if (f.type === "multienum") return Array.isArray(v) ? v.map(String) : [];
  if (v === undefined || v === null) return "";
  if (f.type === "datetime") return typeof v === "string" ? isoToLocalInput(v) : "";
  if (f.type === "json") return JSON.stringify(v, null, 2);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The raw value a new record starts with: the field's default ("now" for dates: today, now). */
export function defaultRaw(f: FieldDefinition): Raw {
  if (f.default === "now" && f.type === "date") return localDate(new Date());
  if (f.default === "now" && f.type === "datetime") return isoToLocalInput(new Date().toISOString()).slice(0, 16);
  return toRaw(f, f.default);
}

/** The raw input as the value to send (null when empty), or why it cannot be sent. */
export function fromRaw(f: FieldDefinition, raw: Raw | undefined): Converted {
  if (f.type === "boolean") return { value: raw === true };
  if (f.type === "multienum") return { value: Array.isArray(raw) ? [...raw] : [] };
  const s = typeof raw === "string" ? raw : "";
  if (f.type !== "longtext" && f.type !== "text" ? s.trim() === "" : s === "") return { value: null };
  switch (f.type) {
    case "integer":
    case "number": {
      const n = Number(s);
      return Number.isFinite(n) ? { value: n } : { error: "notNumber" };
    }
    case "datetime": {
      const iso = localInputToIso(s);
      return iso ? { value: iso } : { error: "invalidDate" };
    }
    case "json":
      try {
        return { value: JSON.parse(s) };
      } catch (e) {
        return { error: "invalidJson", detail: (e as Error).message };
      }
    default:
      return { value: s };
  }
}

/** Whether the raw value differs from the one showing the stored value. */
export function rawChanged(a: Raw | undefined, b: Raw): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? [...a].sort() : [];
    const y = Array.isArray(b) ? [...b].sort() : [];
    return x.length !== y.length || x.some((v, i) => v !== y[i]);
  }
  return (a ?? "") !== b;
}

/** Fields the form shows but never sends (no upload yet). */
export const readOnlyType = (f: FieldDefinition) => f.type === "file";

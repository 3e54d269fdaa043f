// A figure for a Kpi or a chart: compact when large ("12.3K"), with the full value for a
// title; currency and percent through Intl; min/max of a date field arrive as its text.
import { fmt } from "../../lib/i18n";
import type { FieldDefinition } from "../../lib/types";

export type FigureFormat = "number" | "currency" | "percent";

export interface Figure {
  short: string;
  full: string;
}

/** Intl options for a format; throws a RangeError for a currency Intl does not know. */
export function figureOptions(format: FigureFormat, currency = "USD"): Intl.NumberFormatOptions {
  if (format === "currency") {
    new Intl.NumberFormat("en", { style: "currency", currency });
    return { style: "currency", currency };
  }
  return format === "percent" ? { style: "percent", maximumFractionDigits: 1 } : { maximumFractionDigits: 2 };
}

export function figure(v: number | string, opts: Intl.NumberFormatOptions, field?: FieldDefinition): Figure {
  if (typeof v === "string") {
    const s = field?.type === "datetime" ? fmt.datetime(v) : field?.type === "date" ? fmt.date(v) : v;
    return { short: s, full: s };
  }
  const full = fmt.number(v, opts);
  const short = Math.abs(v) >= 10_000 ? fmt.number(v, { ...opts, notation: "compact", maximumFractionDigits: 1 }) : full;
  return { short, full };
}

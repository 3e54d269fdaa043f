// The bounds of every count a client may ask for, in one place. The service that owns a
// count checks it with `wholeNumber` before any work; the doors describe the same numbers
// (JSON-RPC and MCP schemas are built from LIMITS and their checkers say `rangeMessage`),
// so an out-of-range value gets the same answer through GraphQL, JSON-RPC, MCP and the CLI.
import { rangeMessage, validationError } from "../lib/errors";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../store/entities/query";

/** Rows an entity query's `offset` may skip (the query checks it; the doors describe it). */
export { MAX_OFFSET } from "../store/entities/query";

export interface Range {
  min: number;
  max: number;
  /** What an absent (or null) value means. */
  default: number;
}

export const LIMITS = {
  /** Records per page of an entity query (keyset pages: page 10,000 costs what page 1 costs). */
  pageSize: { min: 1, max: MAX_LIMIT, default: DEFAULT_LIMIT },
  /**
   * Workflow runs per listing, newest first. A run carries its input, output and up to 200
   * log lines per node, so 1,000 runs can be tens of MB; SQLite reads a negative LIMIT as
   * "no limit", which is why the range is checked rather than clamped.
   */
  xflowRuns: { min: 1, max: 1000, default: 50 },
  auditEntries: { min: 1, max: 1000, default: 100 },
  auditRetentionDays: { min: 1, max: 36_500, default: 365 },
  /** Records per entity type per seed call; 0 is meaningful beside per-type counts. */
  seedCount: { min: 0, max: 1_000_000, default: 100 },
} as const satisfies Record<string, Range>;

/**
 * `value` as a whole number within `range` (its default when absent); anything else —
 * negative, fractional, text, too large — is a validation error naming the argument and
 * the range.
 */
export function wholeNumber(name: string, value: unknown, range: Range): number {
  if (value === undefined || value === null) return range.default;
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max)
    throw validationError([{ field: name, rule: "range", message: rangeMessage(name, range.min, range.max) }], "request");
  return value;
}

// One error taxonomy for every door (CLI, JSON-RPC, GraphQL, MCP, WebSocket).
// A transport maps `code` once: to an exit code, a JSON-RPC code, an HTTP status,
// a GraphQL extensions.code or an MCP isError result. Such maps are typed
// `Record<ErrorCode, …>`, so a new code cannot be left unmapped.

export type ErrorCode =
  | "validation" // data or model does not satisfy its rules; data: Issue[]
  | "not_found" // an app, model, entity or version does not exist
  | "conflict" // stale expectedVersion, uniqueness, restrict on delete
  | "bad_request" // malformed input that is not a validation of data (bad filter, bad JSON)
  | "forbidden"
  | "unavailable" // the database cannot be reached now (a restart, a lost connection); try again
  | "internal";

/** One problem found in data or in a model: the field (or JSON Pointer path), the rule broken, and a sentence. */
export interface Issue {
  /** For batch input: the 0-based position of the offending item. */
  row?: number;
  field?: string;
  path?: string;
  rule: string;
  message: string;
}

export class TorqueError extends Error {
  readonly code: ErrorCode;
  readonly data: unknown;
  constructor(code: ErrorCode, message: string, data?: unknown) {
    super(message);
    this.name = "TorqueError";
    this.code = code;
    this.data = data;
  }
  /** Whether the caller (not the server) is at fault; transports use it for logs and status. */
  get userFault(): boolean {
    return this.code !== "internal" && this.code !== "unavailable";
  }
}

export const validationError = (issues: Issue[], what = "data"): TorqueError =>
  new TorqueError(
    "validation",
    `invalid ${what}: ` +
      issues
        .slice(0, 20)
        .map((i) => (i.row !== undefined ? `row ${i.row}: ` : "") + ((i.field ?? i.path) ? `${i.field ?? i.path}: ` : "") + i.message)
        .join("; ") +
      (issues.length > 20 ? `; and ${issues.length - 20} more` : ""),
    issues,
  );

export const notFound = (what: string, id: string | number): TorqueError => new TorqueError("not_found", `${what} '${id}' not found`, { what, id });

export const badRequest = (message: string, data?: unknown): TorqueError => new TorqueError("bad_request", message, data);

export const conflict = (message: string, data?: unknown): TorqueError => new TorqueError("conflict", message, data);

/**
 * The one sentence for a whole-number argument outside its range. Every door says the
 * same (services/limits.ts checks; the JSON-RPC and MCP schema checkers reuse it), so a
 * client learns the allowed range whichever way it came in.
 */
export const rangeMessage = (name: string, min: number, max: number): string =>
  `${name} must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`;

export const forbidden = (message: string, data?: unknown): TorqueError => new TorqueError("forbidden", message, data);

/** Someone must sign in first (no session or token, or one that expired): HTTP 401. */
export const unauthenticated = (message: string): TorqueError => new TorqueError("forbidden", message, { rule: "unauthenticated" });

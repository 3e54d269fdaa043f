// The editor's one way to the server: POST /graphql, with the session's CSRF token
// (web/auth/session.ts). Failures come back as typed errors so a form can put a server's
// message at the field it names instead of losing it. A 401 (the session expired) tells
// the session, and the shell shows the sign-in page.
import { authHeaders, renewAfterRefusal, sessionEnded } from "../../auth/session";

/** The server answered with GraphQL errors (the first one's message, code and field). */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    /** extensions.code: BAD_USER_INPUT, CONFLICT, NOT_FOUND, ... */
    readonly code: string | undefined,
    /** The input field the server named (e.g. "slug"), when it named one. */
    readonly field: string | undefined,
    /** extensions.data: what the server said about the failure (a conflict's currentVersion, …). */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "GraphQLRequestError";
  }
}

/** The server could not be reached, or answered with something that is not GraphQL. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

/**
 * The server asks for a sign-in (401): the session expired or was ended elsewhere. For the
 * edit pipeline it is like being offline: unsaved edits stay (and in the draft) and are
 * saved once signed in again.
 */
export class SignInRequired extends NetworkError {
  constructor(message: string) {
    super(message);
    this.name = "SignInRequired";
  }
}

/** A model change the server refused (ModelPayload.errors / ImportPayload.errors). */
export interface Issue {
  path?: string | null;
  field?: string | null;
  rule: string;
  message: string;
}

interface GraphQLErrorJson {
  message: string;
  extensions?: { code?: string; data?: unknown };
}

/** The field named in an error's data: `{field}` for one problem, `[{field}, ...]` for a list of issues. */
function fieldOf(data: unknown): string | undefined {
  const first = Array.isArray(data) ? data[0] : data;
  if (first && typeof first === "object" && "field" in first && typeof first.field === "string") return first.field;
  return undefined;
}

/** Run one operation; resolves with `data` or rejects with GraphQLRequestError / NetworkError (SignInRequired on 401). */
export async function gql<T>(query: string, variables?: Record<string, unknown>, renewed = false): Promise<T> {
  const auth = await authHeaders();
  if (!auth) throw new SignInRequired("sign in first");
  let res: Response;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...auth },
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    throw new NetworkError(e instanceof Error ? e.message : String(e));
  }
  // Refused before GraphQL: no session (401), or a CSRF token made stale by a sign-in in another tab (403, sent again once).
  if (res.status === 403 && !renewed && (await renewAfterRefusal())) return gql(query, variables, true);
  let body: { data?: T | null; errors?: GraphQLErrorJson[]; error?: unknown };
  try {
    body = await res.json();
  } catch {
    throw new NetworkError(`HTTP ${res.status}`);
  }
  const refusal = typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
  if (res.status === 401) {
    sessionEnded();
    throw new SignInRequired(refusal);
  }
  if (res.status === 403) throw new GraphQLRequestError(refusal, "FORBIDDEN", undefined);
  const err = body.errors?.[0];
  if (err) {
    const data = err.extensions?.data;
    throw new GraphQLRequestError(err.message, err.extensions?.code, fieldOf(data), data);
  }
  if (!body.data) throw new NetworkError(`HTTP ${res.status}`);
  return body.data;
}

/** A message for any failure, for a notification. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

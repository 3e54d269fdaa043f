// The security headers of every answer (DESIGN.md, "Server", sign-in and headers). The two
// frontends' pages carry a Content-Security-Policy under which only this server's own
// script files run; every answer says nosniff, keeps its address from other sites
// (referrer) and may not be framed by another site; API answers (JSON, server-sent events)
// carry a policy that allows nothing at all and are never stored by caches.

/** Which pages may frame a page: the editor none; an app its own origin (the editor's live preview is an iframe of the app). */
export type Framing = "none" | "self";

/**
 * `same-origin`: other sites get no Referer at all (an app's addresses name records);
 * `no-referrer` would be as private, but makes browsers that follow the Fetch standard
 * (Firefox) send `Origin: null` on the frontends' own POSTs, which http/guard.ts refuses.
 */
export const REFERRER_POLICY = "same-origin";

export interface PagePolicy {
  framing: Framing;
  /**
   * Whether the page's scripts add `<style>` elements: the editor's do (Mantine writes its
   * theme variables and responsive props as style elements, react-remove-scroll-bar under
   * Mantine's modals, CodeMirror's style-mod where constructable sheets are missing), so its
   * styles take 'unsafe-inline'; the runtime adds none, so only style attributes are inline.
   */
  styleElements: boolean;
  /** Whether the page embeds frames of this origin (the editor's preview of an app). */
  frames: boolean;
  /**
   * Development (--dev): Bun's dev server injects a small inline script into each page
   * (allowed by its hash), and hot reload loads updated modules from blob: URLs.
   */
  dev?: { scriptHashes: string[] };
}

/** The Content-Security-Policy of a frontend's page. */
export function contentSecurityPolicy(p: PagePolicy): string {
  const script = ["'self'", ...(p.dev ? [...p.dev.scriptHashes.map((h) => `'sha256-${h}'`), "blob:"] : [])];
  return [
    "default-src 'self'",
    `script-src ${script.join(" ")}`,
    // Style attributes (Solid's and React's `style`, positions of grid slots and diagram
    // nodes) are inline everywhere; a style attribute cannot select other elements, so it
    // cannot read the page the way an injected style sheet could.
    p.styleElements ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'; style-src-attr 'unsafe-inline'",
    // data: and blob: images: the diagram's PNG/SVG export draws the page through an image.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // Same-origin fetch, server-sent events and the WebSocket (/ws).
    "connect-src 'self'",
    `frame-src ${p.frames ? "'self'" : "'none'"}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors '${p.framing}'`,
  ].join("; ");
}

/** The headers of a frontend's page (its HTML). */
export function pageHeaders(p: PagePolicy): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(p),
    "x-content-type-options": "nosniff",
    // For browsers without frame-ancestors (CSP 2).
    "x-frame-options": p.framing === "none" ? "DENY" : "SAMEORIGIN",
    "referrer-policy": REFERRER_POLICY,
  };
}

/** The headers of the frontends' script, style and other files (hashed names: kept a year). */
export const ASSET_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "x-content-type-options": "nosniff",
  "referrer-policy": REFERRER_POLICY,
  "cache-control": "public, max-age=31536000, immutable",
});

/**
 * The headers of every other answer: JSON-RPC, GraphQL (and its event streams), MCP,
 * /auth, /health, webhooks, errors. Nothing in them may run or be framed, and what they
 * say about a user's data or session is never kept by a cache.
 */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": REFERRER_POLICY,
  "cache-control": "no-store",
});

const API_ENTRIES = Object.entries(API_HEADERS);

/**
 * `res` with the API headers it does not set itself (an answer's own Cache-Control or
 * policy stays). Answers made by this process have mutable headers; one whose headers are
 * immutable (a fetched response passed on) is copied.
 */
export function withApiHeaders(res: Response): Response {
  let out = res;
  for (const [k, v] of API_ENTRIES) {
    if (out.headers.has(k)) continue;
    try {
      out.headers.set(k, v);
    } catch {
      out = new Response(out.body, out);
      out.headers.set(k, v);
    }
  }
  return out;
}

// The two web frontends, served with the headers of http/headers.ts: the Model Editor at
// /editor/ and the app runtime at /app/<slug>/. Bun serves an HTML bundle given to
// Bun.serve's `routes` by itself and lets nothing add a header to it, so the bundles are
// served here instead, from one of three places:
//   - the binary: `bun build --compile` built them ahead; `HTMLBundle.files` lists the
//     files inside the executable, and each is served from there;
//   - from source (`bun src/main.ts server`, the tests): the same production build is
//     made here with Bun.build (splitting, minified, the Solid plugin) on the first request
//     for a frontend, and held in memory for every server of the process;
//   - --dev: Bun's dev server keeps building with hot reload under a private path, and the
//     page is fetched from there and answered with the headers (a relaxed policy: the dev
//     server's inline script by its hash, and blob: scripts for hot updates; the dev
//     server's own files and its private path go without them).
// Either way the page's HTML names its files at the root (/chunk-<hash>.js), where
// `asset` answers them.

import { basename } from "node:path";
import type { BunPlugin, HTMLBundle } from "bun";
import { ASSET_HEADERS, type PagePolicy, pageHeaders } from "./headers";

export interface Frontend {
  bundle: HTMLBundle;
  policy: PagePolicy;
}

interface File {
  body: () => Blob;
  type: string;
  etag: string;
}

interface Built {
  html: File;
  files: Map<string, File>;
}

/** The path under which Bun's dev server builds a frontend in --dev (fetched from by the page route). */
const devPath = (name: string) => `/_torque/dev/${name}/`;

const builds = new Map<HTMLBundle, Promise<Built>>();
/** Every built file of every frontend, by its URL path. */
const files = new Map<string, File>();

/** A build's file name: `<name>-<hash>.<ext>` at the root. */
const HASHED = /^\/[\w.]+-[a-z0-9]{8}\.[a-z0-9]+$/;

const quoted = (etag: string) => (etag.startsWith('"') || etag.startsWith("W/") ? etag : `"${etag}"`);

/** The files of a bundle the binary holds (built ahead by `bun build --compile`), or undefined from source. */
function fromBinary(bundle: HTMLBundle): Built | undefined {
  if (!bundle.files?.length) return undefined;
  const map = new Map<string, File>();
  let html: File | undefined;
  for (const f of bundle.files) {
    const file: File = { body: () => Bun.file(f.path), type: f.headers["content-type"], etag: quoted(f.headers.etag) };
    if (f.path === bundle.index || f.loader === "html") html = file;
    else map.set(`/${basename(f.path)}`, file);
  }
  if (!html) throw new Error(`the built frontend ${bundle.index} holds no HTML file`);
  return { html, files: map };
}

/** The production build of a bundle from source, as `bun run build` makes it for the binary. */
async function fromSource(bundle: HTMLBundle): Promise<Built> {
  // The build script's Solid plugin (scripts/), found beside the source: never reached in
  // the binary, whose bundles were built ahead, so it is not bundled into it.
  const pluginPath = `${import.meta.dir}/../../scripts/solid-plugin.ts`;
  const solid = ((await import(pluginPath)) as { default: BunPlugin }).default;
  const r = await Bun.build({
    entrypoints: [bundle.index],
    target: "browser",
    splitting: true,
    minify: true,
    publicPath: "/",
    plugins: [solid],
    define: { "process.env.NODE_ENV": '"production"' },
  });
  if (!r.success) throw new AggregateError(r.logs, `the frontend ${bundle.index} did not build`);
  const map = new Map<string, File>();
  let html: File | undefined;
  for (const o of r.outputs) {
    const file: File = { body: () => o, type: o.type, etag: quoted(o.hash ?? Bun.hash(await o.arrayBuffer()).toString(36)) };
    if (o.path.endsWith(".html")) html = file;
    else map.set(o.path.replace(/^\.?\//, "/"), file);
  }
  if (!html) throw new Error(`the frontend ${bundle.index} built no HTML file`);
  return { html, files: map };
}

function build(bundle: HTMLBundle): Promise<Built> {
  let p = builds.get(bundle);
  if (!p) {
    const made = fromBinary(bundle);
    p = made ? Promise.resolve(made) : fromSource(bundle);
    p = p.then((b) => {
      for (const [path, f] of b.files) files.set(path, f);
      return b;
    });
    // A failed build (a syntax error while editing the source) is tried again on the next request.
    p.catch(() => builds.delete(bundle));
    builds.set(bundle, p);
  }
  return p;
}

function answer(req: Request, f: File, headers: Record<string, string>): Response {
  if (req.method !== "GET" && req.method !== "HEAD") return new Response("Method Not Allowed\n", { status: 405, headers: { ...headers, allow: "GET, HEAD" } });
  const h = { ...headers, etag: f.etag };
  if (req.headers.get("if-none-match") === f.etag) return new Response(null, { status: 304, headers: h });
  return new Response(f.body(), { headers: { ...h, "content-type": f.type } });
}

const failed = (e: unknown) => {
  console.error("torque: a web frontend could not be built:", e);
  return new Response("The web frontend could not be built; the server's log says why.\n", {
    status: 500,
    headers: { "content-type": "text/plain;charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-store" },
  });
};

/** base64 SHA-256 of each inline script of a page (what CSP's 'sha256-…' names). */
function inlineScriptHashes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi))
    if (m[1]) out.push(new Bun.CryptoHasher("sha256").update(m[1]).digest("base64"));
  return out;
}

/**
 * The frontends of one server. `page` answers a frontend's page (its HTML, for every
 * address under it: the frontend routes in the browser); `asset` a file a page names.
 */
export class Frontends {
  constructor(private readonly dev: { origin: () => string } | undefined) {}

  /** The routes Bun's dev server needs in --dev (the bundles under private paths); none otherwise. */
  static devRoutes(frontends: Record<string, Frontend>): Record<string, HTMLBundle> {
    return Object.fromEntries(Object.entries(frontends).map(([name, f]) => [`${devPath(name)}*`, f.bundle]));
  }

  async page(name: string, f: Frontend, req: Request): Promise<Response> {
    if (this.dev) return this.devPage(name, f, req);
    try {
      return answer(req, (await build(f.bundle)).html, { ...pageHeaders(f.policy), "cache-control": "no-cache" });
    } catch (e) {
      return failed(e);
    }
  }

  /**
   * A file of a built frontend, or undefined when `path` names none. Built on demand when
   * the name looks like a build's (`chunk-<hash>.js`): a page cached by the browser may ask
   * before any page did; a favicon.ico does not start a build.
   */
  async asset(req: Request, path: string, all: Frontend[]): Promise<Response | undefined> {
    if (this.dev || !HASHED.test(path)) return undefined;
    let f = files.get(path);
    if (!f && all.some((x) => !builds.has(x.bundle))) {
      try {
        await Promise.all(all.map((x) => build(x.bundle)));
      } catch (e) {
        return failed(e);
      }
      f = files.get(path);
    }
    return f && answer(req, f, ASSET_HEADERS);
  }

  private async devPage(name: string, f: Frontend, req: Request): Promise<Response> {
    const res = await fetch(new URL(devPath(name), this.dev!.origin()), { headers: { accept: "text/html" } });
    const html = await res.text();
    const policy: PagePolicy = { ...f.policy, dev: { scriptHashes: inlineScriptHashes(html) } };
    return new Response(req.method === "HEAD" ? null : html, {
      status: res.status,
      headers: { ...pageHeaders(policy), "content-type": res.headers.get("content-type") ?? "text/html;charset=utf-8", "cache-control": "no-store" },
    });
  }
}

// The engine's powers for one app and one run: entities through the entity service (so
// validation, hooks, permissions and audit apply, with the flow as the actor), fetch to
// the app's allow-list only, never to this machine or a private network unless the model
// allows the host that too (outbound.ts), with a time limit, and subflows. Every fetch,
// sent or refused, leaves a line in the log of the node that made it (no header values,
// no query string: either may carry secrets).
import { TorqueError } from "../../lib/errors";
import type { EngineHost, RunRecord } from "../../xflow/types";
import type { Actor } from "../actor";
import type { AppRuntime } from "../apps";
import type { Services } from "../index";
import { checkTarget, MAX_ATTEMPTS, pinnedFetch } from "./outbound";

export const FETCH_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export function engineHost(
  s: Services,
  rt: AppRuntime,
  actor: Actor,
  /** Runs a write within the run's chain (service.ts): the flows it triggers share the run's budget and deadline. */
  within: <T>(f: () => Promise<T>) => Promise<T>,
  runSubflow: (name: string, input: unknown, depth: number) => Promise<RunRecord>,
): EngineHost {
  const app = rt.slug;
  const opts = { actor };
  const settings = rt.model.doc.settings;
  const allowed = new Set((settings?.fetchAllowList ?? []).map((h) => h.toLowerCase()));
  // Private addresses only for hosts on both lists (the model check insists on that too).
  const allowedPrivate = new Set((settings?.fetchAllowPrivate ?? []).map((h) => h.toLowerCase()).filter((h) => allowed.has(h)));
  return {
    entities: {
      query: (entity, o) => s.entities.query(app, entity, o, actor),
      get: (entity, id) => s.entities.get(app, entity, id, {}, actor),
      create: (entity, data) => within(() => s.entities.create(app, entity, data, opts)),
      update: (entity, id, data, o) => within(() => s.entities.update(app, entity, id, data, { ...opts, expectedVersion: o?.expectedVersion })),
      delete: (entity, id) => within(() => s.entities.delete(app, entity, id, opts)),
    },
    async fetch(url, init, log) {
      const method = String(init.method ?? "GET").toUpperCase();
      const t0 = performance.now();
      const ms = () => Math.round(performance.now() - t0);
      let shown = "(not a URL)";
      let address: string | undefined;
      const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
      try {
        let u: URL;
        try {
          u = new URL(url);
        } catch {
          throw new TorqueError("bad_request", `fetch: "${url}" is not a URL`);
        }
        shown = forLog(u);
        if (u.protocol !== "https:" && u.protocol !== "http:") throw new TorqueError("forbidden", `fetch: only http and https URLs (got ${u.protocol})`);
        const host = u.host.toLowerCase();
        const hostname = u.hostname.toLowerCase();
        const listedAs = allowed.has(host) ? host : allowed.has(hostname) ? hostname : undefined;
        if (listedAs === undefined) throw new TorqueError("forbidden", `fetch: ${u.host} is not on this app's allow-list (model settings.fetchAllowList)`);
        const privateOk = allowedPrivate.has(host) || allowedPrivate.has(hostname);
        const addresses = await beforeAbort(checkTarget(u, { privateOk, listedAs }), signal, u);
        const body = init.body === undefined || typeof init.body === "string" ? (init.body as string | undefined) : JSON.stringify(init.body);
        const headers = new Headers(init.headers as HeadersInit | undefined);
        if (body !== undefined && typeof init.body !== "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
        let res: Response;
        address = addresses.slice(0, MAX_ATTEMPTS).join(", "); // what was tried, should none answer
        try {
          ({ response: res, address } = await pinnedFetch(u, addresses, { method, headers, body, signal }));
        } catch (e) {
          throw e instanceof TorqueError ? e : unreached(e, signal, u);
        }
        const text = await readCapped(res, MAX_RESPONSE_BYTES).catch((e) => {
          throw e instanceof TorqueError ? e : unreached(e, signal, u);
        });
        let parsed: unknown = text;
        if ((res.headers.get("content-type") ?? "").includes("json")) {
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON after all: the text is the body
          }
        }
        log?.(`fetch ${method} ${shown} → ${res.status} (${ms()} ms, ${address})`);
        return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
      } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).replace(/^fetch: /, "");
        if (e instanceof TorqueError && e.code === "forbidden") log?.(`fetch ${method} ${shown} refused: ${why}`);
        else log?.(`fetch ${method} ${shown} failed after ${ms()} ms${address ? ` (${address})` : ""}: ${why}`);
        throw e;
      }
    },
    runSubflow,
  };
}

/** A URL as the run log shows it: no credentials, no query string or fragment (they may carry secrets). */
export function forLog(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}${u.search ? "?…" : ""}`;
}

/** Resolving has no abort of its own: give up on it when the request's time is up. */
function beforeAbort<T>(p: Promise<T>, signal: AbortSignal, u: URL): Promise<T> {
  if (signal.aborted) return Promise.reject(timedOut(u));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timedOut(u));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

const timedOut = (u: URL) => new TorqueError("bad_request", `fetch: ${u.host} did not answer within ${FETCH_TIMEOUT_MS / 1000} s`);

/** A failure to connect, send or read, said without the address-bearing URL Bun puts in its messages. */
function unreached(e: unknown, signal: AbortSignal, u: URL): TorqueError {
  if (signal.aborted) return timedOut(u);
  const code = (e as { code?: unknown }).code;
  const why = typeof code === "string" && code ? code : e instanceof Error ? e.message : String(e);
  return new TorqueError("bad_request", `fetch: ${u.host} could not be reached: ${why}`);
}

/** The body as text, refusing (without reading further) once it passes `max` bytes. */
async function readCapped(res: Response, max: number): Promise<string> {
  const tooBig = () => new TorqueError("bad_request", `fetch: the response is larger than ${max} bytes`);
  if (Number(res.headers.get("content-length") ?? 0) > max) {
    await res.body?.cancel();
    throw tooBig();
  }
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => {});
      throw tooBig();
    }
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

// The engine's powers for one app and one run: entities through the entity service (so
// validation, hooks, permissions and audit apply, with the flow as the actor), fetch to
// the app's allow-list only, with a time limit, and subflows.
import { TorqueError } from "../../lib/errors";
import type { EngineHost, RunRecord } from "../../xflow/types";
import type { Actor } from "../actor";
import type { AppRuntime } from "../apps";
import type { Services } from "../index";

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
  const allowed = new Set((rt.model.doc.settings?.fetchAllowList ?? []).map((h) => h.toLowerCase()));
  return {
    entities: {
      query: (entity, o) => s.entities.query(app, entity, o),
      get: (entity, id) => s.entities.get(app, entity, id),
      create: (entity, data) => within(() => s.entities.create(app, entity, data, opts)),
      update: (entity, id, data, o) => within(() => s.entities.update(app, entity, id, data, { ...opts, expectedVersion: o?.expectedVersion })),
      delete: (entity, id) => within(() => s.entities.delete(app, entity, id, opts)),
    },
    async fetch(url, init) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        throw new TorqueError("bad_request", `fetch: "${url}" is not a URL`);
      }
      if (u.protocol !== "https:" && u.protocol !== "http:") throw new TorqueError("forbidden", `fetch: only http and https URLs (got ${u.protocol})`);
      if (!allowed.has(u.host.toLowerCase()) && !allowed.has(u.hostname.toLowerCase()))
        throw new TorqueError("forbidden", `fetch: ${u.host} is not on this app's allow-list (model settings.fetchAllowList)`);
      const body = init.body === undefined || typeof init.body === "string" ? (init.body as string | undefined) : JSON.stringify(init.body);
      const headers = { ...(body !== undefined && typeof init.body !== "string" && { "content-type": "application/json" }), ...init.headers };
      const res = await fetch(u, { method: init.method ?? "GET", headers, body, redirect: "manual", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      const text = await readCapped(res, MAX_RESPONSE_BYTES);
      let parsed: unknown = text;
      if ((res.headers.get("content-type") ?? "").includes("json")) {
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON after all: the text is the body
        }
      }
      return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
    },
    runSubflow,
  };
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

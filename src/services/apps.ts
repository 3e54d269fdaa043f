// Apps: running instances of a model, addressed by slug, each with its own data.
// `runtime(slug)` gives the app with its compiled model from memory: dropped when this
// process saves a model or changes apps (events), or when another process changes the
// database (the driver notices within ~100 ms), so a request costs no lookup.

import { conflict, notFound, validationError } from "../lib/errors";
import type { CompiledModel } from "../model/compile";
import { appBySlug, appWithVersion, deleteApp, insertApp, listApps, slugTaken } from "../store/apps";
import type { Driver } from "../store/driver";
import { syncFts } from "../store/entities/fts";
import { forgetApp, loadGrown, noteGrown } from "../store/entities/growth";
import { syncIndexes } from "../store/entities/indexes";
import { syncRollups } from "../store/entities/rollups";
import { appCount, appRowCount } from "../store/entities/stats";
import { mustHave } from "./access/deny";
import { seesApp } from "./access/policy";
import type { Actor } from "./actor";
import { writeAudit } from "./audit";
import type { EventBus } from "./events";
import type { ModelService } from "./models";

export interface AppSummary {
  slug: string;
  model: { id: string; name: string };
  version: number;
  createdAt: string;
}
export interface AppRuntime {
  id: number;
  slug: string;
  model: CompiledModel;
}

/**
 * An app's own handle on a compiled model shared by the model's apps: the maps and the
 * document are shared (read-only), the object is the app's, so what is cached per
 * compiled model and app (store/entities/indexes.ts walkIndexes) is not overwritten by another app.
 */
const ownCopy = (m: CompiledModel): CompiledModel => ({ ...m });

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** "Customer Orders!" → "customer-orders" */
export function slugify(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/, "");
  return s || "app";
}

export class AppService {
  private cache = new Map<string, AppRuntime>();

  constructor(
    private readonly db: Driver,
    private readonly models: ModelService,
    private readonly events: EventBus,
  ) {
    events.on("modelChanged", (e) => e.apps.forEach((s) => this.cache.delete(s)));
    events.on("appsChanged", (e) => e.apps.forEach((s) => this.cache.delete(s)));
    db.onExternalChange(() => {
      this.cache.clear();
      // Another process (a CLI seed beside the server) may have grown types.
      loadGrown(db).catch(() => {});
    });
  }

  /** Every app; for an actor whose token is limited to some apps, those. */
  async list(actor?: Actor): Promise<AppSummary[]> {
    const rows = (await listApps(this.db)).filter((r) => !actor || seesApp(actor, r.slug));
    return rows.map((r) => ({ slug: r.slug, model: { id: r.model_id, name: r.name }, version: r.version, createdAt: r.created_at }));
  }

  /** The app's runtime if it is in memory (never loads it). */
  cached(slug: string): AppRuntime | undefined {
    return this.cache.get(slug);
  }

  /** How many records an app holds, every entity type together (maintained counts: no scan). */
  async recordCount(slug: string): Promise<number> {
    return appCount(this.db, (await this.runtime(slug)).id);
  }

  async runtime(slug: string): Promise<AppRuntime> {
    if (typeof slug !== "string" || !slug) throw validationError([{ field: "app", rule: "required", message: "app (a slug) is required" }], "request");
    const cached = this.cache.get(slug);
    if (cached) return cached;
    const row = await appWithVersion(this.db, slug);
    if (!row) throw notFound("app", slug);
    const rt = { id: row.id, slug, model: ownCopy(await this.models.compiled(row.model_id, row.version)) };
    this.cache.set(slug, rt);
    return rt;
  }

  /** A free slug derived from a name: "inventory", then "inventory-2", … */
  async freeSlug(name: string): Promise<string> {
    const base = slugify(name);
    for (let i = 1; ; i++) {
      const s = i === 1 ? base : `${base}-${i}`;
      if (!(await slugTaken(this.db, s))) return s;
    }
  }

  async create(modelRef: string, slug: string, actor: Actor): Promise<AppRuntime> {
    await mustHave(this.db, actor, "admin", "create apps", { action: "app.create", modelId: modelRef });
    if (!SLUG_PATTERN.test(slug))
      throw validationError(
        [{ field: "slug", rule: "pattern", message: `slug "${slug}" must be lowercase letters, digits and inner hyphens (at most 63)` }],
        "app",
      );
    const row = await this.models.resolve(modelRef);
    const stored = { id: row.id, name: row.name, version: row.version };
    const compiled = ownCopy(await this.models.compiled(row.id, row.version));
    const now = new Date().toISOString();
    const { id, grown } = await this.db.transaction(async (tx) => {
      if (await slugTaken(tx, slug)) throw conflict(`an app with slug "${slug}" already exists`, { field: "slug", rule: "unique" });
      const appId = await insertApp(tx, slug, stored.id, now);
      const { grown } = await syncIndexes(tx, appId, compiled, this.db.dialect);
      await syncFts(tx, appId, compiled); // a new app has no rows: its full-text tables are ready at once
      await syncRollups(tx, appId, compiled, grown);
      await writeAudit(tx, actor, { action: "app.create", appId, modelId: stored.id, after: { slug, model: stored.name } }, now);
      return { id: appId, grown };
    });
    noteGrown(this.db, id, grown); // none, but for GROWTH.at 0 (tests)
    await this.events.notify("appsChanged", { apps: [slug] }, () => {});
    return { id, slug, model: compiled };
  }

  /** Delete an app with all its data. */
  async delete(slug: string, actor: Actor): Promise<void> {
    await mustHave(this.db, actor, "admin", "delete apps", { action: "app.delete", after: { app: slug } });
    const appId = await this.db.transaction(async (tx) => {
      const row = await appBySlug(tx, slug);
      if (!row) throw notFound("app", slug);
      const count = await appRowCount(tx, row.id);
      await deleteApp(tx, row.id);
      await writeAudit(tx, actor, { action: "app.delete", appId: row.id, modelId: row.model_id, before: { slug, entities: count } });
      return row.id;
    });
    forgetApp(this.db, appId); // SQLite may give its id to the next app
    await this.events.notify("appsChanged", { apps: [slug] }, () => {});
  }
}

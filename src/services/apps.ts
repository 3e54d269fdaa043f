// Apps: running instances of a model, addressed by slug, each with its own data.
// `runtime(slug)` gives the app with its compiled model from memory: dropped when this
// process saves a model or changes apps (events), or when another process changes the
// database (the driver notices within ~100 ms), so a request costs no lookup.

import { conflict, notFound, validationError } from "../lib/errors";
import { type CompiledModel, compileModel } from "../model/compile";
import type { Driver, Queryable } from "../store/driver";
import { syncFts } from "../store/entities/fts";
import { dropAppIndexes, syncIndexes } from "../store/entities/indexes";
import { dropAppRollups, syncRollups } from "../store/entities/rollups";
import { deleteAppData } from "../store/entities/rows";
import { appCount } from "../store/entities/stats";
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
    db.onExternalChange(() => this.cache.clear());
  }

  async list(): Promise<AppSummary[]> {
    const rows = await this.db.all<{ slug: string; model_id: string; name: string; version: number; created_at: string }>(
      "SELECT a.slug, a.model_id, m.name, m.version, a.created_at FROM apps a JOIN models m ON m.id = a.model_id ORDER BY a.slug",
    );
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
    const row = await this.db.get<{ id: number; model_id: string; version: number }>(
      "SELECT a.id, a.model_id, m.version FROM apps a JOIN models m ON m.id = a.model_id WHERE a.slug = ?",
      [slug],
    );
    if (!row) throw notFound("app", slug);
    const stored = await this.models.get(row.model_id, row.version);
    const rt = { id: row.id, slug, model: compileModel(stored.id, stored.version, stored.doc) };
    this.cache.set(slug, rt);
    return rt;
  }

  /** A free slug derived from a name: "inventory", then "inventory-2", … */
  async freeSlug(name: string): Promise<string> {
    const base = slugify(name);
    for (let i = 1; ; i++) {
      const s = i === 1 ? base : `${base}-${i}`;
      if (!(await this.db.get("SELECT 1 AS x FROM apps WHERE slug = ?", [s]))) return s;
    }
  }

  async create(modelRef: string, slug: string, actor: Actor): Promise<AppRuntime> {
    if (!SLUG_PATTERN.test(slug))
      throw validationError(
        [{ field: "slug", rule: "pattern", message: `slug "${slug}" must be lowercase letters, digits and inner hyphens (at most 63)` }],
        "app",
      );
    const stored = await this.models.get(modelRef);
    const compiled = compileModel(stored.id, stored.version, stored.doc);
    const now = new Date().toISOString();
    const id = await this.db.transaction(async (tx) => {
      if (await tx.get("SELECT 1 AS x FROM apps WHERE slug = ?", [slug]))
        throw conflict(`an app with slug "${slug}" already exists`, { field: "slug", rule: "unique" });
      await tx.run("INSERT INTO apps (slug, model_id, created_at) VALUES (?, ?, ?)", [slug, stored.id, now]);
      const row = (await tx.get<{ id: number }>("SELECT id FROM apps WHERE slug = ?", [slug]))!;
      await syncIndexes(tx, row.id, compiled, this.db.dialect);
      await syncFts(tx, row.id, compiled); // a new app has no rows: its full-text tables are ready at once
      await syncRollups(tx, row.id, compiled);
      await writeAudit(tx, actor, { action: "app.create", appId: row.id, modelId: stored.id, after: { slug, model: stored.name } }, now);
      return row.id;
    });
    await this.events.notify("appsChanged", { apps: [slug] }, () => {});
    return { id, slug, model: compiled };
  }

  /** Delete an app with all its data. */
  async delete(slug: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await tx.get<{ id: number; model_id: string }>("SELECT id, model_id FROM apps WHERE slug = ?", [slug]);
      if (!row) throw notFound("app", slug);
      const count = (await tx.get<{ n: number }>("SELECT count(*) AS n FROM entities WHERE app_id = ?", [row.id]))!.n;
      await deleteAppRows(tx, row.id);
      await writeAudit(tx, actor, { action: "app.delete", appId: row.id, modelId: row.model_id, before: { slug, entities: count } });
    });
    await this.events.notify("appsChanged", { apps: [slug] }, () => {});
  }
}

/** Everything an app owns, for app and model deletion. */
export async function deleteAppRows(tx: Queryable, appId: number): Promise<void> {
  await dropAppIndexes(tx, appId);
  await dropAppRollups(tx, appId); // before the rows go: their triggers would run once per row
  await deleteAppData(tx, appId);
  await tx.run("DELETE FROM xflow_executions WHERE app_id = ?", [appId]);
  await tx.run("DELETE FROM seed_runs WHERE app_id = ?", [appId]);
  await tx.run("DELETE FROM apps WHERE id = ?", [appId]);
}

// SQL for apps (table apps): an app is a slug and the model it runs; its records, links,
// indexes and runs hang off its numeric id.

import type { Queryable } from "./driver";
import { dropAppIndexes } from "./entities/indexes";
import { dropAppRollups } from "./entities/rollups";
import { deleteAppData } from "./entities/rows";
import { deleteSeedRun, deleteWorkflowRunsOf } from "./runs";

export interface AppListRow {
  slug: string;
  model_id: string;
  name: string;
  version: number;
  created_at: string;
}

/** Every app by slug, with its model's name and current version. */
export const listApps = (q: Queryable) =>
  q.all<AppListRow>("SELECT a.slug, a.model_id, m.name, m.version, a.created_at FROM apps a JOIN models m ON m.id = a.model_id ORDER BY a.slug");

/** An app's id and model, with the model's current version. */
export const appWithVersion = (q: Queryable, slug: string) =>
  q.get<{ id: number; model_id: string; version: number }>(
    "SELECT a.id, a.model_id, m.version FROM apps a JOIN models m ON m.id = a.model_id WHERE a.slug = ?",
    [slug],
  );

/** An app's id and model id. */
export const appBySlug = (q: Queryable, slug: string) => q.get<{ id: number; model_id: string }>("SELECT id, model_id FROM apps WHERE slug = ?", [slug]);

export async function slugTaken(q: Queryable, slug: string): Promise<boolean> {
  return !!(await q.get("SELECT 1 AS x FROM apps WHERE slug = ?", [slug]));
}

/** A new app; returns its id. */
export async function insertApp(q: Queryable, slug: string, modelId: string, now: string): Promise<number> {
  q.definitionsChanged?.();
  await q.run("INSERT INTO apps (slug, model_id, created_at) VALUES (?, ?, ?)", [slug, modelId, now]);
  return (await q.get<{ id: number }>("SELECT id FROM apps WHERE slug = ?", [slug]))!.id;
}

/** Every app with its model's current version and document (work done per app at open). */
export const appModels = (q: Queryable) =>
  q.all<{ app_id: number; model_id: string; version: number; doc: string }>(
    `SELECT a.id AS app_id, m.id AS model_id, m.version, v.doc FROM apps a JOIN models m ON m.id = a.model_id
     JOIN model_versions v ON v.model_id = m.id AND v.version = m.version ORDER BY a.id`,
  );

/** One app's model as stored now (its current version and document). */
export const appModelOf = (q: Queryable, appId: number) =>
  q.get<{ model_id: string; version: number; doc: string }>(
    "SELECT m.id AS model_id, m.version, v.doc FROM apps a JOIN models m ON m.id = a.model_id JOIN model_versions v ON v.model_id = m.id AND v.version = m.version WHERE a.id = ?",
    [appId],
  );

/** The apps of a model. */
export const appsOfModel = (q: Queryable, modelId: string) => q.all<{ id: number; slug: string }>("SELECT id, slug FROM apps WHERE model_id = ?", [modelId]);

/** Everything an app owns, and the app itself (app and model deletion). */
export async function deleteApp(tx: Queryable, appId: number): Promise<void> {
  tx.definitionsChanged?.();
  await dropAppIndexes(tx, appId);
  await dropAppRollups(tx, appId); // before the rows go: their triggers would run once per row
  await deleteAppData(tx, appId);
  await deleteWorkflowRunsOf(tx, appId);
  await deleteSeedRun(tx, appId);
  await tx.run("DELETE FROM apps WHERE id = ?", [appId]);
}

// SQL for models and their versions (tables models, model_versions). Every save is a new
// row of model_versions; the models row holds the name and the newest version number.

import type { Queryable } from "./driver";

export interface ModelRow {
  id: string;
  name: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ModelVersionRow {
  version: number;
  created_at: string;
  actor: string;
  note: string | null;
}

/** Every model by name (then age), with the slugs of its apps comma-joined (null when none). */
export const listModels = (q: Queryable) =>
  q.all<ModelRow & { apps: string | null }>(
    `SELECT m.*, (SELECT ${q.dialect.joined("slug")} FROM apps a WHERE a.model_id = m.id) AS apps FROM models m ORDER BY m.name, m.created_at`,
  );

export const modelById = (q: Pick<Queryable, "get">, id: string) => q.get<ModelRow>("SELECT * FROM models WHERE id = ?", [id]);

/** Models with this name, ignoring the case of A–Z. */
export const modelsByName = (q: Pick<Queryable, "all" | "dialect">, name: string) =>
  q.all<ModelRow>(`SELECT * FROM models WHERE ${q.dialect.caseless("name")} = ${q.dialect.caseless("?")}`, [name]);

/** The stored document (JSON text) of one version, if that version exists. */
export async function modelDoc(q: Queryable, modelId: string, version: number): Promise<string | undefined> {
  return (await q.get<{ doc: string }>("SELECT doc FROM model_versions WHERE model_id = ? AND version = ?", [modelId, version]))?.doc;
}

/** A model's versions, newest first. */
export const modelVersions = (q: Queryable, modelId: string) =>
  q.all<ModelVersionRow>("SELECT version, created_at, actor, note FROM model_versions WHERE model_id = ? ORDER BY version DESC", [modelId]);

/** A new model at version 1 (its document goes in with insertModelVersion). */
export async function insertModel(q: Queryable, id: string, name: string, now: string): Promise<void> {
  q.definitionsChanged?.();
  await q.run("INSERT INTO models (id, name, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)", [id, name, now, now]);
}

/** Move a model to a new version (and name). */
export async function updateModel(q: Queryable, id: string, name: string, version: number, now: string): Promise<void> {
  q.definitionsChanged?.();
  await q.run("UPDATE models SET name = ?, version = ?, updated_at = ? WHERE id = ?", [name, version, now, id]);
}

export async function insertModelVersion(
  q: Queryable,
  v: { modelId: string; version: number; doc: string; createdAt: string; actor: string; note: string | null },
): Promise<void> {
  q.definitionsChanged?.();
  await q.run("INSERT INTO model_versions (model_id, version, doc, created_at, actor, note) VALUES (?, ?, ?, ?, ?, ?)", [
    v.modelId,
    v.version,
    v.doc,
    v.createdAt,
    v.actor,
    v.note,
  ]);
}

/** Remove a model with all its versions (its apps must be gone first). */
export async function deleteModel(q: Queryable, id: string): Promise<void> {
  q.definitionsChanged?.();
  await q.run("DELETE FROM model_versions WHERE model_id = ?", [id]);
  await q.run("DELETE FROM models WHERE id = ?", [id]);
}

/**
 * Every model's id and version with its apps' slugs (comma-joined, null when none), by
 * id: what changes when a model is saved or an app of it is made or deleted, by this
 * process or another.
 */
export const modelVersionsAndApps = (q: Queryable) =>
  q.all<{ id: string; version: number; apps: string | null }>(
    `SELECT m.id, m.version, (SELECT ${q.dialect.joined("slug")} FROM apps a WHERE a.model_id = m.id) AS apps FROM models m ORDER BY m.id`,
  );

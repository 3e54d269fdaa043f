// Models: create, read, save (every save is a new version), diff, roll back, delete.
// Saving validates the whole document and brings every app of the model in line with it
// (its derived indexes) in the same transaction, so a broken model is never stored.

import { conflict, type Issue, notFound, TorqueError, validationError } from "../lib/errors";
import { isPlainObject } from "../lib/json";
import { type CompiledModel, compileModel } from "../model/compile";
import { diffModels, type ModelDiff } from "../model/diff";
import { applyEdit, type ModelEdit } from "../model/edit";
import { applyEdits } from "../model/invert";
import { convertLegacyModel, isLegacyModel } from "../model/legacy/convert";
import type { Model } from "../model/schema";
import { isLimitIssue, validateModel } from "../model/validate";
import { appsOfModel, deleteApp } from "../store/apps";
import type { Driver, Queryable } from "../store/driver";
import { fillPendingFts, syncFts } from "../store/entities/fts";
import { noteGrown } from "../store/entities/growth";
import { syncIndexes } from "../store/entities/indexes";
import { syncRollups } from "../store/entities/rollups";
import { analyzeStatistics } from "../store/entities/statistics";
import {
  deleteModel,
  insertModel,
  insertModelVersion,
  listModels,
  type ModelRow,
  modelById,
  modelDoc,
  modelsByName,
  modelVersions,
  modelVersionsAndApps,
  updateModel,
} from "../store/models";
import type { FlowDef } from "../xflow/types";
import { validateFlow } from "../xflow/validate";
import { mustHave } from "./access/deny";
import { type Actor, actorLabel } from "./actor";
import { writeAudit } from "./audit";
import type { EventBus } from "./events";

export interface ModelSummary {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  apps: string[];
}
export interface ModelVersion {
  version: number;
  createdAt: string;
  actor: string;
  note: string | null;
}
export interface StoredModel {
  id: string;
  name: string;
  version: number;
  doc: Model;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ModelService {
  /**
   * The newest compiled version of each model this process saved or loaded. Versions never
   * change once stored, so an entry is right for as long as its version is asked for, also
   * after another process saved a newer one. A save puts its own compilation here, so the
   * apps of a model pick up the new version without reading and compiling it again (on a
   * 300-type model that was ~4 ms per app after every edit), and apps of one model share it.
   */
  private readonly compiledModels = new Map<string, CompiledModel>();

  constructor(
    private readonly db: Driver,
    private readonly events: EventBus,
  ) {
    // Another process wrote (a restored backup may even hold other documents under the same versions).
    db.onExternalChange(() => this.compiledModels.clear());
  }

  /** A version of a model, compiled for run time; shared and read-only (never change what it holds). */
  async compiled(id: string, version: number): Promise<CompiledModel> {
    const have = this.compiledModels.get(id);
    if (have?.version === version) return have;
    const doc = await modelDoc(this.db, id, version);
    if (doc === undefined) throw notFound(`version of model ${id}`, version);
    const compiled = compileModel(id, version, JSON.parse(doc));
    this.keep(compiled);
    return compiled;
  }

  async list(): Promise<ModelSummary[]> {
    const rows = await listModels(this.db);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      version: r.version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      apps: r.apps ? r.apps.split(",").sort() : [],
    }));
  }

  /** Find a model by id, or by name when exactly one model has it. */
  async resolve(ref: string, db: Pick<Queryable, "get" | "all" | "dialect"> = this.db): Promise<ModelRow> {
    if (UUID.test(ref)) {
      const row = await modelById(db, ref);
      if (row) return row;
    }
    const rows = await modelsByName(db, ref);
    if (rows.length === 1) return rows[0]!;
    if (rows.length > 1) throw new TorqueError("bad_request", `${rows.length} models are named "${ref}"; use the id (${rows.map((r) => r.id).join(", ")})`);
    throw notFound("model", ref);
  }

  async get(ref: string, version?: number): Promise<StoredModel> {
    const m = await this.resolve(ref);
    const v = version ?? m.version;
    const doc = await modelDoc(this.db, m.id, v);
    if (doc === undefined) throw notFound(`version of model ${m.name}`, v);
    return { id: m.id, name: m.name, version: v, doc: JSON.parse(doc) };
  }

  async versions(ref: string): Promise<ModelVersion[]> {
    const m = await this.resolve(ref);
    const rows = await modelVersions(this.db, m.id);
    return rows.map((r) => ({ version: r.version, createdAt: r.created_at, actor: r.actor, note: r.note }));
  }

  /**
   * A fingerprint of every model's version and the apps using it: it changes when a model
   * is saved, or an app made or deleted, by this process or another (MCP announces lists).
   */
  async signature(): Promise<string> {
    return (await modelVersionsAndApps(this.db)).map((r) => `${r.id}:${r.version}:${r.apps ?? ""}`).join("|");
  }

  /** Create a model from a document (validated), as version 1. */
  async create(doc: unknown, actor: Actor, note = "created"): Promise<StoredModel> {
    await mustHave(this.db, actor, "admin", "create models", { action: "model.create" });
    const model = checked(doc);
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    model.version = 1;
    await this.db.transaction(async (tx) => {
      await insertModel(tx, id, model.name, now);
      await this.storeVersion(tx, id, model, actor, note, now);
      await writeAudit(tx, actor, { action: "model.create", modelId: id, after: { name: model.name, version: 1 } }, now);
    });
    return { id, name: model.name, version: 1, doc: model };
  }

  /**
   * Save a new version. With `expectedVersion`, a save based on an older version is a
   * conflict (two editors), not a silent overwrite.
   */
  async save(ref: string, doc: unknown, actor: Actor, opts: { note?: string; expectedVersion?: number } = {}): Promise<StoredModel> {
    await mustHave(this.db, actor, "admin", "change models", { action: "model.save", modelId: ref });
    const model = checked(doc);
    const now = new Date().toISOString();
    const result = await this.db.transaction(async (tx) => {
      const m = await this.resolve(ref, tx);
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== m.version)
        throw conflict(`model ${m.name} is at version ${m.version}, not ${opts.expectedVersion}`, { currentVersion: m.version });
      const version = m.version + 1;
      model.version = version;
      await updateModel(tx, m.id, model.name, version, now);
      const text = await this.storeVersion(tx, m.id, model, actor, opts.note ?? null, now);
      // Compiled from its own copy of the stored text: the caller may do what it likes with `doc`.
      const compiled = compileModel(m.id, version, JSON.parse(text));
      const { apps, analyze, grown } = await this.syncApps(tx, compiled);
      await writeAudit(tx, actor, { action: "model.save", modelId: m.id, before: { version: m.version }, after: { name: model.name, version } }, now);
      return { stored: { id: m.id, name: model.name, version, doc: model }, apps, analyze, grown, compiled };
    });
    for (const [appId, types] of result.grown) noteGrown(this.db, appId, types);
    this.keep(result.compiled);
    await this.events.notify("modelChanged", { modelId: result.stored.id, version: result.stored.version, apps: result.apps }, logError);
    // Full-text tables this save made (text-like fields changed) are filled now, in short
    // transactions; searches are right meanwhile, only slower. A crash leaves them to the next open.
    await fillPendingFts(this.db).catch(logError);
    // New statistics (PostgreSQL) are empty until ANALYZE: filled now, outside the write lock.
    for (const p of result.analyze) await analyzeStatistics(this.db, p).catch(logError);
    return result.stored;
  }

  /** Apply one edit to the current version and save the result (validated like any save). */
  async edit(ref: string, edit: ModelEdit, actor: Actor, opts: { expectedVersion?: number } = {}): Promise<StoredModel> {
    await mustHave(this.db, actor, "admin", "change models", { action: "model.save", modelId: ref });
    const current = await this.current(ref);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version)
      throw conflict(`model ${current.name} is at version ${current.version}, not ${opts.expectedVersion}`, { currentVersion: current.version });
    return this.save(current.id, applyEdit(current.doc, edit), actor, { note: edit.op, expectedVersion: current.version });
  }

  /**
   * Apply several edits to one version and save the result as one new version (the Model
   * Editor sends an action's edits together, and an undo is one action). All or nothing.
   */
  async editMany(ref: string, edits: ModelEdit[], actor: Actor, opts: { expectedVersion?: number; note?: string } = {}): Promise<StoredModel> {
    await mustHave(this.db, actor, "admin", "change models", { action: "model.save", modelId: ref });
    const current = await this.current(ref);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version)
      throw conflict(`model ${current.name} is at version ${current.version}, not ${opts.expectedVersion}`, { currentVersion: current.version });
    const note = opts.note ?? [...new Set(edits.map((e) => e.op))].join(", ");
    return this.save(current.id, applyEdits(current.doc, edits), actor, { note, expectedVersion: current.version });
  }

  /**
   * The current version to edit: its document is the compiled one's (shared, read-only),
   * which is safe here because edits copy what they change (model/edit.ts) and the save
   * validates a copy of its own.
   */
  private async current(ref: string): Promise<StoredModel> {
    const m = await this.resolve(ref);
    const compiled = await this.compiled(m.id, m.version);
    return { id: m.id, name: m.name, version: m.version, doc: compiled.doc };
  }

  /** Restore an old version by saving it as the newest one (history is never rewritten). */
  async rollback(ref: string, version: number, actor: Actor): Promise<StoredModel> {
    await mustHave(this.db, actor, "admin", "change models", { action: "model.save", modelId: ref });
    const old = await this.get(ref, version);
    return this.save(old.id, old.doc, actor, { note: `rollback to version ${version}` });
  }

  async diff(ref: string, from: number, to?: number): Promise<ModelDiff & { from: number; to: number }> {
    const a = await this.get(ref, from);
    const b = await this.get(ref, to);
    return { ...diffModels(a.doc, b.doc), from: a.version, to: b.version };
  }

  /** Delete a model and all its versions. Refused while apps use it unless `withApps` deletes them (and their data) too. */
  async delete(ref: string, actor: Actor, opts: { withApps?: boolean } = {}): Promise<{ id: string; name: string; appsDeleted: string[] }> {
    await mustHave(this.db, actor, "admin", "delete models", { action: "model.delete", modelId: ref });
    const result = await this.db.transaction(async (tx) => {
      const m = await this.resolve(ref, tx);
      const apps = await appsOfModel(tx, m.id);
      if (apps.length && !opts.withApps)
        throw conflict(`model ${m.name} is used by app(s) ${apps.map((a) => a.slug).join(", ")}; delete them first or pass --with-apps`, {
          apps: apps.map((a) => a.slug),
        });
      for (const a of apps) await deleteApp(tx, a.id);
      await deleteModel(tx, m.id);
      this.compiledModels.delete(m.id);
      await writeAudit(tx, actor, { action: "model.delete", modelId: m.id, before: { name: m.name, version: m.version, apps: apps.map((a) => a.slug) } });
      return { id: m.id, name: m.name, appsDeleted: apps.map((a) => a.slug) };
    });
    if (result.appsDeleted.length) await this.events.notify("appsChanged", { apps: result.appsDeleted }, logError);
    return result;
  }

  /** Store a version; returns its JSON as stored. */
  private async storeVersion(tx: Queryable, id: string, model: Model, actor: Actor, note: string | null, now: string): Promise<string> {
    const doc = JSON.stringify(model);
    await insertModelVersion(tx, { modelId: id, version: model.version!, doc, createdAt: now, actor: actorLabel(actor), note });
    return doc;
  }

  /** A compiled version kept as the model's newest, unless a newer one is kept already. */
  private keep(compiled: CompiledModel): void {
    const newest = this.compiledModels.get(compiled.id);
    if (!newest || newest.version < compiled.version) this.compiledModels.set(compiled.id, compiled);
  }

  /** The model's apps brought in line with it; `analyze`: partitions with new statistics to fill after commit (store/entities/statistics.ts). */
  private async syncApps(tx: Queryable, compiled: CompiledModel): Promise<{ apps: string[]; analyze: Set<string>; grown: Map<number, Set<string>> }> {
    const apps = await appsOfModel(tx, compiled.id);
    const analyze = new Set<string>();
    const grown = new Map<number, Set<string>>();
    for (const a of apps) {
      const synced = await syncIndexes(tx, a.id, compiled, this.db.dialect);
      if (synced.analyze) analyze.add(synced.analyze);
      grown.set(a.id, synced.grown);
      await syncFts(tx, a.id, compiled);
      await syncRollups(tx, a.id, compiled, synced.grown);
    }
    return { apps: apps.map((a) => a.slug), analyze, grown };
  }
}

/**
 * A model document as the canonical format: a file of the original Torque (snake_case
 * markers) is converted, so every door (CLI, GraphQL, JSON-RPC, MCP) that validates or
 * saves a model accepts both formats alike. What the conversion could not represent is
 * reported only by an import (services/transfer.ts).
 */
export const canonicalModel = (doc: unknown): unknown => (isLegacyModel(doc) ? convertLegacyModel(doc).model : doc);

/**
 * Every problem of a model document (canonical or legacy): its structure and references
 * (model layer) and each workflow's graph and node settings (the XFlow engine's rules).
 */
export function checkModel(input: unknown, text?: string): Issue[] {
  const doc = canonicalModel(input);
  const issues = validateModel(doc, doc === input ? text : undefined);
  if (!isPlainObject(doc) || !Array.isArray(doc.xflows) || issues.some(isLimitIssue)) return issues;
  const seen = new Set(issues.map((i) => i.path));
  doc.xflows.forEach((x, i) => {
    if (
      !isPlainObject(x) ||
      !Array.isArray(x.nodes) ||
      !Array.isArray(x.edges) ||
      x.nodes.some((n) => !isPlainObject(n) || typeof n.id !== "string" || typeof n.type !== "string") ||
      // A malformed edge (null, a list for a node id) is the structural check's to report; the graph needs sound ones.
      x.edges.some((e) => !isPlainObject(e) || typeof e.from !== "string" || typeof e.to !== "string")
    )
      return;
    for (const issue of validateFlow(x as never, `/xflows/${i}`)) if (!seen.has(issue.path)) issues.push(issue);
  });
  return issues;
}

/** Every problem of one workflow document (`torque xflow validate` of a single flow): its graph and node settings. */
export const checkFlow = (flow: FlowDef): Issue[] => validateFlow(flow);

/** Validate a document as a model; a broken one is a validation error listing every problem. */
export function checked(input: unknown): Model {
  const doc = canonicalModel(input);
  const text = isPlainObject(doc) ? JSON.stringify(doc) : undefined;
  const issues = checkModel(doc, text);
  if (issues.length || text === undefined) throw validationError(issues, "model");
  // The caller's own copy, exactly as it will be stored: parsed from the JSON the size check
  // measured (structuredClone of a 300-type model cost 3.5 ms, this 0.7 ms).
  return JSON.parse(text) as Model;
}

function logError(e: unknown) {
  console.error(`torque: change listener failed: ${(e as Error)?.message ?? e}`);
}

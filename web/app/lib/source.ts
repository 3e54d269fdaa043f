// Where components get and change data: one interface, two implementations. The app uses
// RpcSource (JSON-RPC + the tab's /ws connection); the component gallery uses fixtures
// (gallery/fixture-source.ts) so every component can be seen in every state without a
// server. Components never call fetch or rpc themselves.
import type { LiveConnection, LiveListener } from "./live";
import { rpc } from "./rpc";
import type { AggregateParams, AggregateResult, EntityChange, EntityMeta, EntityRecord, Issue, PageResult, QueryParams, XFlowRunSummary } from "./types";

export interface ImportReport {
  inserted: number;
  ids: string[];
  /** A dry run checked every row and wrote nothing. */
  dryRun?: boolean;
  /** A dry run: how many rows the import would insert. */
  wouldInsert?: number;
}

export interface DataSource {
  /** A grid page: rows, pagination and the columns (loadEntityData). */
  loadEntityData(entity: string, p: QueryParams & { columns?: string[] }, signal?: AbortSignal): Promise<PageResult>;
  query(entity: string, p: QueryParams, signal?: AbortSignal): Promise<PageResult>;
  get(entity: string, id: string, p?: { include?: string[] }): Promise<EntityRecord>;
  /** The entity type's field definitions and, with an id, the record (getFormDefinition). */
  form(entity: string, id?: string): Promise<{ entity: EntityMeta; record: EntityRecord | null }>;
  create(entity: string, data: Record<string, unknown>): Promise<EntityRecord>;
  update(entity: string, id: string, data: Record<string, unknown>, expectedVersion?: number): Promise<EntityRecord>;
  delete(entity: string, id: string): Promise<unknown>;
  aggregate(entity: string, p: AggregateParams): Promise<AggregateResult>;
  related(entity: string, id: string, relationship: string, p?: QueryParams): Promise<PageResult>;
  bulkImport(entity: string, p: { format: "csv" | "json"; data: string | unknown[]; dryRun?: boolean }): Promise<ImportReport>;
  exportEntities(
    entity: string,
    p: { format: "csv" | "json"; filter?: Record<string, unknown>; sort?: QueryParams["sort"]; fields?: string[] },
  ): Promise<{ format: string; count: number; data: string | EntityRecord[] }>;
  executeXFlow(xflow: string, input: unknown): Promise<XFlowRunSummary>;
  /** Labels of referenced records, batched: calls in the same tick become one request per entity type. */
  labels(entity: string, ids: string[]): Promise<Map<string, string>>;
  /** Hear of changes (and of reconnects, to catch up); returns the unsubscribe. */
  listen(l: LiveListener): () => void;
}

export type { EntityChange, Issue };

/** The label of a record: its display field, else its id. */
export function recordLabel(rec: EntityRecord | null | undefined, display: string | null | undefined): string {
  if (!rec) return "";
  const v = display ? rec.data[display] : undefined;
  return v === undefined || v === null || v === "" ? rec.id : String(v);
}

export class RpcSource implements DataSource {
  private pendingLabels = new Map<
    string,
    { ids: Set<string>; waiters: { ids: string[]; resolve: (m: Map<string, string>) => void; reject: (e: unknown) => void }[] }
  >();
  private labelCache = new Map<string, Map<string, string>>();

  constructor(
    readonly app: string,
    private readonly live: LiveConnection,
    /** Display field of each entity type, for labels. */
    private readonly display: (entity: string) => string | null,
  ) {
    // A changed record may have a new label: forget its cached one.
    live.listen({ entity: (e) => this.labelCache.get(e.entity)?.delete(e.id), resync: () => this.labelCache.clear() });
  }

  private call<T>(method: string, params: Record<string, unknown>, signal?: AbortSignal) {
    return rpc<T>(method, { app: this.app, ...params }, signal);
  }

  loadEntityData(entity: string, p: QueryParams & { columns?: string[] }, signal?: AbortSignal) {
    return this.call<PageResult>("loadEntityData", { entity, ...p }, signal);
  }
  query(entity: string, p: QueryParams, signal?: AbortSignal) {
    return this.call<PageResult>("queryEntities", { entity, ...p }, signal);
  }
  get(entity: string, id: string, p: { include?: string[] } = {}) {
    return this.call<EntityRecord>("getEntity", { entity, id, ...p });
  }
  form(entity: string, id?: string) {
    return this.call<{ entity: EntityMeta; record: EntityRecord | null }>("getFormDefinition", { entity, ...(id !== undefined && { id }) });
  }
  create(entity: string, data: Record<string, unknown>) {
    return this.call<EntityRecord>("createEntity", { entity, data });
  }
  update(entity: string, id: string, data: Record<string, unknown>, expectedVersion?: number) {
    return this.call<EntityRecord>("updateEntity", { entity, id, data, ...(expectedVersion !== undefined && { expectedVersion }) });
  }
  delete(entity: string, id: string) {
    return this.call<unknown>("deleteEntity", { entity, id });
  }
  aggregate(entity: string, p: AggregateParams) {
    return this.call<AggregateResult>("aggregateEntities", { entity, ...p });
  }
  related(entity: string, id: string, relationship: string, p: QueryParams = {}) {
    return this.call<PageResult>("getRelated", { entity, id, relationship, ...p });
  }
  bulkImport(entity: string, p: { format: "csv" | "json"; data: string | unknown[]; dryRun?: boolean }) {
    return this.call<ImportReport>("bulkImport", { entity, ...p });
  }
  exportEntities(entity: string, p: { format: "csv" | "json"; filter?: Record<string, unknown>; sort?: QueryParams["sort"]; fields?: string[] }) {
    return this.call<{ format: string; count: number; data: string | EntityRecord[] }>("exportEntities", { entity, ...p });
  }
  executeXFlow(xflow: string, input: unknown) {
    return this.call<XFlowRunSummary>("executeXFlow", { xflow, input });
  }
  listen(l: LiveListener) {
    return this.live.listen(l);
  }

  labels(entity: string, ids: string[]): Promise<Map<string, string>> {
    const cache = this.labelCache.get(entity) ?? this.labelCache.set(entity, new Map()).get(entity)!;
    const missing = ids.filter((id) => !cache.has(id));
    if (!missing.length) return Promise.resolve(new Map(ids.map((id) => [id, cache.get(id)!])));
    return new Promise((resolve, reject) => {
      let batch = this.pendingLabels.get(entity);
      if (!batch) {
        this.pendingLabels.set(entity, (batch = { ids: new Set(), waiters: [] }));
        queueMicrotask(() => void this.flushLabels(entity));
      }
      for (const id of missing) batch.ids.add(id);
      batch.waiters.push({ ids, resolve, reject });
    });
  }

  private async flushLabels(entity: string) {
    const batch = this.pendingLabels.get(entity)!;
    this.pendingLabels.delete(entity);
    const cache = this.labelCache.get(entity)!;
    const display = this.display(entity);
    try {
      const ids = [...batch.ids];
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500);
        const page = await this.query(entity, { filter: { id: { in: part } }, limit: part.length, ...(display && { fields: [display] }) });
        for (const r of page.data) cache.set(r.id, recordLabel(r, display));
        for (const id of part) if (!cache.has(id)) cache.set(id, id); // deleted meanwhile: its id
      }
      for (const w of batch.waiters) w.resolve(new Map(w.ids.map((id) => [id, cache.get(id) ?? id])));
    } catch (e) {
      for (const w of batch.waiters) w.reject(e);
    }
  }
}

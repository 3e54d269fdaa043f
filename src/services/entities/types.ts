// Shapes the entity service takes and returns, shared by every transport.
import type { Actor } from "../actor";
import type { Data } from "./data";

/** An entity as it travels over every API. */
export interface EntityRecord {
  id: string;
  entity: string;
  data: Data;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Present when `include` asked for related entities: by reference field or relationship name. */
  related?: Record<string, EntityRecord | EntityRecord[] | null>;
}

export interface QueryOptions {
  filter?: unknown;
  sort?: unknown;
  limit?: unknown;
  cursor?: unknown;
  /** Skip this many rows after the cursor (or the start) first: 0 to 1,000,000, default 0. */
  offset?: unknown;
  fields?: string[];
  include?: string[];
  /** Count every match (see store/entities/count.ts); off by default. */
  total?: boolean;
}

export interface Page {
  data: EntityRecord[];
  /** `totalExact: false`: `total` is an estimate (an exact count would have been slow). */
  pagination: { nextCursor: string | null; limit: number; total?: number; totalExact?: boolean };
}

export interface WriteOptions {
  actor: Actor;
  /** Accept text forms of values ("42", "true"), as from CSV or a command line. */
  lenient?: boolean;
  /** Optimistic concurrency: fail with a conflict when the stored version differs. */
  expectedVersion?: number;
}

export type EntityEventName = "beforeCreate" | "afterCreate" | "beforeUpdate" | "afterUpdate" | "beforeDelete" | "afterDelete";

/**
 * What lifecycle hooks receive. A before* handler may replace `data` (create/update) or
 * throw to veto the write; after* handlers run after commit and cannot undo it.
 */
export interface EntityEvent {
  app: string;
  entity: string;
  event: EntityEventName;
  id?: string;
  data: Data;
  previous?: Data;
  actor: Actor;
}

export type EntityHookMap = Record<EntityEventName, EntityEvent>;

// Change notifications inside one process: the realtime transport and caches listen here.
// Fired only after commit.
import { Hooks } from "../lib/hooks";

export interface EntityChanged {
  app: string;
  entity: string;
  id: string;
  op: "create" | "update" | "delete";
  version: number;
  /** The record's data after the change (before it, for a delete). */
  data?: Record<string, unknown>;
  /** The data before an update, so subscribers whose filter it left hear of it too. */
  previous?: Record<string, unknown>;
  /** The record's timestamps, when the writer has them (subscription filters may test them). */
  createdAt?: string;
  updatedAt?: string;
}
export interface ModelChanged {
  modelId: string;
  version: number;
  apps: string[];
}

/** Apps created or deleted (their cached runtimes must go). */
export interface AppsChanged {
  apps: string[];
}

export type ChangeEvents = { entityChanged: EntityChanged; modelChanged: ModelChanged; appsChanged: AppsChanged };
export const createEventBus = () => new Hooks<ChangeEvents>();
export type EventBus = ReturnType<typeof createEventBus>;

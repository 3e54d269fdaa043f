// What the entity service's parts share: the database, the apps, the hooks and the
// change events; plus small helpers to resolve names and shape records.

import { notFound, validationError } from "../../lib/errors";
import type { Hooks } from "../../lib/hooks";
import type { CompiledEntity } from "../../model/compile";
import type { Driver } from "../../store/driver";
import type { EntityRow } from "../../store/entities/rows";
import type { AppRuntime, AppService } from "../apps";
import type { EventBus } from "../events";
import { type Data, visibleData } from "./data";
import type { EntityHookMap, EntityRecord } from "./types";

export interface EntityContext {
  db: Driver;
  apps: AppService;
  events: EventBus;
  hooks: Hooks<EntityHookMap>;
}

export function entityOf(rt: AppRuntime, name: unknown): CompiledEntity {
  if (typeof name !== "string" || !name) throw validationError([{ field: "entity", rule: "required", message: "entity (a type name) is required" }], "request");
  const ent = rt.model.entities.get(name);
  if (!ent) throw notFound(`entity type in app ${rt.slug}`, name);
  return ent;
}

export function checkId(id: unknown): string {
  if (typeof id !== "string" || !id || id.length > 100)
    throw validationError([{ field: "id", rule: "type", message: "id must be a non-empty string" }], "request");
  return id;
}

export function toRecord(ent: CompiledEntity, row: EntityRow, fields?: string[], data?: Data): EntityRecord {
  return {
    id: row.id,
    entity: ent.name,
    data: visibleData(ent, data ?? (JSON.parse(row.data) as Data), fields),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Check a projection list against the model. */
export function checkFields(ent: CompiledEntity, fields: unknown, param = "fields"): string[] | undefined {
  if (fields === undefined || fields === null) return undefined;
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== "string"))
    throw validationError([{ field: param, rule: "type", message: `${param} must be a list of field names` }], "request");
  const bad = fields.filter((f) => !ent.fields.has(f));
  if (bad.length)
    throw validationError(
      bad.map((f) => ({ field: param, rule: "unknown", message: `${ent.name} has no field "${f}"` })),
      "request",
    );
  return fields as string[];
}

export const logAfterError = (e: unknown) => console.error(`torque: after-commit handler failed: ${(e as Error)?.message ?? e}`);

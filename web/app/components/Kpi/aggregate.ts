// Reading an aggregate from a component's props (Kpi and Chart): which operation over
// which field, checked against the entity type so a bad prop is a readable error in the
// component's box rather than a server error.
import type { AggregateOp, AggregateParams, EntityMeta, FieldDefinition } from "../../lib/types";
import { t } from "./messages";

const OPS: readonly string[] = ["count", "sum", "avg", "min", "max"];
const NUMERIC = new Set(["integer", "number"]);
const ORDERED = new Set(["integer", "number", "date", "datetime"]);

export type AggregateSpec = { ok: AggregateParams["aggregates"][number]; field?: FieldDefinition } | { error: string };

export function aggregateSpec(ent: EntityMeta, aggregate: unknown, fieldName: unknown): AggregateSpec {
  const op = aggregate === undefined ? "count" : String(aggregate);
  if (!OPS.includes(op)) return { error: t("badAggregate", { aggregate: op }) };
  if (op === "count") return { ok: { op: "count" } };
  if (typeof fieldName !== "string" || !fieldName) return { error: t("needsField", { aggregate: op }) };
  const field = ent.fields.find((f) => f.name === fieldName);
  if (!field) return { error: t("unknownField", { field: fieldName, entity: ent.label }) };
  const fits = op === "min" || op === "max" ? ORDERED : NUMERIC;
  if (!fits.has(field.type)) return { error: t("notNumeric", { aggregate: op, field: field.label, type: field.type }) };
  return { ok: { op: op as Exclude<AggregateOp, "count">, field: field.name }, field };
}

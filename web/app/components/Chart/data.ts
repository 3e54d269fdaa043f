// What a chart shows, read from its props and checked against the entity type, and its
// points: one per group of aggregateEntities, labelled for people (enum values in the
// model's order, Yes/No, referenced records' labels, date buckets as dates).
import { fmt, locale } from "../../lib/i18n";
import type { DataSource } from "../../lib/source";
import type { AggregateParams, EntityMeta, FieldDefinition, ResolvedComponent } from "../../lib/types";
import { prop } from "../contract";
import { aggregateSpec } from "../Kpi/aggregate";
import { t } from "./messages";

export type ChartKind = "bar" | "line" | "pie";
type Bucket = "day" | "week" | "month";

export interface ChartSpec {
  kind: ChartKind;
  entity: EntityMeta;
  group: FieldDefinition;
  bucket?: Bucket;
  valueField?: FieldDefinition;
  params: AggregateParams;
  /** What the values are ("Sum of Amount"). */
  valueLabel: string;
  title: string;
}

export interface Point {
  key: string;
  label: string;
  value: number;
}

export interface ChartData {
  points: Point[];
  /** More groups exist than the server returns. */
  limited: boolean;
}

const GROUPABLE = new Set(["enum", "boolean", "reference", "date", "datetime"]);
const DATED = new Set(["date", "datetime"]);
const KINDS: readonly string[] = ["bar", "line", "pie"];
const BUCKETS: readonly string[] = ["day", "week", "month"];

export function chartSpec(c: ResolvedComponent, entityMeta: (name: string) => EntityMeta | undefined): ChartSpec | { error: string } {
  const name = prop.string(c, "entity") ?? "";
  const entity = entityMeta(name);
  if (!entity) return { error: t("unknownEntity", { entity: name }) };
  const kind = prop.string(c, "kind") ?? "bar";
  if (!KINDS.includes(kind)) return { error: t("badKind", { kind }) };

  const g = c.props.groupBy ?? c.props.x;
  const groupName = typeof g === "string" ? g : prop.object(c, "groupBy")?.field;
  if (typeof groupName !== "string" || !groupName) return { error: t("needsGroup") };
  const group = entity.fields.find((f) => f.name === groupName);
  if (!group) return { error: t("unknownField", { field: groupName, entity: entity.label }) };
  if (!GROUPABLE.has(group.type)) return { error: t("badGroup", { field: group.label, type: group.type }) };
  const askedBucket = typeof g === "object" && g ? (g as { bucket?: unknown }).bucket : undefined;
  if (askedBucket !== undefined && !BUCKETS.includes(String(askedBucket))) return { error: t("badBucket", { bucket: String(askedBucket) }) };
  const bucket = DATED.has(group.type) ? ((askedBucket as Bucket | undefined) ?? "day") : undefined;

  const agg = aggregateSpec(entity, c.props.aggregate, c.props.y ?? c.props.field);
  if ("error" in agg) return agg;
  if (agg.field && agg.field.type !== "integer" && agg.field.type !== "number")
    return { error: t("notNumeric", { field: agg.field.label, type: agg.field.type }) };
  const valueLabel = agg.ok.op === "count" ? t("count") : t(agg.ok.op, { field: agg.field?.label ?? "" });

  const filter = prop.object(c, "filter");
  const params: AggregateParams = {
    groupBy: bucket ? { field: group.name, bucket } : group.name,
    aggregates: [agg.ok],
    ...(filter && { filter }),
  };
  const title = prop.string(c, "title") ?? t("by", { value: valueLabel, group: group.label });
  return { kind: kind as ChartKind, entity, group, bucket, valueField: agg.field, params, valueLabel, title };
}

const monthFormat = () => new Intl.DateTimeFormat(locale(), { month: "short", year: "numeric", timeZone: "UTC" });

function bucketLabel(key: string, bucket: Bucket | undefined): string {
  if (bucket === "month") {
    const d = new Date(`${key.slice(0, 7)}-01T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? key : monthFormat().format(d);
  }
  return bucket === "week" ? t("weekOf", { date: fmt.date(key) }) : fmt.date(key);
}

/** The chart's points: the server's groups with labels, enums in the model's order. */
export async function loadChart(source: DataSource, spec: ChartSpec): Promise<ChartData> {
  const res = await source.aggregate(spec.entity.name, spec.params);
  const { group } = spec;
  const refIds = group.type === "reference" && group.entity ? res.groups.map((g) => g.key).filter((k): k is string => typeof k === "string") : [];
  const refLabels = refIds.length && group.entity ? await source.labels(group.entity, refIds) : new Map<string, string>();
  const points = res.groups.map((g): Point => {
    const k = g.key;
    const key = k === null || k === undefined ? "" : String(k);
    const label =
      k === null || k === undefined || k === ""
        ? t("none")
        : group.type === "boolean"
          ? k === true
            ? t("yes")
            : t("no")
          : group.type === "reference"
            ? (refLabels.get(key) ?? key)
            : DATED.has(group.type)
              ? bucketLabel(key, spec.bucket)
              : key;
    const v = g.values[0];
    return { key, label, value: typeof v === "number" && Number.isFinite(v) ? v : 0 };
  });
  if (group.type === "enum" && group.values) {
    const order = new Map(group.values.map((v, i) => [v, i]));
    points.sort((a, b) => (order.get(a.key) ?? order.size) - (order.get(b.key) ?? order.size));
  }
  return { points, limited: res.limited };
}

// What data a model change would touch, per app running the model: how many records an
// entity type holds and how many have a value in a field. The Model Editor shows it before
// a type or field is removed, renamed or retyped (the data stays, hidden; see purge.ts).
import type { Services } from ".";
import type { AggregateResult } from "./entities/aggregate";

export interface AppImpact {
  slug: string;
  /** Records of the entity type in this app. */
  records: number;
  /** Records with a value in the field (null: no field asked for, or the saved model has no such field). */
  withValue: number | null;
}

const count = (r: AggregateResult) => Number(r.groups[0]?.values[0] ?? 0);

export async function dataImpact(s: Services, modelRef: string, entity: string, field?: string): Promise<AppImpact[]> {
  const model = await s.models.get(modelRef);
  const type = model.doc.entities.find((e) => e.name === entity);
  const hasField = field !== undefined && !!type?.fields.some((f) => f.name === field);
  const apps = (await s.apps.list()).filter((a) => a.model.id === model.id);
  return Promise.all(
    apps.map(async (a) => {
      // A type only the editor has so far (not saved) holds no data yet.
      if (!type) return { slug: a.slug, records: 0, withValue: null };
      const records = count(await s.entities.aggregate(a.slug, entity, { aggregates: [{ op: "count" }] }));
      const withValue = hasField
        ? count(await s.entities.aggregate(a.slug, entity, { filter: { [field!]: { isNull: false } }, aggregates: [{ op: "count" }] }))
        : null;
      return { slug: a.slug, records, withValue };
    }),
  );
}

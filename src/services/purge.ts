// Purging on purpose what a model change left hidden: values of fields that were removed
// from an entity type, and records of entity types that were removed from the model.
// Until this runs, adding a field or type back brings its data back.
import { deleteTypeRows, replaceHiddenData, rowsAfter } from "../store/entities/purge";
import { typeRowCounts } from "../store/entities/stats";
import { mustHave } from "./access/deny";
import type { Actor } from "./actor";
import { writeAudit } from "./audit";
import { driverOf } from "./driver";
import type { Services } from "./index";

export interface PurgeResult {
  /** Records whose hidden field values were removed, by entity type. */
  fieldsPurged: Record<string, number>;
  /** Records deleted because their type is no longer in the model, by former type. */
  recordsDeleted: Record<string, number>;
}

export async function purgeHiddenData(s: Services, slug: string, actor: Actor): Promise<PurgeResult> {
  await mustHave(driverOf(s), actor, "admin", "purge data", { action: "app.purge", after: { app: slug } });
  const rt = await s.apps.runtime(slug);
  const result: PurgeResult = { fieldsPurged: {}, recordsDeleted: {} };
  const db = driverOf(s);
  const types = await typeRowCounts(db, rt.id);
  await db.transaction(async (tx) => {
    for (const { type, n } of types) {
      const ent = rt.model.entities.get(type);
      if (!ent) {
        await deleteTypeRows(tx, rt.id, type);
        result.recordsDeleted[type] = n;
        continue;
      }
      let after = "";
      let changed = 0;
      for (;;) {
        const rows = await rowsAfter(tx, rt.id, type, after, 1000);
        if (!rows.length) break;
        for (const r of rows) {
          const data = JSON.parse(r.data) as Record<string, unknown>;
          const hidden = Object.keys(data).filter((k) => !ent.fields.has(k));
          if (!hidden.length) continue;
          for (const k of hidden) delete data[k];
          // Only hidden values go: what callers see is unchanged, so the version stays.
          await replaceHiddenData(tx, rt.id, r.id, JSON.stringify(data));
          changed++;
        }
        after = rows.at(-1)!.id;
      }
      if (changed) result.fieldsPurged[type] = changed;
    }
    await writeAudit(tx, actor, { action: "app.purge", appId: rt.id, after: result });
  });
  return result;
}

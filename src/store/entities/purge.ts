// SQL for purging what model changes left hidden (services/purge.ts): the rows of a type
// the model no longer has, and values of removed fields inside the rows' data.

import { checkedIdent } from "../dialect";
import type { Queryable } from "../driver";

/** Remove every row of a type (a type the model no longer has). */
export async function deleteTypeRows(q: Queryable, appId: number, type: string): Promise<void> {
  await q.run(`DELETE FROM entities WHERE app_id = ? AND type = '${checkedIdent(type)}'`, [appId]);
  q.invalidateAll();
}

/** Up to `limit` rows of a type after id `after`, in id order: id and stored data. */
export const rowsAfter = (q: Queryable, appId: number, type: string, after: string, limit: number) =>
  q.all<{ id: string; data: string }>(
    `SELECT id, data FROM entities WHERE app_id = ? AND type = '${checkedIdent(type)}' AND id > ? ORDER BY id LIMIT ${Math.trunc(limit)}`,
    [appId, after],
  );

/** Replace a row's data without a new version: only values no caller sees are gone. */
export async function replaceHiddenData(q: Queryable, appId: number, id: string, data: string): Promise<void> {
  q.invalidate(`${appId}/${id}`);
  // The app too: ids are unique per app on PostgreSQL (its key is (app_id, id)), and the key finds the row.
  await q.run("UPDATE entities SET data = ? WHERE app_id = ? AND id = ?", [data, appId, id]);
}

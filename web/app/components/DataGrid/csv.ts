// CSV export of what the grid shows: every record matching its filter, in its sort, with
// its columns, made by the server (exportEntities) and saved as <entity>.csv.
import type { DataSource } from "../../lib/source";
import type { Filter, SortKey } from "../../lib/types";

export async function exportCsv(
  source: DataSource,
  entity: string,
  p: { filter?: Filter; sort: SortKey[]; fields: string[] },
): Promise<{ count: number; file: string }> {
  const res = await source.exportEntities(entity, {
    format: "csv",
    ...(p.filter && { filter: p.filter }),
    ...(p.sort.length && { sort: p.sort }),
    fields: p.fields,
  });
  const text = typeof res.data === "string" ? res.data : "";
  const file = `${entity}.csv`;
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = file;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL; keep it a moment for browsers that read it late.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { count: res.count, file };
}

// A model of many entity types with many fields each, as ERP-like apps grow: the editor's
// benchmark and its ERD test open it, and the `large` bench section designs with it. Each
// type but the first refers to an earlier one, so the diagram has edges to lay out.
// With `pages`, one page per type for the first `pages` types (a grid, a form, a KPI and a
// title, as a generated app has) and a navigation entry each; with `flow`, a workflow
// triggered by the first type's records, so loadPage and the flow views have work.
export function bigModel(types = 100, fields = 30, opts: { pages?: number; flow?: boolean } = {}) {
  const entities = Array.from({ length: types }, (_, i) => ({
    name: `e${i}`,
    label: `Entity ${i}`,
    display: "f0",
    fields: Array.from({ length: fields }, (_, j) =>
      j === fields - 1 && i > 0
        ? { name: `f${j}`, type: "reference", entity: `e${Math.floor(i / 2)}` }
        : { name: `f${j}`, type: j % 3 ? "text" : "integer", required: j === 0 },
    ),
  }));
  const pageCount = Math.min(opts.pages ?? 0, types);
  const columns = Array.from({ length: Math.min(fields, 8) }, (_, j) => `f${j}`);
  const pages = Array.from({ length: pageCount }, (_, i) => ({
    name: `p${i}`,
    title: `Entity ${i}`,
    path: `/p${i}`,
    components: [
      { id: "title", type: "Text", position: { row: 0, col: 0, width: 9, height: 1 }, props: { text: `Every entity ${i}` } },
      { id: "count", type: "Kpi", position: { row: 0, col: 9, width: 3, height: 1 }, props: { label: "Records", entity: `e${i}`, aggregate: "count" } },
      {
        id: "grid",
        type: "DataGrid",
        position: { row: 1, col: 0, width: 12, height: 8 },
        props: { entity: `e${i}`, columns, sort: [{ field: "f0", dir: "asc" }] },
      },
      { id: "form", type: "Form", position: { row: 9, col: 0, width: 12, height: 6 }, props: { entity: `e${i}`, submitLabel: "Save" } },
    ],
  }));
  const xflows = opts.flow
    ? [
        {
          name: "stamp",
          description: "Copies f1 into f2 when a record of e0 is created.",
          trigger: { type: "entity", entity: "e0", event: "beforeCreate" },
          nodes: [
            { id: "start", type: "start" },
            { id: "copy", type: "script", code: "return { data: { ...input.data, f2: input.data.f1 } };" },
            { id: "end", type: "end" },
          ],
          edges: [
            { from: "start", to: "copy" },
            { from: "copy", to: "end" },
          ],
        },
      ]
    : [];
  return {
    name: "Big",
    entities,
    ...(pageCount && { pages, startPage: "p0", navigation: pages.map((p) => ({ label: p.title, page: p.name })) }),
    ...(opts.flow && { xflows }),
  };
}

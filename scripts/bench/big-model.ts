// A model of many entity types with many fields each, as ERP-like apps grow: the editor's
// benchmark and its ERD test open it. Each type but the first refers to an earlier one, so
// the diagram has edges to lay out.
export function bigModel(types = 100, fields = 30) {
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
  return { name: "Big", entities };
}

import { describe, expect, test } from "bun:test";
import { diffModels, formatDiff } from "./diff";
import { templates } from "./templates";

const todo = () => structuredClone(templates.todo) as any;

describe("diffModels", () => {
  test("identical models", () => {
    expect(diffModels(todo(), todo()).identical).toBe(true);
    expect(formatDiff(diffModels(todo(), todo()))).toEqual([]);
  });

  test("entities, fields, relationships, pages and flows added, removed and changed", () => {
    const a = todo(),
      b = todo();
    b.entities.push({ name: "tag", fields: [{ name: "label", type: "text" }] });
    b.entities[1].fields = b.entities[1].fields.filter((f: any) => f.name !== "notes");
    b.entities[1].fields.push({ name: "estimate", type: "number" });
    b.entities[1].fields[0].maxLength = 300;
    b.entities[1].label = "Work item";
    b.relationships = [];
    b.pages[0].title = "All tasks";
    b.xflows = [...a.xflows, { name: "f", nodes: [{ id: "s", type: "start" }], edges: [] }];
    b.startPage = "projects";
    expect(formatDiff(diffModels(a, b)).sort()).toEqual(
      [
        "+ entity tag",
        "+ field task.estimate",
        "- field task.notes",
        "~ field task.title",
        "~ entity task label",
        "- relationship project_tasks",
        "~ page tasks",
        "+ xflow f",
        "~ startPage",
      ].sort(),
    );
    expect(diffModels(a, b).identical).toBe(false);
  });
});

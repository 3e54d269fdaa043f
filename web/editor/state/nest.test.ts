// Putting a component inside a Container or Modal keeps the page whole: it is held by one
// holder only (it leaves any other), and a holder cannot go inside what it holds.
import { describe, expect, test } from "bun:test";
import { applyEdits } from "../../../src/model/invert";
import type { Model } from "../../../src/model/schema";
import { templates } from "../../../src/model/templates";
import { validateModel } from "../../../src/model/validate";
import { holdersOf } from "../pages/designer/layout";
import { addComponent, nestComponent } from "./componentActions";

const tasks = (d: Model) => d.pages!.find((p) => p.name === "tasks")!;
const children = (d: Model, id: string) => tasks(d).components.find((c) => c.id === id)!.props!.children;

describe("nest", () => {
  test("into a container, then into the modal: held by one holder at a time, the model valid", () => {
    let d = structuredClone(templates.todo) as unknown as Model;
    d = applyEdits(
      d,
      addComponent("tasks", { id: "box", type: "Container", position: { row: 30, col: 0, width: 6, height: 3 }, props: { children: [] } }).edits,
    );
    const nest = (id: string, holder: string) => applyEdits(d, nestComponent(d, "tasks", id, holder, holdersOf(tasks(d), holder)).edits);
    d = nest("intro", "box");
    expect(children(d, "box")).toEqual(["intro"]);
    expect(validateModel(d)).toEqual([]);
    d = nest("intro", "new_task");
    expect(children(d, "box")).toEqual([]);
    expect(children(d, "new_task")).toEqual(["task_form", "intro"]);
    // The container into itself, or into what it holds: refused with the reason.
    d = nest("box", "new_task");
    expect(() => nestComponent(d, "tasks", "new_task", "box", holdersOf(tasks(d), "box"))).toThrow(/box is inside new_task/);
    expect(() => nestComponent(d, "tasks", "box", "box", new Set())).toThrow(/the same component/);
    expect(validateModel(d)).toEqual([]);
  });
});

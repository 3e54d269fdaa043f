// The designer's grid arithmetic and its commands: every new, moved, copied or removed
// component leaves a model the server's validator accepts.
import { describe, expect, test } from "bun:test";
import { applyEdits } from "../../../../src/model/invert";
import type { Model, Page } from "../../../../src/model/schema";
import { templates } from "../../../../src/model/templates";
import { validateModel } from "../../../../src/model/validate";
import { COMPONENT_TYPES } from "../../../../src/model/vocabulary";
import { addComponent, duplicateComponent, placeComponent, removeComponent } from "../../state/componentActions";
import { clamp, copyOf, freeRow, heldIds, holdersOf, moved, newComponent, onGrid, resized } from "./layout";

const crm = () => structuredClone(templates.crm) as unknown as Model;
const deals = (d: Model) => d.pages!.find((p) => p.name === "deals")!;
const valid = (d: Model) => {
  expect(validateModel(d)).toEqual([]);
  return d;
};

describe("the grid", () => {
  test("positions stay inside the 12 columns, at least a cell in size", () => {
    expect(clamp({ row: -3, col: 11, width: 4, height: 0 })).toEqual({ row: 0, col: 8, width: 4, height: 1 });
    expect(clamp({ row: 2.4, col: -1, width: 40, height: 2.6 })).toEqual({ row: 2, col: 0, width: 12, height: 3 });
    expect(moved({ row: 0, col: 10, width: 2, height: 1 }, 1, 5)).toEqual({ row: 1, col: 10, width: 2, height: 1 });
    expect(resized({ row: 0, col: 8, width: 2, height: 1 }, 9, -5)).toEqual({ row: 0, col: 8, width: 4, height: 1 });
  });

  test("the grid holds the page's components but its modal and what containers hold", () => {
    const page = deals(crm());
    const held = heldIds(page);
    const grid = onGrid(page).map((c) => c.id);
    for (const c of page.components) expect(grid.includes(c.id)).toBe(c.type !== "Modal" && !held.has(c.id));
    expect(freeRow(onGrid(page))).toBeGreaterThan(0);
  });

  test("what holds a component, through other holders too", () => {
    const page = {
      name: "p",
      components: [
        { id: "outer", type: "Container", position: { row: 0, col: 0, width: 12, height: 4 }, props: { children: ["inner"] } },
        { id: "inner", type: "Container", position: { row: 0, col: 0, width: 12, height: 2 }, props: { children: ["text"] } },
        { id: "text", type: "Text", position: { row: 0, col: 0, width: 6, height: 1 }, props: {} },
      ],
    } as unknown as Page;
    expect([...holdersOf(page, "text")].sort()).toEqual(["inner", "outer"]);
    expect([...holdersOf(page, "outer")]).toEqual([]);
  });
});

describe("commands", () => {
  test("every type can be added below what is there, valid as it comes", () => {
    let doc = crm();
    for (const type of COMPONENT_TYPES) {
      const c = newComponent(doc, deals(doc), type)!;
      expect(c.position.row).toBe(freeRow(onGrid(deals(doc))));
      doc = valid(applyEdits(doc, addComponent("deals", c).edits));
    }
    expect(
      deals(doc)
        .components.filter((c) => c.type === "DataGrid")
        .map((c) => c.id),
    ).toEqual(["grid", "datagrid"]);
  });

  test("types showing records need an entity type to exist", () => {
    const empty = { name: "E", entities: [], pages: [{ name: "p", components: [] }] } as unknown as Model;
    expect(newComponent(empty, empty.pages![0] as Page, "DataGrid")).toBeNull();
    expect(newComponent(empty, empty.pages![0] as Page, "Text")).not.toBeNull();
  });

  test("move and resize are one edit each; a copy gets a new id and no children", () => {
    const doc = crm();
    const grid = deals(doc).components.find((c) => c.id === "grid")!;
    const m = valid(applyEdits(doc, placeComponent("deals", "grid", moved(grid.position, 2, 0), "Move").edits));
    expect(deals(m).components.find((c) => c.id === "grid")!.position.row).toBe(grid.position.row + 2);
    const copy = copyOf(deals(m), grid);
    expect(copy.id).toBe("grid_2");
    const n = valid(applyEdits(m, duplicateComponent("deals", copy, "grid").edits));
    expect(deals(n).components.filter((c) => c.type === "DataGrid")).toHaveLength(2);
  });

  test("a copy for another page keeps a button's action only if its dialog is there", () => {
    const doc = crm();
    const opener = deals(doc).components.find((c) => (c.props?.action as { modal?: string } | undefined)?.modal)!;
    const companies = doc.pages!.find((p) => p.name === "companies")!;
    const elsewhere = copyOf(companies, opener);
    expect(elsewhere.props!.action).toBeUndefined();
    valid(applyEdits(doc, duplicateComponent("companies", elsewhere, opener.id).edits));
    expect(copyOf(deals(doc), opener).props!.action).toEqual(opener.props!.action);
  });

  test("remove drops the id from a container's children and the action of the button that opened it", () => {
    const doc = crm();
    const page = deals(doc);
    const modal = page.components.find((c) => c.type === "Modal")!;
    const opener = page.components.find((c) => (c.props?.action as { modal?: string } | undefined)?.modal === modal.id)!;
    const m = valid(applyEdits(doc, removeComponent(doc, "deals", modal.id).edits));
    expect(deals(m).components.some((c) => c.id === modal.id)).toBe(false);
    expect(deals(m).components.find((c) => c.id === opener.id)!.props!.action).toBeUndefined();
    const child = (modal.props!.children as string[])[0]!;
    const n = valid(applyEdits(doc, removeComponent(doc, "deals", child).edits));
    expect(deals(n).components.find((c) => c.id === modal.id)!.props!.children).not.toContain(child);
  });
});

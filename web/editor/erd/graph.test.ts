// The diagram's graph and its own actions: unchanged types keep their node objects across
// the store's fresh document copies, dagre's places stay put while the model grows, a new
// type finds a free spot, and relating types or changing a relationship's kind leaves a
// model the server's validator accepts.
import { describe, expect, test } from "bun:test";
import { applyEdits } from "../../../src/model/invert";
import type { Model } from "../../../src/model/schema";
import { templates } from "../../../src/model/templates";
import { validateModel } from "../../../src/model/validate";
import { addEntity, removeEntities } from "../state/actions";
import { changeKind, connect, keyFieldsFor, pinned } from "./actions";
import { deleteAction } from "./DeleteModal";
import { freeSpot, GraphBuilder, NODE_WIDTH, nodeHeight } from "./graph";

const todo = () => structuredClone(templates.todo) as unknown as Model;
const crm = () => structuredClone(templates.crm) as unknown as Model;
const apply = (doc: Model, a: { edits: Parameters<typeof applyEdits>[1] }) => {
  const out = applyEdits(doc, a.edits);
  expect(validateModel(out)).toEqual([]);
  return out;
};
const rel = (doc: Model, name: string) => doc.relationships?.find((r) => r.name === name);

describe("graph", () => {
  test("a type that did not change keeps its node object; a changed one gets a new one", () => {
    const b = new GraphBuilder();
    const doc = todo();
    const first = b.build(doc);
    // The store hands over a fresh copy after every edit.
    const changed = apply(doc, { edits: [{ op: "updateField", entity: "task", name: "notes", patch: { label: "Notes" } }] });
    const second = b.build(structuredClone(changed));
    expect(second.nodes.find((n) => n.id === "project")).toBe(first.nodes.find((n) => n.id === "project")!);
    expect(second.nodes.find((n) => n.id === "task")).not.toBe(first.nodes.find((n) => n.id === "task")!);
    expect(second.edges[0]).toBe(first.edges[0]!);
  });

  test("edges: a relationship labelled by kind, a bare reference dashed and not selectable", () => {
    const doc = todo();
    doc.relationships = [];
    let g = new GraphBuilder().build(doc);
    expect(g.edges).toHaveLength(1);
    expect(g.edges[0]).toMatchObject({ id: "ref:task.project", source: "project", target: "task", label: "project", selectable: false });
    g = new GraphBuilder().build(todo());
    expect(g.edges).toEqual([expect.objectContaining({ id: "rel:project_tasks", source: "project", target: "task", label: "1:n" })]);
  });

  test("edges between the same two types get lanes of their own", () => {
    const g = new GraphBuilder().build(crm());
    const between = g.edges.filter((e) => [e.source, e.target].sort().join() === "contact,deal");
    expect(between.map((e) => [e.id, e.data?.lane])).toEqual([
      ["rel:deal_contacts", -0.5],
      ["ref:deal.contact", 0.5],
    ]);
    expect(g.edges.find((e) => e.id === "rel:company_deals")!.data).toEqual({ relationship: "company_deals" });
  });

  test("saved positions are used; types without one are laid out and stay put when the model grows", () => {
    const b = new GraphBuilder();
    const doc = todo();
    const first = b.build(doc);
    expect(Object.keys(first.unplaced).sort()).toEqual(["project", "task"]);
    const grown = apply(doc, addEntity(doc, "milestone", { x: 900, y: 40 }));
    const second = b.build(grown);
    for (const id of ["project", "task"]) expect(second.nodes.find((n) => n.id === id)!.position).toEqual(first.unplaced[id]!);
    expect(second.nodes.find((n) => n.id === "milestone")!.position).toEqual({ x: 900, y: 40 });
    expect(Object.keys(second.unplaced).sort()).toEqual(["project", "task"]);
    // Nodes know their size before they are drawn.
    expect(second.nodes.find((n) => n.id === "task")).toMatchObject({ initialWidth: NODE_WIDTH, initialHeight: nodeHeight(7) });
  });

  test("a new type goes where asked when that is free, else to the nearest free spot", () => {
    const want = { x: 100, y: 100 };
    expect(freeSpot(want, [])).toEqual(want);
    const box = { position: { x: 90, y: 90 }, initialHeight: 200 };
    const p = freeSpot(want, [box]);
    const h = nodeHeight(1);
    const overlaps = p.x < 90 + NODE_WIDTH && 90 < p.x + NODE_WIDTH && p.y < 90 + 200 && 90 < p.y + h;
    expect(overlaps).toBe(false);
    expect(Math.hypot(p.x - want.x, p.y - want.y)).toBeLessThan(400);
  });
});

describe("actions", () => {
  test("connect adds the key field named by the user (unique for 1:1)", () => {
    const doc = crm();
    const m = apply(doc, connect(doc, "company", "activity", "1:1", "company_activity", "owner_company"));
    expect(rel(m, "company_activity")).toEqual({ name: "company_activity", from: "company", to: "activity", kind: "1:1", inverse: "owner_company" });
    expect(m.entities.find((e) => e.name === "activity")!.fields.at(-1)).toEqual({ name: "owner_company", type: "reference", entity: "company", unique: true });
  });

  test("connect uses an existing reference as the key, and n:m needs none", () => {
    const doc = crm();
    expect(keyFieldsFor(doc, "company", "deal")).toEqual(["company"]);
    const fields = doc.entities.find((e) => e.name === "deal")!.fields.length;
    let m = apply(doc, connect(doc, "company", "deal", "1:n", "company_deals_2", "company"));
    expect(m.entities.find((e) => e.name === "deal")!.fields).toHaveLength(fields);
    m = apply(m, connect(m, "deal", "deal", "n:m", "related_deals"));
    expect(rel(m, "related_deals")).toEqual({ name: "related_deals", from: "deal", to: "deal", kind: "n:m" });
  });

  test("a self-relationship gets its own key field", () => {
    const doc = todo();
    const m = apply(doc, connect(doc, "project", "project", "1:n", "project_project", "parent"));
    expect(m.entities.find((e) => e.name === "project")!.fields.at(-1)).toEqual({ name: "parent", type: "reference", entity: "project" });
  });

  test("changing the kind: n:m lets the key go, back to 1:n takes the existing reference or adds one", () => {
    let m = todo();
    m = apply(m, changeKind(m, rel(m, "project_tasks")!, "n:m")!);
    expect(rel(m, "project_tasks")).not.toHaveProperty("inverse");
    expect(m.entities.find((e) => e.name === "task")!.fields.some((f) => f.name === "project")).toBe(true);
    m = apply(m, changeKind(m, rel(m, "project_tasks")!, "1:n")!);
    expect(rel(m, "project_tasks")!.inverse).toBe("project");
    expect(changeKind(m, rel(m, "project_tasks")!, "1:n")).toBeNull();
    // No reference to take: one is added, as addRelationship would.
    m = apply(m, connect(m, "task", "project", "n:m", "task_projects"));
    m = apply(m, changeKind(m, rel(m, "task_projects")!, "1:1")!);
    expect(rel(m, "task_projects")!.inverse).toBe("task");
    expect(m.entities.find((e) => e.name === "project")!.fields.at(-1)).toEqual({ name: "task", type: "reference", entity: "task", unique: true });
  });

  test("pinned puts the laid-out positions first, and they survive a removal in the same action", () => {
    const doc = todo();
    const a = pinned(removeEntities(doc, ["task"]), { project: { x: 1.4, y: 2.6 }, task: { x: 300, y: 0 } });
    expect(a.edits[0]).toEqual({ op: "setLayout", positions: { project: { x: 1, y: 3 }, task: { x: 300, y: 0 } } });
    const m = apply(doc, a);
    expect(m.ui?.erd?.positions).toEqual({ project: { x: 1, y: 3 } });
    expect(pinned(a, {})).toBe(a);
  });

  test("deleting a selection of types and relationships is one valid action", () => {
    const doc = crm();
    const a = deleteAction(doc, { types: ["activity"], rels: ["deal_activities", "company_deals"] });
    const m = apply(doc, a);
    expect(m.entities.some((e) => e.name === "activity")).toBe(false);
    expect(m.relationships?.map((r) => r.name)).not.toContain("company_deals");
    // The key field of a relationship removed on its own stays.
    expect(m.entities.find((e) => e.name === "deal")!.fields.some((f) => f.name === "company")).toBe(true);
  });
});

// The history's diff says what changed with its values: options before → after, field
// order, components and flow nodes by name, the layout in a sentence; identical versions
// are identical.
import { describe, expect, test } from "bun:test";
import type { ModelEdit } from "../../../src/model/edit";
import { applyEdits } from "../../../src/model/invert";
import type { Model } from "../../../src/model/schema";
import { templates } from "../../../src/model/templates";
import { formatValue, versionDiff } from "./diff";

const todo = () => structuredClone(templates.todo) as unknown as Model;
const crm = () => structuredClone(templates.crm) as unknown as Model;
const edit = (doc: Model, ...edits: ModelEdit[]) => applyEdits(doc, edits);
const words = { yes: "yes", no: "no", unset: "not set" };

describe("identical versions", () => {
  test("the same document, or one differing only in its version number", () => {
    const a = todo();
    expect(versionDiff(a, todo()).identical).toBe(true);
    expect(versionDiff({ ...a, version: 1 }, { ...a, version: 7 }).identical).toBe(true);
    const d = versionDiff(a, a);
    expect([d.model, d.entities, d.relationships, d.pages, d.flows]).toEqual([[], [], [], [], []]);
  });
});

describe("entity types and fields", () => {
  test("an enum's values and required, before → after; an added field with its settings; a removed one", () => {
    const a = todo();
    const b = edit(
      a,
      { op: "updateField", entity: "task", name: "status", patch: { values: ["open", "doing", "done", "archived"], required: true } },
      { op: "addField", entity: "task", field: { name: "label", type: "text", maxLength: 40 } },
      { op: "removeField", entity: "task", name: "notes" },
    );
    const d = versionDiff(a, b);
    expect(d.identical).toBe(false);
    const task = d.entities.find((e) => e.name === "task")!;
    expect(task.sign).toBe("~");
    const status = task.children.find((c) => c.name === "status")!;
    expect(status).toMatchObject({ sign: "~", kind: "field", what: "enum" });
    expect(status.changes).toEqual([
      { prop: "values", before: ["open", "doing", "done"], after: ["open", "doing", "done", "archived"] },
      // Absent "required" reads as no.
      { prop: "required", before: false, after: true },
    ]);
    expect(formatValue(status.changes[0]!.before, words)).toBe('"open, doing, done"');
    expect(formatValue(status.changes[1]!.before, words)).toBe("no");
    expect(task.children.find((c) => c.name === "label")).toMatchObject({
      sign: "+",
      what: "text",
      changes: [{ prop: "maxLength", before: undefined, after: 40 }],
    });
    expect(task.children.find((c) => c.name === "notes")).toMatchObject({ sign: "-", what: "longtext" });
    // Only task changed; nothing else is listed.
    expect(d.entities.length).toBe(1);
    expect(d.relationships).toEqual([]);
  });

  test("a field moved: the order before and after and which one moved", () => {
    const a = todo();
    const b = edit(a, { op: "moveField", entity: "task", name: "notes", to: 0 });
    const task = versionDiff(a, b).entities[0]!;
    expect(task.children).toEqual([]);
    expect(task.order?.moved).toEqual(["notes"]);
    expect(task.order?.after.slice(0, 2)).toEqual(["notes", "title"]);
  });

  test("a type change, an entity property, indexes as text", () => {
    const a = crm();
    const b = edit(
      a,
      { op: "updateField", entity: "deal", name: "amount", patch: { type: "integer" } },
      {
        op: "updateEntityType",
        name: "deal",
        patch: {
          label: "Opportunity",
          indexes: [
            { fields: ["stage"], unique: false },
            { name: "by_close", fields: ["close_date", "amount"], unique: true },
          ],
        },
      },
    );
    const deal = versionDiff(a, b).entities.find((e) => e.name === "deal")!;
    expect(deal.children.find((c) => c.name === "amount")!.changes).toContainEqual({ prop: "type", before: "number", after: "integer" });
    expect(deal.changes).toContainEqual({ prop: "label", before: "Deal", after: "Opportunity" });
    expect(deal.changes).toContainEqual({ prop: "indexes", before: "stage+close_date", after: "stage, by_close: close_date+amount (unique)" });
  });

  test("an entity type renamed reads as one added (with its fields) and one removed", () => {
    const a = todo();
    const b = edit(
      a,
      { op: "addEntityType", entity: { name: "person", label: "Person", fields: [{ name: "email", type: "email" }] } },
      { op: "removeXFlow", name: "stamp_done" },
    );
    const d = versionDiff(a, b);
    expect(d.entities).toEqual([
      {
        sign: "+",
        kind: "entity",
        name: "person",
        changes: [{ prop: "label", before: undefined, after: "Person" }],
        keys: [],
        children: [{ sign: "+", kind: "field", name: "email", what: "email", changes: [], keys: [], children: [] }],
      },
    ]);
    expect(d.flows).toMatchObject([{ sign: "-", kind: "flow", name: "stamp_done", what: "entity task beforeUpdate" }]);
  });
});

describe("relationships, pages, flows, model properties, layout", () => {
  test("a relationship's changed properties with values; added ones say what they connect", () => {
    const a = crm();
    const b = edit(
      a,
      { op: "updateRelationship", name: "company_deals", patch: { onDelete: "setNull", label: "Deals" } },
      { op: "addRelationship", relationship: { name: "contact_deals", from: "contact", to: "deal", kind: "1:n", inverse: "contact" } },
    );
    const d = versionDiff(a, b);
    expect(d.relationships.map((r) => [r.sign, r.name, r.what])).toEqual([
      ["+", "contact_deals", "contact → deal (1:n)"],
      ["~", "company_deals", "company → deal (1:n)"],
    ]);
    const changed = d.relationships[1]!.changes;
    expect(changed.map((c) => c.prop).sort()).toEqual(["label", "onDelete"]);
    expect(changed.find((c) => c.prop === "label")).toEqual({ prop: "label", before: undefined, after: "Deals" });
    expect(changed.find((c) => c.prop === "onDelete")).toEqual({ prop: "onDelete", before: "restrict", after: "setNull" });
    expect(formatValue(undefined, words)).toBe("not set");
  });

  test("components by id with the props that changed; pages added and removed", () => {
    const a = crm();
    const grid = a.pages![0]!.components.find((c) => c.id === "grid")!;
    const b = edit(
      a,
      {
        op: "updateComponent",
        page: "deals",
        id: "grid",
        patch: { props: { ...grid.props, columns: ["title", "stage"] }, position: { ...grid.position, height: 4 } },
      },
      { op: "removeComponent", page: "deals", id: "intro" },
      { op: "addComponent", page: "deals", component: { id: "note", type: "Text", position: { row: 20, col: 0, width: 4, height: 1 }, props: { text: "hi" } } },
      { op: "addPage", page: { name: "reports", title: "Reports", components: [] } },
    );
    const d = versionDiff(a, b);
    expect(d.pages.map((p) => [p.sign, p.name])).toEqual([
      ["+", "reports"],
      ["~", "deals"],
    ]);
    expect(d.pages[0]!.changes).toEqual([{ prop: "title", before: undefined, after: "Reports" }]);
    const comps = d.pages[1]!.children.map((c) => [c.sign, c.name, c.what, c.keys]);
    expect(comps).toEqual([
      ["~", "grid", "DataGrid", ["position", "columns"]],
      ["+", "note", "Text", []],
      ["-", "intro", "Text", []],
    ]);
  });

  test("flow nodes and edges; the trigger in words", () => {
    const a = todo();
    const flow = a.xflows![0]!;
    const b = edit(a, {
      op: "updateXFlow",
      name: "stamp_done",
      patch: {
        trigger: { ...flow.trigger, event: "afterUpdate" },
        nodes: flow.nodes.map((n) => (n.id === "stamp" ? { ...n, code: "return {};" } : n)),
      },
    });
    const f = versionDiff(a, b).flows[0]!;
    expect(f.changes).toEqual([{ prop: "trigger", before: "entity task beforeUpdate", after: "entity task afterUpdate" }]);
    expect(f.children).toEqual([{ sign: "~", kind: "node", name: "stamp", what: "script", changes: [], keys: ["code"], children: [] }]);
  });

  test("model name, start page and navigation; the layout summarised, not listed as a property", () => {
    const a = edit(todo(), { op: "setLayout", positions: { task: { x: 0, y: 0 }, project: { x: 300, y: 0 } } });
    const b = edit(
      a,
      { op: "setProperties", patch: { name: "Todo 2", startPage: "projects", navigation: [{ label: "Projects", page: "projects" }] } },
      { op: "setLayout", positions: { task: { x: 10, y: 40 }, project: { x: 300, y: 0 } } },
    );
    const d = versionDiff(a, b);
    expect(d.model).toEqual([
      { prop: "name", before: "Todo", after: "Todo 2" },
      { prop: "startPage", before: "tasks", after: "projects" },
      { prop: "navigation", before: "Tasks → tasks, Projects → projects", after: "Projects → projects" },
    ]);
    expect(d.layout).toEqual({ moved: ["task"], placed: [], unplaced: [] });
    // A layout change alone is a change.
    const c = edit(b, { op: "setLayout", positions: { project: { x: 1, y: 1 } } });
    expect(versionDiff(b, c)).toMatchObject({ identical: false, model: [], entities: [], layout: { moved: ["project"] } });
  });

  test("a new type's position is part of adding it, not a separate placement", () => {
    const a = todo();
    const b = edit(
      a,
      { op: "addEntityType", entity: { name: "tag", fields: [] } },
      { op: "setLayout", positions: { tag: { x: 1, y: 2 }, task: { x: 5, y: 5 } } },
    );
    expect(versionDiff(a, b).layout).toEqual({ moved: [], placed: ["task"], unplaced: [] });
  });
});

describe("values", () => {
  test("lists of names, yes/no, quoted text, numbers, JSON, long values cut", () => {
    expect(formatValue(["open", "closed"], words)).toBe('"open, closed"');
    expect(formatValue(true, words)).toBe("yes");
    expect(formatValue("a", words)).toBe('"a"');
    expect(formatValue(0, words)).toBe("0");
    expect(formatValue(null, words)).toBe("not set");
    expect(formatValue({ type: "manual" }, words)).toBe('{"type":"manual"}');
    const long = formatValue("x".repeat(500), words);
    expect(long.length).toBe(122);
    expect(long.endsWith('…"')).toBe(true);
  });
});

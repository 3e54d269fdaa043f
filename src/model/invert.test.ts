// Every edit's inverse restores the document exactly (order of lists included), for each
// kind of edit; the Model Editor's undo relies on it.
import { describe, expect, test } from "bun:test";
import { applyEdit, type ModelEdit } from "./edit";
import { applyEdits, applyWithInverse, invert } from "./invert";
import type { Model } from "./schema";
import { templates } from "./templates";
import { validateModel } from "./validate";

const crm = (): Model => {
  const m = structuredClone(templates.crm) as unknown as Model;
  m.ui = { erd: { positions: { company: { x: 0, y: 0 }, deal: { x: 300, y: 40 } } } };
  return m;
};

const cases: [string, ModelEdit][] = [
  ["addEntityType", { op: "addEntityType", entity: { name: "project", fields: [{ name: "title", type: "text" }] } }],
  ["addEntityType at 0", { op: "addEntityType", entity: { name: "project", fields: [] }, at: 0 }],
  ["updateEntityType", { op: "updateEntityType", name: "deal", patch: { label: "Opportunity", description: null } }],
  ["rename an entity type", { op: "updateEntityType", name: "deal", patch: { name: "opportunity" } }],
  ["removeEntityType (middle, with a position)", { op: "removeEntityType", name: "deal" }],
  ["addField", { op: "addField", entity: "company", field: { name: "vat", type: "text" }, at: 1 }],
  ["updateField", { op: "updateField", entity: "company", name: "website", patch: { required: true, help: "https://…" } }],
  ["rename a field", { op: "updateField", entity: "company", name: "website", patch: { name: "homepage" } }],
  ["removeField (first)", { op: "removeField", entity: "company", name: "name" }],
  ["moveField down", { op: "moveField", entity: "company", name: "name", to: 3 }],
  ["moveField up", { op: "moveField", entity: "company", name: "notes", to: 0 }],
  ["addRelationship", { op: "addRelationship", relationship: { name: "x", from: "company", to: "activity", kind: "1:n" } }],
  ["updateRelationship", { op: "updateRelationship", name: "deal_contacts", patch: { kind: "1:n", name: "deal_people" } }],
  ["removeRelationship", { op: "removeRelationship", name: "company_deals" }],
  ["addPage", { op: "addPage", page: { name: "more", components: [] } }],
  ["updatePage", { op: "updatePage", name: "companies", patch: { title: "Firms" } }],
  ["removePage (the start page, in the menu)", { op: "removePage", name: "deals" }],
  ["movePage to the front", { op: "movePage", name: "companies", to: 0 }],
  ["movePage to the end", { op: "movePage", name: "deals", to: 2 }],
  ["addComponent", { op: "addComponent", page: "deals", component: { id: "t", type: "Text", position: { row: 9, col: 0, width: 4, height: 1 } } }],
  ["updateComponent", { op: "updateComponent", page: "deals", id: "new", patch: { position: { row: 0, col: 0, width: 6, height: 1 } } }],
  ["removeComponent", { op: "removeComponent", page: "deals", id: "new" }],
  ["addXFlow", { op: "addXFlow", xflow: { name: "noop", nodes: [], edges: [] } }],
  ["updateXFlow", { op: "updateXFlow", name: "web_lead", patch: { description: "from the site" } }],
  ["removeXFlow", { op: "removeXFlow", name: "qualify_deal" }],
  ["setLayout", { op: "setLayout", positions: { company: { x: 5, y: 5 }, contact: { x: 1, y: 2 } } }],
  ["setProperties", { op: "setProperties", patch: { name: "CRM 2", description: null, startPage: "contacts" } }],
];

/** Frozen all the way down: an edit that mutated its input would throw in strict mode. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object") {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

describe("applyEdit is copy-on-write", () => {
  for (const [name, e] of cases)
    test(`${name}: the input stays as it was, and untouched entity types are shared`, () => {
      const doc = deepFreeze(crm());
      const e2 = deepFreeze(structuredClone(e));
      const after = applyEdit(doc, e2);
      expect(doc).toEqual(crm());
      for (const ent of after.entities) {
        const before = doc.entities.find((x) => x.name === ent.name);
        const touched = JSON.stringify(e).includes(`"${ent.name}"`);
        if (before && !touched) expect(ent).toBe(before);
      }
    });
});

describe("invert", () => {
  for (const [name, e] of cases)
    test(name, () => {
      const doc = crm();
      const after = applyEdit(doc, e);
      expect(after).not.toEqual(doc);
      expect(applyEdits(after, invert(doc, e))).toEqual(doc);
    });

  test("a compound action undoes as one, last edit first", () => {
    const doc = crm();
    const { doc: after, inverse } = applyWithInverse(doc, [
      { op: "removeRelationship", name: "company_deals" },
      { op: "removeRelationship", name: "deal_activities" },
      { op: "removeRelationship", name: "deal_contacts" },
      { op: "removeEntityType", name: "deal" },
    ]);
    expect(after.entities.map((e) => e.name)).toEqual(["company", "contact", "activity"]);
    expect(applyEdits(after, inverse)).toEqual(doc);
  });

  test("an edit that does not apply throws its own error, not the inverse's", () => {
    expect(() => applyWithInverse(crm(), [{ op: "removeField", entity: "company", name: "nope" }])).toThrow(/nope/);
  });
});

describe("the editor's edits", () => {
  test("a renamed or removed type takes its diagram position along", () => {
    const renamed = applyEdit(crm(), { op: "updateEntityType", name: "deal", patch: { name: "opportunity" } });
    expect(renamed.ui?.erd?.positions).toEqual({ company: { x: 0, y: 0 }, opportunity: { x: 300, y: 40 } });
    const removed = applyEdit(crm(), { op: "removeEntityType", name: "company" });
    expect(removed.ui?.erd?.positions).toEqual({ deal: { x: 300, y: 40 } });
  });

  test("positions are checked: a bad name or a missing coordinate is named", () => {
    const bad = applyEdit(crm(), { op: "setLayout", positions: { Deal: { x: 1, y: 1 }, contact: { x: 1 } } });
    const issues = validateModel(bad).map((i) => i.path);
    expect(issues).toContain("/ui/erd/positions/Deal");
    expect(issues).toContain("/ui/erd/positions/contact/y");
  });

  test("a prototype name is refused in a layout patch and cannot travel by rename", () => {
    expect(() => applyEdit(crm(), { op: "setLayout", positions: JSON.parse('{"__proto__": {"x": 1, "y": 1}}') })).toThrow(/not allowed/);
    const m = applyEdit(crm(), { op: "updateEntityType", name: "deal", patch: { name: "__proto__" } });
    expect(Object.getPrototypeOf(m.ui!.erd!.positions)).toBe(Object.prototype);
    expect(validateModel(m).length).toBeGreaterThan(0);
  });

  test("positions of lists: out of range or not an integer is refused", () => {
    expect(() => applyEdit(crm(), { op: "moveField", entity: "company", name: "name", to: 5 })).toThrow(/0 to 4/);
    expect(() => applyEdit(crm(), { op: "movePage", name: "deals", to: 9 })).toThrow(/page: a position from 0 to/);
    expect(() => applyEdit(crm(), { op: "movePage", name: "nope", to: 0 })).toThrow(/nope/);
    expect(() => applyEdit(crm(), { op: "addField", entity: "company", field: { name: "a", type: "text" }, at: 1.5 })).toThrow(/0 to 5/);
  });

  test("setProperties changes only top-level properties and never removes the name", () => {
    expect(() => applyEdit(crm(), { op: "setProperties", patch: { entities: [] } })).toThrow(/cannot be set here/);
    expect(() => applyEdit(crm(), { op: "setProperties", patch: { name: null } })).toThrow(/needs a name/);
  });
});

// The editor's commands keep a model whole: after each, the server's validator finds
// nothing, and what they touch is what the impact lists name.
import { describe, expect, test } from "bun:test";
import { applyEdits } from "../../../src/model/invert";
import type { Model } from "../../../src/model/schema";
import { templates } from "../../../src/model/templates";
import { validateModel } from "../../../src/model/validate";
import * as a from "./actions";

const crm = () => structuredClone(templates.crm) as unknown as Model;
const run = (doc: Model, act: { edits: Parameters<typeof applyEdits>[1] }) => {
  const out = applyEdits(doc, act.edits);
  expect(validateModel(out)).toEqual([]);
  return out;
};
const grid = (doc: Model, page: string) => doc.pages!.find((p) => p.name === page)!.components.find((c) => c.id === "grid")!.props!;

describe("entity types", () => {
  test("add places a usable type in the diagram", () => {
    const m = run(crm(), a.addEntity(crm(), "project", { x: 10.4, y: 20.6 }));
    expect(m.entities.at(-1)).toMatchObject({ name: "project", display: "name" });
    expect(m.ui?.erd?.positions?.project).toEqual({ x: 10, y: 21 });
  });

  test("rename carries the name to relationships, references, components and flows", () => {
    const doc = crm();
    doc.xflows!.push({
      name: "on_deal",
      trigger: { type: "entity", entity: "deal", event: "afterCreate" },
      nodes: [
        { id: "s", type: "start" },
        { id: "e", type: "end" },
      ],
      edges: [{ from: "s", to: "e" }],
    });
    const m = run(doc, a.renameEntity(doc, "deal", "opportunity"));
    expect(m.relationships!.filter((r) => r.from === "opportunity" || r.to === "opportunity").map((r) => r.name)).toEqual([
      "company_deals",
      "deal_activities",
      "deal_contacts",
    ]);
    expect(m.entities.find((e) => e.name === "activity")!.fields.find((f) => f.name === "deal")!.entity).toBe("opportunity");
    expect(grid(m, "deals").entity).toBe("opportunity");
    expect(m.xflows!.find((f) => f.name === "on_deal")!.trigger!.entity).toBe("opportunity");
  });

  test("remove takes its relationships, references to it, its components (out of their modal) and its flows", () => {
    const doc = crm();
    const impact = a.impactOfEntity(doc, "deal");
    expect(impact.relationships).toEqual(["company_deals", "deal_activities", "deal_contacts"]);
    expect(impact.referenceFields).toEqual(["activity.deal"]);
    expect(impact.components.map((c) => c.id)).toEqual(["pipeline", "by_stage", "grid", "deal_form"]);
    const m = run(doc, a.removeEntities(doc, ["deal"]));
    expect(m.entities.map((e) => e.name)).toEqual(["company", "contact", "activity"]);
    expect(m.pages!.find((p) => p.name === "deals")!.components.map((c) => c.id)).toEqual(["new", "intro", "new_deal"]);
  });

  test("removing several at once", () => {
    const m = run(crm(), a.removeEntities(crm(), ["deal", "company"]));
    expect(m.entities.map((e) => e.name)).toEqual(["contact", "activity"]);
    expect(m.relationships).toEqual([]);
  });
});

describe("fields", () => {
  test("rename updates display, the relationship key, columns, sort and filters", () => {
    let m = run(crm(), a.renameField(crm(), "deal", "stage", "phase"));
    expect(grid(m, "deals").columns).toContain("phase");
    const kpi = m.pages![0]!.components.find((c) => c.id === "pipeline")!.props!;
    expect(kpi.filter).toEqual({ phase: { nin: ["won", "lost"] } });
    m = run(m, a.renameField(m, "company", "name", "title"));
    expect(m.entities[0]!.display).toBe("title");
    expect(grid(m, "companies").sort).toEqual([{ field: "title", dir: "asc" }]);
    m = run(m, a.renameField(m, "contact", "company", "employer"));
    expect(m.relationships!.find((r) => r.name === "company_contacts")!.inverse).toBe("employer");
  });

  test("remove drops it from columns, sorts and filters, and its relationship", () => {
    const doc = crm();
    expect(a.impactOfField(doc, "deal", "stage").components.map((c) => `${c.id}@${c.at}`)).toEqual([
      "pipeline@filter.stage",
      "by_stage@groupBy",
      "grid@columns.2",
    ]);
    let m = run(doc, a.removeFields(doc, "deal", ["stage", "close_date"]));
    expect(grid(m, "deals")).toMatchObject({ columns: ["title", "company", "amount"], sort: [] });
    m = run(m, a.removeFields(m, "contact", ["company"]));
    expect(m.relationships!.map((r) => r.name)).not.toContain("company_contacts");
  });

  test("move and update", () => {
    const m = run(crm(), a.moveField("company", "notes", 0));
    expect(m.entities[0]!.fields[0]!.name).toBe("notes");
    expect(run(m, a.updateField("company", "notes", { help: "h" })).entities[0]!.fields[0]!.help).toBe("h");
  });
});

describe("relationships", () => {
  test("1:n adds the key field on the many side; n:m none; names stay unique", () => {
    const doc = crm();
    let m = run(doc, a.addRelationship(doc, "company", "activity", "1:n"));
    expect(m.entities.find((e) => e.name === "activity")!.fields.at(-1)).toEqual({ name: "company", type: "reference", entity: "company" });
    expect(m.relationships!.at(-1)).toEqual({ name: "company_activity", from: "company", to: "activity", kind: "1:n", inverse: "company" });
    m = run(m, a.addRelationship(m, "company", "activity", "1:1"));
    expect(m.relationships!.at(-1)).toMatchObject({ name: "company_activity_2", inverse: "company_2" });
    m = run(m, a.addRelationship(m, "contact", "activity", "n:m"));
    expect(m.entities.find((e) => e.name === "activity")!.fields.length).toBe(7);
  });

  test("remove keeps the key field and its values", () => {
    const m = run(crm(), a.removeRelationships(["company_contacts"]));
    expect(m.entities[1]!.fields.map((f) => f.name)).toContain("company");
  });
});

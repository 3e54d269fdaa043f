// Page and menu commands keep a model whole: after each, the server's validator finds
// nothing; what a rename carries and a removal takes along is what impactOfPage lists.
import { describe, expect, test } from "bun:test";
import { applyEdits } from "../../../src/model/invert";
import type { Model } from "../../../src/model/schema";
import { templates } from "../../../src/model/templates";
import { validateModel } from "../../../src/model/validate";
import * as p from "./pageActions";

const crm = () => structuredClone(templates.crm) as unknown as Model;
const run = (doc: Model, act: { edits: Parameters<typeof applyEdits>[1] }) => {
  const out = applyEdits(doc, act.edits);
  expect(validateModel(out)).toEqual([]);
  return out;
};
const button = (doc: Model) => doc.pages!.find((x) => x.name === "companies")!.components.find((c) => c.id === "to_deals");

describe("pages", () => {
  test("the impact of the deals page: start page, its menu entry and the button opening it", () => {
    expect(p.impactOfPage(crm(), "deals")).toEqual({
      start: true,
      menu: ["Deals"],
      components: [{ page: "companies", id: "to_deals", type: "Button", at: "action.page" }],
    });
    expect(p.pageImpactIsEmpty(p.impactOfPage(crm(), "contacts"))).toBe(false);
    const bare = run(crm(), p.setMenu([], "Empty the menu"));
    expect(p.pageImpactIsEmpty(p.impactOfPage(bare, "contacts"))).toBe(true);
  });

  test("add: an empty page, in the menu when asked, with its title as the entry's label", () => {
    const m = run(crm(), p.addPage(crm(), "reports", "Reports", true));
    expect(m.pages!.at(-1)).toEqual({ name: "reports", title: "Reports", components: [] });
    expect(m.navigation!.at(-1)).toEqual({ label: "Reports", page: "reports" });
    const n = run(crm(), p.addPage(crm(), "hidden", undefined, false));
    expect(n.navigation).toEqual(crm().navigation);
  });

  test("the first page of a model becomes its start page", () => {
    const empty = { ...crm(), pages: [], navigation: [], startPage: undefined } as Model;
    delete (empty as Record<string, unknown>).startPage;
    const m = run(empty, p.addPage(empty, "home", undefined, true));
    expect(m.startPage).toBe("home");
    expect(m.navigation).toEqual([{ label: "home", page: "home" }]);
  });

  test("rename carries the name to the start page, the menu and the button that opens it", () => {
    const m = run(crm(), p.renamePage(crm(), "deals", "pipeline"));
    expect(m.pages!.map((x) => x.name)).toEqual(["pipeline", "companies", "contacts"]);
    expect(m.startPage).toBe("pipeline");
    expect(m.navigation![0]).toEqual({ label: "Deals", page: "pipeline" });
    expect(button(m)!.props!.action).toEqual({ type: "navigate", page: "pipeline" });
  });

  test("a KPI linking to the page is named, follows a rename and goes with a removal", () => {
    const doc = crm();
    doc.pages![1]!.components.push({
      id: "deals_kpi",
      type: "Kpi",
      position: { row: 30, col: 0, width: 3, height: 2 },
      props: { label: "Deals", entity: "deal", aggregate: "count", link: "deals" },
    });
    expect(p.impactOfPage(doc, "deals").components.map((c) => c.id)).toContain("deals_kpi");
    const m = run(doc, p.renamePage(doc, "deals", "pipeline"));
    expect(m.pages![1]!.components.find((c) => c.id === "deals_kpi")!.props!.link).toBe("pipeline");
    const n = run(doc, p.removePage(doc, "deals"));
    expect(n.pages!.flatMap((x) => x.components).some((c) => c.id === "deals_kpi")).toBe(false);
  });

  test("rename of a page whose own button opens it: the edit addresses the page by its new name", () => {
    const doc = crm();
    doc.pages![1]!.components.find((c) => c.id === "to_deals")!.props!.action = { type: "navigate", page: "companies" };
    const m = run(doc, p.renamePage(doc, "companies", "firms"));
    expect(m.pages![1]!.components.find((c) => c.id === "to_deals")!.props!.action).toEqual({ type: "navigate", page: "firms" });
  });

  test("remove takes along its menu entry and the button opening it; the next page starts the app", () => {
    const m = run(crm(), p.removePage(crm(), "deals"));
    expect(m.pages!.map((x) => x.name)).toEqual(["companies", "contacts"]);
    expect(m.startPage).toBe("companies");
    expect(m.navigation!.map((n) => n.page)).toEqual(["companies", "contacts"]);
    expect(button(m)).toBeUndefined();
  });

  test("move, make start page, and the menu written whole", () => {
    let m = run(crm(), p.movePage("contacts", 0));
    expect(m.pages!.map((x) => x.name)).toEqual(["contacts", "deals", "companies"]);
    m = run(m, p.setStartPage("contacts"));
    expect(m.startPage).toBe("contacts");
    m = run(m, p.setMenu([{ label: "People", page: "contacts" }], "Menu"));
    expect(m.navigation).toEqual([{ label: "People", page: "contacts" }]);
  });

  test("a menu entry naming no page is refused by the validator (the editor offers only pages)", () => {
    const m = applyEdits(crm(), p.setMenu([{ label: "Ghost", page: "ghost" }], "Menu").edits);
    expect(validateModel(m).map((i) => i.path)).toEqual(["/navigation/0/page"]);
  });
});

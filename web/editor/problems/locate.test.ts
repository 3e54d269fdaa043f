// Every kind of path the server reports resolves to named parts and the view that fixes it;
// indices the document no longer has, and hostile paths, name nothing and link nowhere.
import { describe, expect, test } from "bun:test";
import { applyEdits } from "../../../src/model/invert";
import type { Model } from "../../../src/model/schema";
import { templates } from "../../../src/model/templates";
import { validateModel } from "../../../src/model/validate";
import { tabHref } from "../workspace/tabs";
import { groupByPlace, locate, type Place, parsePointer } from "./locate";

const crm = () => structuredClone(templates.crm) as unknown as Model;
const todo = () => structuredClone(templates.todo) as unknown as Model;
/** The parts as the panel words them (English kinds), for readable expectations. */
const words = (p: Place) =>
  p.parts
    .map((x) => (x.kind === "prop" ? x.name : [x.kind, x.name ?? (x.index === undefined ? "" : `#${x.index}`)].join(" ").trim() + (x.missing ? "?" : "")))
    .join(" › ");
const href = (p: Place) => (p.target ? tabHref("m1", p.target.tab, p.target.item, p.target.query) : null);

describe("JSON pointers", () => {
  test("segments are unescaped; the empty pointer is the whole document; anything else is not a pointer", () => {
    expect(parsePointer("")).toEqual([]);
    expect(parsePointer("/a~1b/c~0d/~01")).toEqual(["a/b", "c~d", "~1"]);
    expect(parsePointer("entities/0")).toBeNull();
  });
});

describe("entity types and fields", () => {
  test("a field option: entity type › field › option, linking to the field's control", () => {
    const p = locate(crm(), "/entities/2/fields/2/values/1");
    expect(words(p)).toBe("entity deal › field stage › values 1");
    expect(p.target).toEqual({ tab: "entities", item: "deal", query: { field: "stage", prop: "values" } });
    expect(href(p)).toBe("/editor/models/m1/entities/deal?field=stage&prop=values");
    expect(p.stale).toBe(false);
    expect(p.group).toBe("entity:deal");
  });

  test("a field itself (no option) links to the field", () => {
    const p = locate(crm(), "/entities/0/fields/1");
    expect(words(p)).toBe("entity company › field website");
    expect(href(p)).toBe("/editor/models/m1/entities/company?field=website");
  });

  test("an entity type, and one of its properties", () => {
    expect(href(locate(crm(), "/entities/3"))).toBe("/editor/models/m1/entities/activity");
    const p = locate(crm(), "/entities/1/display");
    expect(words(p)).toBe("entity contact › display");
    expect(href(p)).toBe("/editor/models/m1/entities/contact?prop=display");
    expect(locate(crm(), "/entities/1/permissions/read/0").target?.query).toEqual({ prop: "permissions" });
  });

  test("an index is named by its fields and links to the indexes", () => {
    const p = locate(crm(), "/entities/2/indexes/0/fields/1");
    expect(words(p)).toBe("entity deal › index stage+close_date › fields 1");
    expect(href(p)).toBe("/editor/models/m1/entities/deal?prop=indexes");
    // A named index by its name.
    const doc = crm();
    doc.entities[2]!.indexes = [{ name: "by_stage", fields: ["stage"] }];
    expect(words(locate(doc, "/entities/2/indexes/0"))).toBe("entity deal › index by_stage");
  });

  test("the server's own path for a reference to a missing type resolves to the field's entity control", () => {
    const doc = applyEdits(todo(), [{ op: "addField", entity: "task", field: { name: "owner", type: "reference", entity: "person" } }]);
    const issue = validateModel(doc).find((i) => i.rule === "reference")!;
    const p = locate(doc, issue.path);
    expect(words(p)).toBe("entity task › field owner › entity");
    expect(href(p)).toBe("/editor/models/m1/entities/task?field=owner&prop=entity");
  });
});

describe("relationships and the diagram", () => {
  test("a relationship's property links to the diagram with it selected", () => {
    const p = locate(crm(), "/relationships/1/to");
    expect(words(p)).toBe("relationship company_deals › to");
    expect(href(p)).toBe("/editor/models/m1?rel=company_deals");
    expect(p.group).toBe("relationship:company_deals");
  });

  test("a node position selects the node; one for a type the model lacks links nowhere", () => {
    const p = locate(crm(), "/ui/erd/positions/deal/x");
    expect(words(p)).toBe("layout › entity deal › x");
    expect(href(p)).toBe("/editor/models/m1?sel=deal");
    const gone = locate(crm(), "/ui/erd/positions/project");
    expect(gone.stale).toBe(true);
    expect(gone.target).toBeNull();
  });
});

describe("pages, navigation and flows", () => {
  test("a component's prop: page › component › prop (without 'props'), linking to the type it shows", () => {
    const p = locate(crm(), "/pages/0/components/3/props/columns/2");
    expect(words(p)).toBe("page deals › component grid › columns 2");
    expect(href(p)).toBe("/editor/models/m1/entities/deal");
    expect(p.group).toBe("page:deals");
  });

  test("a button's form names its type through the action", () => {
    expect(href(locate(crm(), "/pages/1/components/1/props/action/type"))).toBe("/editor/models/m1/entities/company");
  });

  test("a page's own properties link to it in the pages view; a component naming no type (or one that does not exist) to its page", () => {
    expect(href(locate(crm(), "/pages/0/components/0/props/action/modal"))).toBe("/editor/models/m1/pages/deals");
    expect(href(locate(crm(), "/pages/0/title"))).toBe("/editor/models/m1/pages/deals?prop=title");
    // A page no longer there: stale, nothing to open.
    expect(locate(crm(), "/pages/7/title").stale).toBe(true);
    const doc = crm();
    doc.pages![0]!.components[3]!.props!.entity = "opportunity";
    const p = locate(doc, "/pages/0/components/3/props/entity");
    expect(words(p)).toBe("page deals › component grid › entity");
    expect(href(p)).toBe("/editor/models/m1/pages/deals");
    expect(p.stale).toBe(false);
  });

  test("navigation entries by their label; model properties; settings", () => {
    expect(words(locate(crm(), "/navigation/1/page"))).toBe("navigation Companies › page");
    // The menu and the start page are set in the pages view.
    expect(href(locate(crm(), "/navigation/1/page"))).toBe("/editor/models/m1/pages");
    const start = locate(crm(), "/startPage");
    expect(words(start)).toBe("model › startPage");
    expect(href(start)).toBe("/editor/models/m1/pages");
    expect(locate(crm(), "/name").target).toBeNull();
    expect(words(locate(crm(), "/settings/fetchAllowList/0"))).toBe("settings › fetchAllowList 0");
    expect(words(locate(crm(), ""))).toBe("model");
    expect(words(locate(crm(), null))).toBe("model");
  });

  test("flows: node and edge parts; a link to the flow in the workflows view", () => {
    const doc = todo();
    const node = locate(doc, "/xflows/0/nodes/2/code");
    expect(words(node)).toBe("flow stamp_done › node stamp › code");
    expect(href(node)).toBe("/editor/models/m1/flows/stamp_done");
    expect(words(locate(doc, "/xflows/0/edges/1/when"))).toBe("flow stamp_done › edge status_changed → stamp › when");
    expect(href(locate(doc, "/xflows/0/trigger/entity"))).toBe("/editor/models/m1/flows/stamp_done");
    expect(href(locate(doc, "/xflows/1/nodes"))).toBe("/editor/models/m1/flows/finish_project");
  });
});

describe("a document that changed since, and hostile paths", () => {
  test("an index the document no longer has: still named as far as it goes, marked, no link", () => {
    for (const path of [
      "/entities/99999",
      "/entities/2/fields/40/entity",
      "/relationships/12/to",
      "/pages/0/components/99/props/x",
      "/xflows/7",
      "/navigation/9/page",
    ]) {
      const p = locate(crm(), path);
      expect(p.stale).toBe(true);
      expect(p.target).toBeNull();
    }
    expect(words(locate(crm(), "/entities/2/fields/40/entity"))).toBe("entity deal › field #40? › entity");
    expect(words(locate(crm(), "/entities/99999"))).toBe("entity #99999?");
  });

  test("prototype keys, non-index segments and huge numbers name nothing of the document", () => {
    const doc = crm();
    const proto = locate(doc, "/__proto__/x");
    expect(words(proto)).toBe("model › __proto__ x");
    expect(proto.target).toBeNull();
    for (const path of [
      "/entities/__proto__/fields",
      "/entities/constructor",
      "/entities/-1",
      "/entities/01",
      "/entities/1e3",
      "/entities/99999999999999999999",
    ]) {
      const p = locate(doc, path);
      expect(p.parts[0]!.kind).toBe("model");
      // At most the list of entity types, never an item of it.
      expect(p.target?.item).toBeUndefined();
    }
    expect(words(locate(doc, "/pages/0/components/__proto__/props"))).toBe("page deals › components __proto__ props");
    expect(words(locate(doc, "not a pointer"))).toBe("model › not a pointer");
  });

  test("a name that is not a string is shown by position", () => {
    const doc = crm();
    (doc.entities[0] as unknown as { name: unknown }).name = { toString: "boom" };
    const p = locate(doc, "/entities/0/name");
    expect(words(p)).toBe("entity #0 › name");
    expect(p.target).toBeNull();
  });
});

test("problems are grouped by the entity type, relationship, page or flow they are in, in order of appearance", () => {
  const doc = crm();
  const paths = ["/entities/2/fields/2/values", "/relationships/1/to", "/entities/2/display", "/startPage", "/entities/99"];
  const groups = groupByPlace(paths, (p) => locate(doc, p));
  expect(groups.map((g) => [g.group, g.items.map((i) => i.item)])).toEqual([
    ["entity:deal", ["/entities/2/fields/2/values", "/entities/2/display"]],
    ["relationship:company_deals", ["/relationships/1/to"]],
    ["model:", ["/startPage"]],
    ["entity:#99", ["/entities/99"]],
  ]);
});

// The validator reports every problem of a model with its JSON Pointer path.
import { describe, expect, test } from "bun:test";
import { templates } from "./templates";
import { validateModel } from "./validate";

const todo = () => structuredClone(templates.todo) as any;
const paths = (doc: unknown) => validateModel(doc).map((i) => `${i.path} ${i.rule}`);

describe("validateModel", () => {
  test("a model must be an object with a name and entities", () => {
    expect(paths("x")).toEqual([" type"]);
    expect(validateModel({ entities: [] })[0]).toMatchObject({ path: "/name" });
  });

  test("unknown properties and unknown field types are named with their path", () => {
    const m = todo();
    m.colour = "red";
    m.entities[1].fields[0].type = "strng";
    const issues = validateModel(m);
    expect(issues).toContainEqual({ path: "/colour", rule: "unknown", message: 'unknown property "colour"' });
    const t = issues.find((i) => i.path === "/entities/1/fields/0/type")!;
    expect(t.message).toContain('"text"');
    expect(t.message).toContain('"strng"');
  });

  test("names must be identifiers: nothing else can ever reach SQL", () => {
    const m = todo();
    m.entities[0].fields[0].name = "name'); DROP TABLE entities;--";
    expect(paths(m)).toContain("/entities/0/fields/0/name schema");
  });

  test("a component whose id is not text is reported at its id, and no message names it [object Object]", () => {
    // Found by tests/fuzz: the reference checks ran on it and said "Kpi [object Object]: expected the name of a entity".
    const m = todo();
    m.pages[0].components[1].id = { "'": 1 };
    m.pages[0].components[1].props.entity = { x: 1 };
    const issues = validateModel(m);
    expect(issues.map((i) => i.path)).toContain("/pages/0/components/1/id");
    expect(JSON.stringify(issues)).not.toContain("[object Object]");
  });

  test("duplicates, dangling references, broken pages and flows are each reported", () => {
    const m = todo();
    m.entities.push(structuredClone(m.entities[0]));
    m.entities[1].fields[6].entity = "nope";
    m.entities[1].fields.push({ name: "title", type: "text" });
    m.pages[0].components[2].props.columns.push("ghost");
    m.pages[0].components[2].props.sort = [{ field: "phantom", dir: "asc" }];
    m.pages[0].components[0].props.action = { type: "openForm", entity: "nobody" };
    m.pages[0].components[1].position.col = 11;
    m.startPage = "home";
    m.navigation.push({ label: "X", page: "nowhere" });
    m.xflows = [{ name: "f", nodes: [{ id: "start", type: "start" }], edges: [{ from: "start", to: "missing" }] }];
    const p = paths(m);
    expect(p).toContain("/entities/2/name duplicate");
    expect(p).toContain("/entities/1/fields/6/entity reference");
    expect(p).toContain("/entities/1/fields/7/name duplicate");
    expect(p).toContain("/pages/0/components/2/props/columns/5 reference");
    expect(p).toContain("/pages/0/components/2/props/sort/0/field reference");
    expect(p).toContain("/pages/0/components/0/props/action/entity reference");
    expect(p).toContain("/pages/0/components/1/position grid");
    expect(p).toContain("/startPage reference");
    expect(p).toContain("/navigation/2/page reference");
    expect(p).toContain("/xflows/0/edges/0/to reference");
  });

  test("field options must fit the type and be consistent", () => {
    const m = todo();
    m.entities[0].fields[0].values = ["a"]; // values on a text field
    m.entities[1].fields[2].min = 9; // min 9 > max 5
    m.entities[1].fields[1].default = "later"; // default not among enum values
    m.entities[1].fields.push({ name: "id", type: "text" });
    const p = paths(m);
    expect(p).toContain("/entities/0/fields/0/values option");
    expect(p).toContain("/entities/1/fields/2/min option");
    expect(p).toContain("/entities/1/fields/1/default default");
    expect(p).toContain("/entities/1/fields/7/name reserved");
  });

  test("relationships need their reference field, and setNull needs it optional", () => {
    const m = todo();
    m.relationships[0].onDelete = "setNull";
    expect(paths(m)).toContain("/relationships/0/onDelete option");
    m.relationships[0].inverse = "title";
    expect(paths(m)).toContain("/relationships/0/inverse reference");
    m.relationships.push({ name: "r2", from: "project", to: "ghost", kind: "n:m" });
    expect(paths(m)).toContain("/relationships/1/to reference");
  });

  test("an xflow needs exactly one start node and an existing trigger entity", () => {
    const m = todo();
    m.xflows = [{ name: "f", trigger: { type: "entity", entity: "ghost", event: "beforeCreate" }, nodes: [{ id: "a", type: "end" }], edges: [] }];
    const p = paths(m);
    expect(p).toContain("/xflows/0/nodes start");
    expect(p).toContain("/xflows/0/trigger/entity reference");
  });
});

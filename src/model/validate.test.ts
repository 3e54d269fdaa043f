// The validator reports every problem of a model with its JSON Pointer path.
import { describe, expect, test } from "bun:test";
import { bigModel } from "../../scripts/bench/big-model";
import { MODEL_COUNT_LIMITS } from "./limits";
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

  describe("size limits: every one named in plain words, checked before anything else", () => {
    const fields = (n: number) => Array.from({ length: n }, (_, j) => ({ name: `f${j}`, type: "text" }));

    test("entity types, fields per type, components per page, nodes and edges per flow", () => {
      const m = todo();
      m.entities[0].fields.push(...fields(MODEL_COUNT_LIMITS.fieldsPerType));
      m.pages[1].components = Array.from({ length: 201 }, (_, i) => ({ id: `c${i}`, type: "Text", position: { row: i, col: 0, width: 1, height: 1 } }));
      const nodes = [{ id: "start", type: "start" }, ...Array.from({ length: 300 }, (_, i) => ({ id: `n${i}`, type: "end" }))];
      m.xflows = [
        {
          name: "wide",
          nodes,
          edges: nodes.slice(1).flatMap((n) => [
            { from: "start", to: n.id },
            { from: "start", to: n.id },
          ]),
        },
      ];
      expect(validateModel(m)).toEqual([
        {
          path: "/entities/0/fields",
          rule: "maxItems",
          message: `entity type "project" has ${m.entities[0].fields.length} fields; a type may have at most 500`,
        },
        { path: "/pages/1/components", rule: "maxItems", message: 'page "projects" has 201 components; a page may have at most 200' },
        { path: "/xflows/0/nodes", rule: "maxItems", message: 'xflow "wide" has 301 nodes; a flow may have at most 200' },
        { path: "/xflows/0/edges", rule: "maxItems", message: 'xflow "wide" has 600 edges; a flow may have at most 400' },
      ]);
    });

    test("a part without a usable name is named by its place; other problems wait until the sizes are right", () => {
      const m = { name: "X", colour: "red", entities: [{ name: 5, fields: fields(501) }] };
      expect(validateModel(m)).toEqual([
        { path: "/entities/0/fields", rule: "maxItems", message: "the entity type at /entities/0 has 501 fields; a type may have at most 500" },
      ]);
      m.entities[0]!.fields.pop();
      expect(validateModel(m).map((i) => i.rule)).not.toContain("maxItems");
    });

    test("5,000 entity types are refused at once, not after checking each", () => {
      const huge = bigModel(5000, 3);
      const t0 = performance.now();
      expect(validateModel(huge)).toEqual([
        { path: "/entities", rule: "maxItems", message: "the model has 5,000 entity types; a model may have at most 1,000" },
      ]);
      expect(performance.now() - t0).toBeLessThan(250); // ~10 ms; checking every type first took ~30 ms here and the app then took minutes
      expect(validateModel(bigModel(MODEL_COUNT_LIMITS.entityTypes, 3))).toEqual([]);
    });
  });
});

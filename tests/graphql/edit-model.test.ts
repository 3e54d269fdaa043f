// editModel (the Model Editor's one write: a batch of edits saved as one version, all or
// nothing) and dataImpact (what a change would hide), against the real server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { systemActor } from "../../src/services/actor";
import { startTestServer, type TestServer } from "../helpers/server";

let srv: TestServer;

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${srv.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

const EDIT =
  "mutation ($m: ID!, $edits: JSON!, $v: Int) { editModel(model: $m, edits: $edits, expectedVersion: $v) { model { version document } errors { path rule message } } }";
const version = async () => (await srv.services.models.get(srv.models.todo!)).version;

beforeAll(async () => {
  srv = await startTestServer({ apps: ["todo"] });
});
afterAll(() => srv.close());

describe("editModel", () => {
  test("several edits become one version, with the layout and the field order", async () => {
    const v = await version();
    const r = await gql(EDIT, {
      m: srv.models.todo,
      v,
      edits: [
        { op: "addEntityType", entity: { name: "tag", fields: [{ name: "label", type: "text", required: true }] } },
        { op: "addField", entity: "task", field: { name: "tag", type: "reference", entity: "tag" } },
        { op: "moveField", entity: "task", name: "tag", to: 0 },
        { op: "setLayout", positions: { tag: { x: 10, y: 20 } } },
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data.editModel.errors).toEqual([]);
    const doc = r.data.editModel.model.document;
    expect(r.data.editModel.model.version).toBe(v + 1);
    expect(doc.entities.find((e: any) => e.name === "task").fields[0].name).toBe("tag");
    expect(doc.ui).toEqual({ erd: { positions: { tag: { x: 10, y: 20 } } } });
    const versions = await srv.services.models.versions(srv.models.todo!);
    expect(versions.find((x) => x.version === v + 1)!.note).toBe("addEntityType, addField, moveField, setLayout");
  });

  test("pages: added (the page object under `page`), moved, retitled, with the menu, in one version", async () => {
    const v = await version();
    const r = await gql(EDIT, {
      m: srv.models.todo,
      v,
      edits: [
        { op: "addPage", page: { name: "reports", title: "Reports", components: [] } },
        { op: "movePage", name: "reports", to: 0 },
        { op: "updatePage", name: "tasks", patch: { title: "To do" } },
        { op: "setProperties", patch: { startPage: "reports", navigation: [{ label: "Reports", page: "reports" }] } },
      ],
    });
    expect(r.data.editModel.errors).toEqual([]);
    const doc = r.data.editModel.model.document;
    expect(doc.pages.map((p: any) => p.name)).toEqual(["reports", "tasks", "projects"]);
    expect(doc.pages[1].title).toBe("To do");
    expect(doc.startPage).toBe("reports");
    // A page elsewhere than `addPage`'s payload still has to be named by a string.
    const bad = await gql(EDIT, { m: srv.models.todo, edits: [{ op: "removePage", name: { $ne: 1 } }] });
    expect(JSON.stringify(bad)).toMatch(/name.. must be a string/);
    const bad2 = await gql(EDIT, { m: srv.models.todo, edits: [{ op: "addComponent", page: { name: "x" }, component: {} }] });
    expect(JSON.stringify(bad2)).toMatch(/page.. must be a string/);
    expect(await version()).toBe(v + 1);
  });

  test("a batch that breaks the model saves nothing and names every problem", async () => {
    const v = await version();
    const r = await gql(EDIT, {
      m: srv.models.todo,
      v,
      edits: [
        { op: "addField", entity: "task", field: { name: "owner", type: "reference", entity: "person" } },
        { op: "updateEntityType", name: "tag", patch: { display: "nope" } },
      ],
    });
    expect(r.data.editModel.model).toBeNull();
    expect(r.data.editModel.errors.map((e: any) => e.path).sort()).toEqual(["/entities/1/fields/8/entity", "/entities/2/display"]);
    expect(await version()).toBe(v);
  });

  test("a stale expectedVersion is a conflict naming the current version", async () => {
    const v = await version();
    const r = await gql(EDIT, { m: srv.models.todo, v: v - 1, edits: [{ op: "setProperties", patch: { description: "x" } }] });
    expect(r.errors?.[0].extensions.code).toBe("CONFLICT");
    expect(r.errors?.[0].message).toContain(`version ${v}`);
    expect(await version()).toBe(v);
  });

  test("malformed edits are refused with the place named, and nothing is saved", async () => {
    const v = await version();
    const bad: [unknown, RegExp][] = [
      [{ op: "addField" }, /must be a list/],
      [[{ op: "dropTable" }], /op.. must be one of/],
      [[5], /must be a JSON object/],
      [[{ op: "removeField", entity: { $ne: 1 }, name: "x" }], /entity.. must be a string/],
      [Array.from({ length: 1001 }, () => ({ op: "setProperties", patch: {} })), /at most 1000 edits/],
      [[{ op: "setProperties", patch: { entities: [] } }], /cannot be set here/],
      [[{ op: "setLayout", positions: JSON.parse('{"__proto__": {"x": 1, "y": 1}}') }], /not allowed/],
      [[{ op: "moveField", entity: "task", name: "title", to: 99 }], /a position from 0/],
    ];
    for (const [edits, message] of bad) {
      const r = await gql(EDIT, { m: srv.models.todo, edits });
      const text = JSON.stringify(r);
      expect(text).toMatch(message);
    }
    const missing = await gql(EDIT, { m: srv.models.todo, edits: [{ op: "removeField", entity: "task", name: "nope" }] });
    expect(missing.errors?.[0].extensions.code).toBe("NOT_FOUND");
    expect(await version()).toBe(v);
  });
});

describe("dataImpact", () => {
  test("counts records and values per app", async () => {
    const app = "todo";
    const actor = systemActor;
    const p = await srv.services.entities.create(app, "project", { name: "p" }, { actor });
    await srv.services.entities.create(app, "task", { title: "a", notes: "n", project: p.id }, { actor });
    await srv.services.entities.create(app, "task", { title: "b", project: p.id }, { actor });
    const q = "query ($m: ID!, $e: String!, $f: String) { dataImpact(model: $m, entity: $e, field: $f) { slug records withValue } }";
    const withField = await gql(q, { m: srv.models.todo, e: "task", f: "notes" });
    expect(withField.data.dataImpact).toEqual([{ slug: "todo", records: 2, withValue: 1 }]);
    const typeOnly = await gql(q, { m: srv.models.todo, e: "task" });
    expect(typeOnly.data.dataImpact).toEqual([{ slug: "todo", records: 2, withValue: null }]);
    const unsaved = await gql(q, { m: srv.models.todo, e: "not_saved_yet", f: "x" });
    expect(unsaved.data.dataImpact).toEqual([{ slug: "todo", records: 0, withValue: null }]);
    const noField = await gql(q, { m: srv.models.todo, e: "task", f: "not_saved_yet" });
    expect(noField.data.dataImpact).toEqual([{ slug: "todo", records: 2, withValue: null }]);
  });
});

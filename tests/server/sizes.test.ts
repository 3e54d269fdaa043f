// Sizes of stored text and of model documents have caps (model/fields/text.ts TEXT_LIMITS,
// model/validate.ts MODEL_SIZE_LIMITS), checked by the field kinds and the model validator
// and so refused by every door with a message naming the field or JSON path. Against the
// real server over a real SQLite file: JSON-RPC for records, GraphQL for models.
// Before: a 20 MB longtext was accepted by createEntity, and so was a 10 MB script.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TEXT_LIMITS } from "../../src/model/fields/text";
import { templates } from "../../src/model/templates";
import { MODEL_SIZE_LIMITS } from "../../src/model/validate";
import { systemActor } from "../../src/services/actor";
import { call, makeProject, rpc, startTestServer, type TestServer } from "../helpers/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  // A text field that sets no maxLength (every one in the templates sets one or a pattern).
  await s.services.models.edit(s.models.todo!, { op: "addField", entity: "project", field: { name: "motto", type: "text" } }, systemActor);
});
afterAll(() => s.close());

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${s.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}
const validate = async (doc: unknown) =>
  (await gql("query($d: JSON!) { validateModel(document: $d) { valid issues { path rule message } } }", { d: doc })).data.validateModel;
const projects = async () => (await rpc(s.url, "queryEntities", { app: "todo", entity: "project", total: true, limit: 1 })).pagination.total;

describe("text values", () => {
  test("a text field without maxLength takes 10,000 characters, not one more; nothing is written", async () => {
    const before = await projects();
    const ok = await rpc(s.url, "createEntity", { app: "todo", entity: "project", data: { name: "wide", motto: "m".repeat(TEXT_LIMITS.text) } });
    expect(ok.data.motto).toHaveLength(TEXT_LIMITS.text);
    const r = await call(s.url, "createEntity", { app: "todo", entity: "project", data: { name: "wider", motto: "m".repeat(TEXT_LIMITS.text + 1) } });
    expect(r.error?.code).toBe(-32001);
    expect(r.error?.data).toEqual([{ field: "motto", rule: "maxLength", message: "motto must be at most 10000 characters (got 10001)" }]);
    expect(await projects()).toBe(before + 1);
  });

  test("a longtext field without maxLength takes 1,000,000 characters at most (a 20 MB text was accepted before)", async () => {
    const project = await makeProject(s.url);
    const r = await call(s.url, "createEntity", { app: "todo", entity: "task", data: { title: "t", project, notes: "n".repeat(TEXT_LIMITS.longtext + 1) } });
    expect(r.error?.code).toBe(-32001);
    expect(r.error?.data[0]).toMatchObject({ field: "notes", rule: "maxLength" });
    const upd = await call(s.url, "updateEntity", { app: "todo", entity: "project", id: project, data: { description: "d".repeat(TEXT_LIMITS.longtext + 1) } });
    expect(upd.error?.data[0]).toMatchObject({ field: "description", rule: "maxLength" });
  });

  test("the published schema of a field says its effective maxLength", async () => {
    const meta = await rpc(s.url, "getModelMetadata", { app: "todo" });
    expect(meta).toBeDefined();
    const { fieldKinds } = await import("../../src/model/fields/registry");
    expect(fieldKinds.text.jsonSchema({ name: "t", type: "text" })).toMatchObject({ maxLength: TEXT_LIMITS.text });
    expect(fieldKinds.longtext.jsonSchema({ name: "t", type: "longtext" })).toMatchObject({ maxLength: TEXT_LIMITS.longtext });
  });
});

describe("model documents", () => {
  const todo = () => structuredClone(templates.todo) as any;

  test("a field may set maxLength up to the ceiling, not above", async () => {
    const doc = todo();
    doc.entities[0].fields.push({ name: "essay", type: "longtext", maxLength: TEXT_LIMITS.ceiling });
    expect((await validate(doc)).valid).toBe(true);
    doc.entities[0].fields.at(-1).maxLength = TEXT_LIMITS.ceiling + 1;
    const v = await validate(doc);
    expect(v.valid).toBe(false);
    expect(v.issues).toEqual([
      {
        path: `/entities/0/fields/${doc.entities[0].fields.length - 1}/maxLength`,
        rule: "option",
        message: expect.stringContaining("over the ceiling of 1,000,000 characters"),
      },
    ]);
  });

  test("a script node over 256 KiB is refused naming its path; createModel saves nothing", async () => {
    const doc = todo();
    doc.name = "Big script";
    doc.xflows[0].nodes[2].code = `return input; // ${"x".repeat(MODEL_SIZE_LIMITS.scriptBytes)}`;
    const v = await validate(doc);
    expect(v.issues).toEqual([{ path: "/xflows/0/nodes/2/code", rule: "maxBytes", message: "the script is 257 KiB; at most 256 KiB of code per script node" }]);
    const created = (await gql('mutation($d: JSON) { createModel(name: "Big script", document: $d) { model { id } errors { path rule } } }', { d: doc })).data
      .createModel;
    expect(created).toEqual({ model: null, errors: [{ path: "/xflows/0/nodes/2/code", rule: "maxBytes" }] });
    expect((await gql("{ models { name } }")).data.models.map((m: any) => m.name)).not.toContain("Big script");
  });

  test("a document over 4 MiB is refused as a whole, before anything walks it", async () => {
    const doc = todo();
    // Scripts each within their own cap, together over the document's.
    for (let i = 0; i < 20; i++) doc.xflows[0].nodes.push({ id: `pad${i}`, type: "script", code: `// ${"p".repeat(250 * 1024)}` });
    const v = await validate(doc);
    expect(v.issues).toEqual([
      { path: "", rule: "maxBytes", message: expect.stringMatching(/^the model document is 5,\d{3} KiB; at most 4,096 KiB are allowed$/) },
    ]);
  });
});

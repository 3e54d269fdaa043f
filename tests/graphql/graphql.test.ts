// The Model Editor's GraphQL API against the real server: queries, mutations that
// validate the model (errors with JSON paths, nothing saved), the modelChanged
// subscription over SSE, and the graphql-http GraphQL-over-HTTP audit suite.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditServer } from "graphql-http";
import { type RunningServer, startServer } from "../../src/http/server";
import { templates } from "../../src/model/templates";
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { testDatabase } from "../helpers/db";

let dir: string, running: RunningServer, modelId: string;

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${running.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as { data?: any; errors?: any[] } };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "torque-gql-"));
  const services = await openServices(await testDatabase(dir, "t.db"));
  const m = await services.models.create(structuredClone(templates.todo), systemActor);
  modelId = m.id;
  await services.apps.create(m.id, "todo", systemActor);
  running = await startServer(services, { hostname: "127.0.0.1", port: 0, log: false });
});

afterAll(async () => {
  await running.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("GraphQL over HTTP", () => {
  test("passes the graphql-http server audit", async () => {
    const results = await auditServer({ url: `${running.url}/graphql` });
    const failed = results.filter((r) => r.status === "error").map((r) => `${r.id} ${r.name}: ${"reason" in r ? r.reason : ""}`);
    expect(failed).toEqual([]);
    expect(results.filter((r) => r.status === "ok").length).toBeGreaterThan(20);
  });

  test("queries work over GET and answer in application/graphql-response+json", async () => {
    const res = await fetch(`${running.url}/graphql?query=${encodeURIComponent("{ apps { slug version model { name } } }")}`, {
      headers: { accept: "application/graphql-response+json" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/graphql-response+json");
    expect((await res.json()).data.apps).toEqual([{ slug: "todo", version: 1, model: { name: "Todo" } }]);
  });

  test("mutations are refused over GET", async () => {
    const res = await fetch(`${running.url}/graphql?query=${encodeURIComponent('mutation { createModel(name: "X") { model { id } } }')}`, {
      headers: { accept: "application/graphql-response+json" },
    });
    expect(res.status).toBe(405);
  });

  test("syntax errors and unknown fields are GraphQL errors, and the server keeps serving", async () => {
    const bad = await gql("{ models { name ");
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0].message).toContain("Syntax Error");
    const unknown = await gql("{ models { colour } }");
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0].message).toContain("colour");
    expect((await gql("{ models { name } }")).body.data.models.length).toBeGreaterThan(0);
  });
});

describe("model queries", () => {
  test("model, versions, xflows and validateModel", async () => {
    const r = await gql("query($id: ID!) { model(id: $id) { name version document versions { version note } apps { slug } } }", { id: modelId });
    expect(r.body.data.model).toMatchObject({ name: "Todo", version: 1, apps: [{ slug: "todo" }] });
    expect(r.body.data.model.document.entities.map((e: any) => e.name)).toEqual(["project", "task"]);
    expect((await gql('{ model(id: "nope") { id } }')).body.data.model).toBeNull();
    const v = await gql("query($d: JSON!) { validateModel(document: $d) { valid issues { path rule message } } }", {
      d: { name: "X", entities: [{ name: "a", fields: [{ name: "r", type: "reference", entity: "ghost" }] }] },
    });
    expect(v.body.data.validateModel.valid).toBe(false);
    expect(v.body.data.validateModel.issues[0]).toMatchObject({ path: "/entities/0/fields/0/entity", rule: "reference" });
  });
});

describe("home page queries", () => {
  test("templates carry their documents; an app's records count every type and follow writes", async () => {
    const t = await gql("{ templates { name description document } }");
    expect(t.body.data.templates.map((x: any) => x.name)).toEqual(["todo", "crm", "blank"]);
    expect(t.body.data.templates[0].document.entities.map((e: any) => e.name)).toEqual(["project", "task"]);
    const count = async () => (await gql('{ app(slug: "todo") { records } }')).body.data.app.records as number;
    const before = await count();
    const rpc = (method: string, params: unknown) =>
      fetch(`${running.url}/rpc`, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then((r) => r.json() as Promise<any>);
    const p = await rpc("createEntity", { app: "todo", entity: "project", data: { name: `Counted ${Date.now()}` } });
    await rpc("createEntity", { app: "todo", entity: "task", data: { title: "one", project: p.result.id } });
    expect(await count()).toBe(before + 2);
    await rpc("deleteEntity", { app: "todo", entity: "project", id: p.result.id }); // cascades to its task
    expect(await count()).toBe(before);
  });
});

describe("model mutations", () => {
  test("each edit is validated; a broken one returns errors with paths and saves nothing", async () => {
    const ok = await gql(
      'mutation($m: ID!) { addField(model: $m, entity: "task", field: {name: "estimate", type: "number", min: 0}) { model { version } errors { path message } } }',
      { m: modelId },
    );
    expect(ok.body.data.addField).toEqual({ model: { version: 2 }, errors: [] });
    const broken = await gql(
      'mutation($m: ID!) { addField(model: $m, entity: "task", field: {name: "owner", type: "reference", entity: "person"}) { model { version } errors { path rule message } } }',
      { m: modelId },
    );
    expect(broken.body.data.addField.model).toBeNull();
    expect(broken.body.data.addField.errors[0]).toMatchObject({ path: "/entities/1/fields/8/entity", rule: "reference" });
    const now = await gql("query($id: ID!) { model(id: $id) { version } }", { id: modelId });
    expect(now.body.data.model.version).toBe(2);
  });

  test("a stale expectedVersion is a CONFLICT error", async () => {
    const r = await gql('mutation($m: ID!) { removeField(model: $m, entity: "task", name: "estimate", expectedVersion: 1) { model { version } } }', {
      m: modelId,
    });
    expect(r.body.errors?.[0].extensions.code).toBe("CONFLICT");
  });

  test("entity types, relationships, pages, components and flows can be added, changed and removed", async () => {
    const steps = [
      'addEntityType(model: $m, entity: {name: "tag", fields: [{name: "label", type: "text", required: true}]})',
      'addRelationship(model: $m, relationship: {name: "task_tags", from: "task", to: "tag", kind: "n:m"})',
      'addPage(model: $m, page: {name: "tags", title: "Tags", components: []})',
      'addComponent(model: $m, page: "tags", component: {id: "g", type: "DataGrid", position: {row: 0, col: 0, width: 12, height: 6}, props: {entity: "tag", columns: ["label"]}})',
      'updateComponent(model: $m, page: "tags", id: "g", patch: {props: {entity: "tag", columns: ["label"], sort: [{field: "label", dir: "asc"}]}})',
      'addXFlow(model: $m, xflow: {name: "noop", nodes: [{id: "start", type: "start"}, {id: "end", type: "end"}], edges: [{from: "start", to: "end"}]})',
      'updateEntityType(model: $m, name: "tag", patch: {label: "Tag"})',
      'removeXFlow(model: $m, name: "noop")',
      'removeComponent(model: $m, page: "tags", id: "g")',
      'removePage(model: $m, name: "tags")',
      'removeRelationship(model: $m, name: "task_tags")',
      'removeEntityType(model: $m, name: "tag")',
    ];
    for (const s of steps) {
      const r = await gql(`mutation($m: ID!) { r: ${s} { model { version } errors { path message } } }`, { m: modelId });
      expect({ s, errors: r.body.errors ?? r.body.data.r.errors }).toEqual({ s, errors: [] });
    }
    const d = await gql("query($id: ID!) { modelVersions(id: $id) { version } }", { id: modelId });
    expect(d.body.data.modelVersions.length).toBe(2 + steps.length);
  });

  test("diff and rollback", async () => {
    const diff = await gql("query($id: ID!) { diff(id: $id, from: 1, to: 2) { identical changes } }", { id: modelId });
    expect(diff.body.data.diff).toEqual({ identical: false, changes: ["+ field task.estimate"] });
    const rb = await gql("mutation($id: ID!) { rollbackModel(id: $id, version: 1) { model { version document } } }", { id: modelId });
    const back = rb.body.data.rollbackModel.model;
    expect(back.document.entities[1].fields.some((f: any) => f.name === "estimate")).toBe(false);
    const same = await gql(`query($id: ID!) { diff(id: $id, from: 1, to: ${back.version}) { identical } }`, { id: modelId });
    expect(same.body.data.diff.identical).toBe(true);
  });

  test("import a model with an app, then seed it", async () => {
    const doc = { ...structuredClone(templates.crm), name: "Sales" };
    const r = await gql("mutation($d: JSON!) { importModel(document: $d) { model { name } app { slug } errors { path } } }", { d: doc });
    expect(r.body.data.importModel).toEqual({ model: { name: "Sales" }, app: { slug: "sales" }, errors: [] });
    const seeded = await gql('mutation { seedApp(slug: "sales", count: 5) }');
    expect(seeded.body.data.seedApp).toEqual({ company: 5, contact: 5, deal: 5, activity: 5 });
    const bad = await gql("mutation($d: JSON!) { importModel(document: $d) { model { name } errors { path rule } } }", {
      d: { name: "Bad", entities: [{ name: "Bad Name", fields: [] }] },
    });
    expect(bad.body.data.importModel.model).toBeNull();
    expect(bad.body.data.importModel.errors[0].path).toBe("/entities/0/name");
  });
});

describe("subscriptions", () => {
  test("modelChanged arrives over SSE after a save", async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${running.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "subscription($id: ID!) { modelChanged(modelId: $id) { modelId version apps } }", variables: { id: modelId } }),
      signal: ctrl.signal,
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    await Bun.sleep(100);
    const saved = await gql('mutation($m: ID!) { addField(model: $m, entity: "project", field: {name: "budget", type: "number"}) { model { version } } }', {
      m: modelId,
    });
    const version = saved.body.data.addField.model.version;
    let text = "";
    const deadline = Date.now() + 3000;
    while (!text.includes('"modelChanged"') && Date.now() < deadline) {
      const { value, done } = await Promise.race([reader.read(), Bun.sleep(3000).then(() => ({ value: undefined, done: true }))]);
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctrl.abort();
    const data = JSON.parse(
      text
        .split("\n")
        .find((l) => l.startsWith("data:") && l.includes("modelChanged"))!
        .slice(5),
    );
    expect(data.data.modelChanged).toEqual({ modelId, version, apps: ["todo"] });
  });
});

// Models too large to run (issue 15): 5,000 entity types, a type of 2,000 fields, a page of
// 1,000 components, a flow of 2,000 nodes. Each is refused by every door with one plain
// message naming the part and the limit (model/limits.ts), fast and before anything is
// compiled or stored: GraphQL (validateModel, createModel, importModel, updateModel, an
// edit), MCP through the SDK client, and the CLI (`model validate`, `model import`) against
// the real server's database. Before the limits, the first two were valid models:
// importing 5,000 types set out to build an app of 20,000 indexes and 5,000 full-text tables.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MODEL_COUNT_LIMITS } from "../../src/model/limits";
import { systemActor } from "../../src/services/actor";
import { okJson, torque, writeJson } from "../helpers/cli";
import { startTestServer, type TestServer } from "../helpers/server";
import { type HttpSession, httpClient, call as mcpCall } from "../mcp/helpers";

const fields = (n: number) => Array.from({ length: n }, (_, j) => ({ name: `f${j}`, type: "text" }));

interface Bad {
  what: string;
  doc: () => Record<string, unknown>;
  issues: { path: string; rule: string; message: string }[];
}

const BAD: Bad[] = [
  {
    what: "5,000 entity types",
    doc: () => ({ name: "Too many types", entities: Array.from({ length: 5000 }, (_, i) => ({ name: `t${i}`, fields: fields(1) })) }),
    issues: [{ path: "/entities", rule: "maxItems", message: "the model has 5,000 entity types; a model may have at most 1,000" }],
  },
  {
    what: "a type of 2,000 fields",
    doc: () => ({
      name: "Too many fields",
      entities: [
        { name: "customer", fields: fields(5) },
        { name: "order", fields: fields(2000) },
      ],
    }),
    issues: [{ path: "/entities/1/fields", rule: "maxItems", message: 'entity type "order" has 2,000 fields; a type may have at most 500' }],
  },
  {
    what: "a page of 1,000 components",
    doc: () => ({
      name: "Too many components",
      entities: [{ name: "note", fields: fields(1) }],
      pages: [
        {
          name: "home",
          components: Array.from({ length: 1000 }, (_, i) => ({
            id: `c${i}`,
            type: "Text",
            position: { row: i, col: 0, width: 12, height: 1 },
            props: { text: `${i}` },
          })),
        },
      ],
    }),
    issues: [{ path: "/pages/0/components", rule: "maxItems", message: 'page "home" has 1,000 components; a page may have at most 200' }],
  },
  {
    what: "a flow of 2,000 nodes",
    doc: () => {
      const ids = ["start", ...Array.from({ length: 1998 }, (_, i) => `log${i}`), "end"];
      return {
        name: "Too many nodes",
        entities: [{ name: "note", fields: fields(1) }],
        xflows: [
          {
            name: "long",
            trigger: { type: "manual" },
            nodes: ids.map((id) => (id === "start" || id === "end" ? { id, type: id } : { id, type: "log", message: id })),
            edges: ids.slice(1).map((to, i) => ({ from: ids[i]!, to })),
          },
        ],
      };
    },
    issues: [
      { path: "/xflows/0/nodes", rule: "maxItems", message: 'xflow "long" has 2,000 nodes; a flow may have at most 200' },
      { path: "/xflows/0/edges", rule: "maxItems", message: 'xflow "long" has 1,999 edges; a flow may have at most 400' },
    ],
  },
];

/** A refusal well under a second: nothing walked, compiled or stored first (the 5,000-type import took minutes to build its app). */
const FAST_MS = 1000;

let s: TestServer;
let mcp: HttpSession;

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${s.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: any[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** What is stored: model names, and the todo model's version. */
const stored = async () => ({
  models: (await s.services.models.list()).map((m) => m.name).sort(),
  todo: (await s.services.models.get(s.models.todo!)).version,
  apps: (await s.services.apps.list()).map((a) => a.slug).sort(),
});

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"] });
  mcp = await httpClient(s.url);
});
afterAll(async () => {
  await mcp.close().catch(() => {});
  await s.close();
});

describe("GraphQL", () => {
  for (const bad of BAD)
    test(`${bad.what}: validateModel, createModel, importModel and updateModel refuse it with the limit; nothing is saved`, async () => {
      const before = await stored();
      const doc = bad.doc();
      const t0 = performance.now();
      const v = (await gql("query ($d: JSON!) { validateModel(document: $d) { valid issues { path rule message } } }", { d: doc })).validateModel;
      expect(performance.now() - t0).toBeLessThan(FAST_MS);
      expect(v).toEqual({ valid: false, issues: bad.issues });

      const created = (await gql('mutation ($d: JSON) { createModel(name: "Big", document: $d) { model { id } errors { path rule message } } }', { d: doc }))
        .createModel;
      expect(created).toEqual({ model: null, errors: bad.issues });

      const t1 = performance.now();
      const imported = (
        await gql("mutation ($d: JSON!) { importModel(document: $d, createApp: true) { model { id } app { slug } errors { path rule message } } }", { d: doc })
      ).importModel;
      expect(performance.now() - t1).toBeLessThan(FAST_MS);
      expect(imported).toEqual({ model: null, app: null, errors: bad.issues });

      const updated = (
        await gql("mutation ($id: ID!, $d: JSON!) { updateModel(id: $id, document: $d) { model { version } errors { path rule message } } }", {
          id: s.models.todo,
          d: { ...doc, name: "Todo" },
        })
      ).updateModel;
      expect(updated).toEqual({ model: null, errors: bad.issues });
      expect(await stored()).toEqual(before);
    });

  test("at the limit a type is fine; the edit that adds field 501 is refused by name and changes nothing", async () => {
    const m = await s.services.models.create({ name: "Wide", entities: [{ name: "wide", fields: fields(MODEL_COUNT_LIMITS.fieldsPerType) }] }, systemActor);
    const added = (
      await gql(
        'mutation ($m: ID!) { addField(model: $m, entity: "wide", field: { name: "one_more", type: "text" }) { model { version } errors { path rule message } } }',
        {
          m: m.id,
        },
      )
    ).addField;
    expect(added).toEqual({
      model: null,
      errors: [{ path: "/entities/0/fields", rule: "maxItems", message: 'entity type "wide" has 501 fields; a type may have at most 500' }],
    });
    expect((await s.services.models.get(m.id)).version).toBe(1);
    await s.services.models.delete(m.id, systemActor);
  });
});

describe("MCP", () => {
  test("validate_model and create_model refuse each with the same message; nothing is saved", async () => {
    const before = await stored();
    for (const bad of BAD) {
      const v = await mcpCall(mcp.client, "validate_model", { document: bad.doc() });
      expect(v.isError).toBe(false);
      expect(v.value).toEqual({ valid: false, issues: bad.issues });
      const created = await mcpCall(mcp.client, "create_model", { name: "Big", document: bad.doc() });
      expect(created.isError).toBe(true);
      expect(created.value.details).toEqual(bad.issues);
      for (const issue of bad.issues) expect(created.value.error).toContain(issue.message);
    }
    expect(await stored()).toEqual(before);
  });
});

describe("CLI", () => {
  for (const bad of BAD)
    test(`${bad.what}: model validate lists the limit; model import exits 1 with it and saves nothing`, async () => {
      const opts = { cwd: s.dir };
      const db = ["--db", s.dbPath];
      const file = await writeJson(s.dir, "big.json", bad.doc());
      const checked = await torque(["model", "validate", file, "--json"], opts);
      expect(checked.code).toBe(1);
      expect(JSON.parse(checked.stdout)).toEqual({ valid: false, format: "canonical", issues: bad.issues });
      const text = await torque(["model", "validate", file], opts);
      expect(text.code).toBe(1);
      for (const issue of bad.issues) expect(text.stderr).toContain(`${issue.path}: ${issue.message} [maxItems]`);

      // Read through the CLI: the server's database is a SQLite file or a PostgreSQL URL.
      const stored = async () => ({
        models: (await okJson<unknown[]>(["model", "list", "--json", ...db], opts)).length,
        apps: (await okJson<{ slug: string }[]>(["app", "list", "--json", ...db], opts)).map((a) => a.slug),
      });
      const before = await stored();
      const imported = await torque(["model", "import", file, ...db], opts);
      expect(imported.code).toBe(1);
      expect(imported.stderr).toStartWith("torque: invalid model: ");
      for (const issue of bad.issues) expect(imported.stderr).toContain(`${issue.path}: ${issue.message}`);
      expect(await stored()).toEqual(before);
    });
});

// GraphQL documents too deep, costly or wide are refused before any resolver runs, and
// counts out of range are refused by the service rule, against the real server over a
// real SQLite file holding one model with three apps (Model.apps ↔ App.model is the cycle
// an attacker nests). The Model Editor's own queries and introspection still pass.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getIntrospectionQuery } from "graphql";
import { typeDefs } from "../../src/graphql";
import { GRAPHQL_LIMITS } from "../../src/graphql/limits";
import { type RunningServer, startServer } from "../../src/http/server";
import { templates } from "../../src/model/templates";
import { openServices, type Services } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { testDatabase } from "../helpers/db";

let dir: string, running: RunningServer, services: Services, modelId: string;
/** Calls of the services behind the top-level resolvers, to prove a refused document ran none. */
let served = 0;

async function gql(query: string, variables?: Record<string, unknown>) {
  const t0 = performance.now();
  const res = await fetch(`${running.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string; data?: any } }[] };
  return { status: res.status, body, ms: performance.now() - t0 };
}

/** `{ models { apps { model { apps { … document } } } } }`, `levels` apps/model pairs deep. */
function nested(levels: number): string {
  let q = "document";
  for (let i = 0; i < levels; i++) q = `apps { model { ${q} } }`;
  return `{ models { ${q} } }`;
}

/** Refused before execution: 400, an error saying `what`, no resolver ran, quickly. */
async function refused(query: string, what: RegExp) {
  const before = served;
  const r = await gql(query);
  expect(r.status).toBe(400);
  expect(r.body.data).toBeUndefined();
  expect(r.body.errors!.map((e) => e.message).join("\n")).toMatch(what);
  expect(served).toBe(before);
  expect(r.ms).toBeLessThan(500); // generous: measured ~10 ms; unguarded depth 10 took 2.4 s
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "torque-gql-limits-"));
  services = await openServices(await testDatabase(dir, "t.db"));
  const m = await services.models.create(structuredClone(templates.todo), systemActor);
  modelId = m.id;
  for (const slug of ["todo", "todo-2", "todo-3"]) await services.apps.create(m.id, slug, systemActor);
  for (const name of ["list", "get"] as const) {
    const real = services.models[name].bind(services.models) as (...a: unknown[]) => Promise<unknown>;
    (services.models as any)[name] = (...a: unknown[]) => (served++, real(...a));
  }
  const runs = services.xflows.runs;
  const list = runs.list.bind(runs);
  runs.list = (o) => (served++, list(o));
  running = await startServer(services, { hostname: "127.0.0.1", port: 0, log: false });
});

afterAll(async () => {
  await running.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("what the Model Editor sends still passes", () => {
  test("the editor's model list, a model with its versions and apps, an edit mutation, introspection", async () => {
    const list = await gql("{ models { id name version document apps { slug } } }");
    expect(list.status).toBe(200);
    expect(list.body.data.models[0].apps).toHaveLength(3);
    const one = await gql(
      "query($id: ID!) { model(id: $id) { id name version document createdAt updatedAt versions { version createdAt actor note } apps { slug version createdAt model { id } } } }",
      { id: modelId },
    );
    expect(one.body.errors).toBeUndefined();
    const edit = await gql(
      'mutation($m: ID!) { a: updateEntityType(model: $m, name: "task", patch: {label: "Task"}) { model { id version document } errors { path rule message } } }',
      { m: modelId },
    );
    expect(edit.body.errors).toBeUndefined();
    expect(edit.body.data.a.errors).toEqual([]);
    const intro = await gql(getIntrospectionQuery());
    expect(intro.status).toBe(200);
    expect(intro.body.data.__schema.queryType.name).toBe("Query");
  });

  test("depth 6 (the limit) over the apps cycle is answered", async () => {
    const r = await gql(nested(2).replace("document", "id")); // models, apps, model, apps, model, id
    expect(r.status).toBe(200);
    expect(r.body.data.models[0].apps[0].model.apps).toHaveLength(3);
  });

  test("the SDL documents the limits the server applies", () => {
    for (const n of [GRAPHQL_LIMITS.depth, GRAPHQL_LIMITS.aliases, GRAPHQL_LIMITS.directives]) expect(typeDefs).toContain(` ${n} `);
    expect(typeDefs).toContain(GRAPHQL_LIMITS.cost.toLocaleString("en-US"));
    expect(typeDefs).toContain(GRAPHQL_LIMITS.tokens.toLocaleString("en-US"));
  });
});

describe("documents past a limit are refused before anything runs", () => {
  test("the 20-level models/apps nesting that took the server to 13.8 GB", async () => {
    const r = await refused(nested(10), /depth limit of 6 exceeded, found 22/);
    expect(r.body.errors![0]!.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });

  test("fragments count: the same nesting hidden in a chain of fragments", async () => {
    const frags = Array.from({ length: 10 }, (_, i) => `fragment F${i} on Model { apps { model { ${i < 9 ? `...F${i + 1}` : "id"} } } }`).join(" ");
    await refused(`{ models { ...F0 } } ${frags}`, /depth limit/);
  });

  test("alias doubling through fragments: two aliased spreads per level are counted at every level", async () => {
    // Depth stays within bounds (F1..F3 on one level each via model): only the aliases grow, 2 + 4 + 8 + 16 = 30.
    const frags = [
      "fragment F1 on Query { a: models { ...F2 } b: models { ...F2 } }",
      "fragment F2 on Model { a: apps { ...F3 } b: apps { ...F3 } }",
      "fragment F3 on App { a: model { ...F4 } b: model { ...F4 } }",
      "fragment F4 on Model { a: id b: id }",
    ].join(" ");
    const r = await refused(`{ ...F1 } ${frags}`, /Aliases limit of 20 exceeded, found 30/);
    expect(r.body.errors!.some((e) => /depth/.test(e.message))).toBe(false);
  });

  test("too many aliases at one level", async () => {
    await refused(`{ ${Array.from({ length: 21 }, (_, i) => `m${i}: models { id }`).join(" ")} }`, /Aliases limit of 20 exceeded, found 21/);
  });

  test("a fragment cycle is refused (and does not hang the counting)", async () => {
    await refused(
      "{ models { ...A } } fragment A on Model { apps { model { ...B } } } fragment B on Model { apps { model { ...A } } }",
      /Cannot spread fragment "A" within itself/,
    );
  });

  test("cost: a thousand selections of one field", async () => {
    await refused(`{ models { ${"id ".repeat(1000)} } }`, /Cost limit of 1000 exceeded/);
  });

  test("directives and tokens", async () => {
    await refused(`{ models { id ${"@include(if: true) ".repeat(11)} } }`, /Directives limit of 10 exceeded/);
    await refused(`{ models { ${"name ".repeat(GRAPHQL_LIMITS.tokens)} } }`, /Token limit of 10000 exceeded/);
  });

  test("the server stays responsive under a burst of refused attacks", async () => {
    const t0 = performance.now();
    const attacks = await Promise.all(Array.from({ length: 50 }, () => gql(nested(10))));
    expect(attacks.every((a) => a.status === 400)).toBe(true);
    const ok = await gql("{ apps { slug } }");
    expect(ok.body.data.apps).toHaveLength(3);
    expect(performance.now() - t0).toBeLessThan(5000); // generous: ~0.3 s measured
  });
});

describe("counts are checked by the service rule, before any work", () => {
  test("xflowRuns: negative, zero, huge and fractional limits name the argument and its range", async () => {
    for (const limit of ["-1", "0", "1000000", "2.5"]) {
      const before = served;
      const r = await gql(`{ xflowRuns(limit: ${limit}) }`);
      const e = r.body.errors![0]!;
      if (limit === "2.5") {
        expect(e.message).toContain("Int cannot represent non-integer value: 2.5"); // GraphQL's own type check
        continue;
      }
      expect(e.message).toContain("limit must be a whole number from 1 to 1,000");
      expect(e.extensions?.code).toBe("BAD_USER_INPUT");
      expect(e.extensions?.data).toEqual([{ field: "limit", rule: "range", message: "limit must be a whole number from 1 to 1,000" }]);
      expect(served).toBe(before); // no run was read
    }
    expect((await gql("{ xflowRuns(limit: 5) }")).body.data.xflowRuns).toEqual([]);
  });

  test("seedApp: a count past the range is refused and nothing is written", async () => {
    const r = await gql('mutation { seedApp(slug: "todo", count: 1000001) }');
    expect(r.body.errors![0]!.message).toContain("count must be a whole number from 0 to 1,000,000");
    expect((await services.entities.query("todo", "project", {})).data).toHaveLength(0);
    expect((await gql('mutation { seedApp(slug: "todo", count: -1) }')).body.errors![0]!.message).toContain("count must be a whole number from 0 to 1,000,000");
  });
});

// JSON arguments of the GraphQL API against the real server: a patch naming "__proto__",
// "constructor" or "prototype" is refused with the key named, and no model version is
// saved (a "__proto__" patch used to be assigned to the prototype and vanish, saving a
// version that changed nothing).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}
const version = async () => (await s.services.models.get(s.models.todo!)).version;
const UPDATE =
  'mutation($m: ID!, $p: JSON!) { updateField(model: $m, entity: "task", name: "title", patch: $p) { model { version } errors { path rule message } } }';

test('"__proto__" in a patch, as a variable or inline, is refused naming the key; nothing is saved', async () => {
  const before = await version();
  const asVariable = await gql(UPDATE, { m: s.models.todo, p: JSON.parse('{"__proto__": {"label": "Hacked"}}') });
  expect(asVariable.errors![0]!.message).toContain('"__proto__" is not allowed as a key in JSON input (at /__proto__)');
  expect(asVariable.errors![0]!.extensions?.code).toBe("BAD_USER_INPUT");
  const inline = await gql(
    `mutation($m: ID!) { updateField(model: $m, entity: "task", name: "title", patch: {label: "ok", nested: {__proto__: 1}}) { model { version } } }`,
    { m: s.models.todo },
  );
  expect(inline.errors![0]!.message).toContain("(at /nested/__proto__)");
  expect(await version()).toBe(before);
});

test('"constructor" and "prototype" in a patch come back as errors naming the key; nothing is saved', async () => {
  const before = await version();
  for (const key of ["constructor", "prototype"]) {
    const r = await gql(UPDATE, { m: s.models.todo, p: { [key]: { label: "x" } } });
    expect(r.data.updateField.model).toBeNull();
    expect(r.data.updateField.errors).toEqual([{ path: `/${key}`, rule: "reserved", message: `"${key}" is not allowed as a property name` }]);
  }
  expect(await version()).toBe(before);
  // An ordinary patch still saves.
  expect((await gql(UPDATE, { m: s.models.todo, p: { label: "Title" } })).data.updateField.model.version).toBe(before + 1);
});

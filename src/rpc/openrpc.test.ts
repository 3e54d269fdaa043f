// schema/openrpc.json and schema/schema.graphql are generated from the code; these fail
// when they drift (run `bun run gen:schema`).
import { expect, test } from "bun:test";
import { typeDefs } from "../graphql";
import { wsOnlyParams } from "../http/ws";
import { methods } from "./methods";
import { openRpcDocument } from "./openrpc";

test("schema/openrpc.json describes every JSON-RPC method as the code does", async () => {
  const published = await Bun.file(new URL("../../schema/openrpc.json", import.meta.url)).json();
  expect(published).toEqual(openRpcDocument(wsOnlyParams));
  const names = published.methods.map((m: { name: string }) => m.name);
  for (const m of [
    "ping",
    "getCapabilities",
    "getModelMetadata",
    "loadPage",
    "loadEntityData",
    "getFormDefinition",
    "createEntity",
    "getEntity",
    "updateEntity",
    "deleteEntity",
    "queryEntities",
    "bulkImport",
    "exportEntities",
    "link",
    "unlink",
    "getRelated",
    "subscribe",
    "unsubscribe",
  ])
    expect(names).toContain(m);
  expect(Object.keys(methods).length + Object.keys(wsOnlyParams).length).toBe(names.length);
});

test("schema/schema.graphql is the served SDL", async () => {
  expect(await Bun.file(new URL("../../schema/schema.graphql", import.meta.url)).text()).toBe(typeDefs);
});

// Writes the generated contracts in schema/ from the code (run: bun run gen:schema):
// the model JSON Schema, the OpenRPC description of the JSON-RPC API and the GraphQL SDL.

import { typeDefs } from "../src/graphql";
import { wsOnlyParams } from "../src/http/ws";
import { modelJsonSchema } from "../src/model/schema";
import { openRpcDocument } from "../src/rpc/openrpc";

const out = (name: string) => new URL(`../schema/${name}`, import.meta.url).pathname;
await Bun.write(out("model.schema.json"), `${JSON.stringify(modelJsonSchema(), null, 2)}\n`);
await Bun.write(out("openrpc.json"), `${JSON.stringify(openRpcDocument(wsOnlyParams), null, 2)}\n`);
await Bun.write(out("schema.graphql"), typeDefs);
console.log("wrote schema/model.schema.json, schema/openrpc.json, schema/schema.graphql");

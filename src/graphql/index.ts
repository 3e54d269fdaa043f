// The GraphQL endpoint (graphql-yoga): GraphQL-over-HTTP (GET for queries, POST,
// application/graphql-response+json), subscriptions over SSE. The SDL is schema.graphql,
// also published as schema/schema.graphql. Documents too deep, costly or wide are refused
// before any resolver runs (limits.ts); the JSON values of one answer have a byte budget
// (budget.ts).

import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { createPubSub, createSchema, createYoga } from "graphql-yoga";
import { findKey } from "../lib/json";
import type { Services } from "../services";
import type { Actor } from "../services/actor";
import { meterJsonFields } from "./budget";
import { limitPlugins } from "./limits";
import { type GqlContext, resolvers } from "./resolvers";
import typeDefs from "./schema.graphql" with { type: "text" };

export { typeDefs };

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    default:
      return undefined; // variables inside literals are resolved by graphql before this
  }
}

/** JSON input never carries "__proto__": code that copies it by assignment would lose it silently. */
function noProto(v: unknown): unknown {
  const at = findKey(v);
  if (at !== undefined) throw new GraphQLError(`"__proto__" is not allowed as a key in JSON input (at ${at})`, { extensions: { code: "BAD_USER_INPUT" } });
  return v;
}

const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  serialize: (v) => v,
  parseValue: noProto,
  parseLiteral: (node) => noProto(literal(node)),
});

/** Bytes of JSON values one answer may hold (the same budget as a JSON-RPC answer). */
export const DEFAULT_ANSWER_BYTES = 32 * 1024 * 1024;

export function createGraphql(services: Services, actorOf: (req: Request) => Actor, opts: { answerBytes?: number } = {}) {
  const limit = opts.answerBytes ?? DEFAULT_ANSWER_BYTES;
  const pubsub = createPubSub<{ modelChanged: [modelId: string, payload: { modelId: string; version: number; apps: string[] }] }>();
  services.events.on("modelChanged", (e) => pubsub.publish("modelChanged", e.modelId, e));
  const schema = createSchema<GqlContext>({ typeDefs, resolvers: { JSON: JSONScalar, ...resolvers(pubsub as never) } });
  meterJsonFields(schema);
  return createYoga<{ request: Request }, GqlContext>({
    schema,
    graphqlEndpoint: "/graphql",
    logging: false,
    landingPage: false,
    maskedErrors: true,
    plugins: limitPlugins(),
    context: ({ request }) => ({ services, actor: actorOf(request), answer: { bytes: 0, limit } }),
  });
}

// The GraphQL endpoint (graphql-yoga): GraphQL-over-HTTP (GET for queries, POST,
// application/graphql-response+json), subscriptions over SSE. The SDL is schema.graphql,
// also published as schema/schema.graphql.
import { createPubSub, createSchema, createYoga } from "graphql-yoga";
import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import type { Services } from "../services";
import type { Actor } from "../services/actor";
import typeDefs from "./schema.graphql" with { type: "text" };
import { resolvers, type GqlContext } from "./resolvers";

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

const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literal,
});

export function createGraphql(services: Services, actorOf: (req: Request) => Actor) {
  const pubsub = createPubSub<{ modelChanged: [modelId: string, payload: { modelId: string; version: number; apps: string[] }] }>();
  services.events.on("modelChanged", (e) => pubsub.publish("modelChanged", e.modelId, e));
  const schema = createSchema<GqlContext>({ typeDefs, resolvers: { JSON: JSONScalar, ...resolvers(pubsub as never) } });
  return createYoga<{ request: Request }, GqlContext>({
    schema,
    graphqlEndpoint: "/graphql",
    logging: false,
    landingPage: false,
    maskedErrors: true,
    context: ({ request }) => ({ services, actor: actorOf(request) }),
  });
}

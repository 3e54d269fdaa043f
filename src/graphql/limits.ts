// Limits on the shape of a GraphQL document, checked before anything runs (GraphQL Armor
// plugins: the parser counts tokens, validation rules measure depth, cost, aliases and
// directives, following fragment spreads). Without them `{ models { apps { model { apps
// … } } } }` twenty levels deep took the server to 13.8 GB: Model.apps and App.model form
// a cycle, and aliases multiply every level.
//
// The Model Editor's real queries are far inside these: `{ models { id name version
// document apps { slug } } }` is depth 3, cost 14, no aliases; a mutation answering
// `{ model { id version document } errors { path rule message } }` is depth 3, cost 20.

import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { GraphQLError, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";

export const GRAPHQL_LIMITS = {
  /** Nested selection sets, fragments included (introspection's `__schema` is not counted). */
  depth: 6,
  /** Armor's cost: 2 per object field, 1 per scalar, ×1.5 per level of nesting. */
  cost: 1000,
  /** Aliases in one operation, counted through every fragment spread (`__typename` is free). */
  aliases: 20,
  directives: 10,
  /** Lexical tokens in one document (a model document belongs in a variable, not inline). */
  tokens: 10_000,
} as const;

/**
 * Armor throws its refusal with a "Syntax Error:" prefix; the limit is reported instead
 * as an ordinary validation error with a code a client can act on. Reported, not thrown,
 * so every limit an operation breaks is listed at once.
 */
const onReject = [
  (ctx: ValidationContext | null, e: GraphQLError) =>
    ctx?.reportError(new GraphQLError(e.message.replace(/^Syntax Error: /, ""), { extensions: { code: "QUERY_TOO_COMPLEX" } })),
];
const rule = { exposeLimits: true, propagateOnRejection: false, onReject };

export function limitPlugins(): Plugin[] {
  return [
    // Token counting happens while parsing, where there is no validation context to report to: it throws.
    maxTokensPlugin({ n: GRAPHQL_LIMITS.tokens, exposeLimits: true }),
    // flattenFragments: a spread adds no level of its own; its fields count where they land.
    maxDepthPlugin({ n: GRAPHQL_LIMITS.depth, flattenFragments: true, ...rule }),
    costLimitPlugin({ maxCost: GRAPHQL_LIMITS.cost, flattenFragments: true, ...rule }),
    maxAliasesPlugin({ n: GRAPHQL_LIMITS.aliases, ...rule }),
    maxDirectivesPlugin({ n: GRAPHQL_LIMITS.directives, ...rule }),
  ] as Plugin[];
}

// A byte budget for one GraphQL answer. The shape limits (limits.ts) bound how many
// fields a document asks for, not how large they are: 20 aliases of
// `models { document apps { model { document apps { model { document } } } } }` made a
// 630 MB answer (2.28 GB of memory, /health unanswered), because the same model document
// is written out once per place it is asked for. Every field of the JSON scalar (model
// documents, diffs, run listings, flow definitions) charges its size to the request; past
// the budget such fields fail with ANSWER_TOO_LARGE, so the answer stays small.
import { defaultFieldResolver, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema, getNamedType, isObjectType } from "graphql";

export interface AnswerMeter {
  /** Bytes of JSON values resolved so far in this request. */
  bytes: number;
  limit: number;
}

/** Sizes of objects already measured: one model document is asked for many times in one answer. */
const sizes = new WeakMap<object, number>();

function sizeOf(v: unknown): number {
  if (v === null || v === undefined) return 4;
  if (typeof v !== "object") return typeof v === "string" ? v.length + 2 : 24;
  let n = sizes.get(v);
  if (n === undefined) sizes.set(v, (n = Buffer.byteLength(JSON.stringify(v) ?? "null")));
  return n;
}

const MIB = 1024 * 1024;
const size = (bytes: number) => (bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MiB` : `${bytes.toLocaleString("en-US")} bytes`);

function charge(meter: AnswerMeter | undefined, value: unknown): void {
  if (!meter) return;
  meter.bytes += sizeOf(value);
  if (meter.bytes > meter.limit)
    throw new GraphQLError(
      `answer too large: the JSON values asked for come to more than ${size(meter.limit)}; ask for fewer fields or aliases (a model's document once, not once per alias or level)`,
      { extensions: { code: "ANSWER_TOO_LARGE", limit: meter.limit } },
    );
}

/** Wrap the resolver of every field of type `scalar` (lists and non-null included) so its value is charged to `ctx.answer`. */
export function meterJsonFields(schema: GraphQLSchema, scalar = "JSON"): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__") || type === schema.getSubscriptionType()) continue;
    for (const field of Object.values(type.getFields())) {
      if (getNamedType(field.type).name !== scalar) continue;
      const resolve: GraphQLFieldResolver<unknown, { answer?: AnswerMeter }> = field.resolve ?? defaultFieldResolver;
      field.resolve = async (source, args, ctx, info) => {
        const value = await resolve(source, args, ctx, info);
        charge(ctx.answer, value);
        return value;
      };
    }
  }
}

// GraphQL resolvers for the Model Editor: thin calls into the model and app services.
// Model changes report validation problems as `errors` with JSON paths (nothing saved);
// other failures are GraphQL errors with extensions.code from the one error taxonomy.
import { GraphQLError } from "graphql";
import { Repeater, SlidingBuffer } from "graphql-yoga";
import { type ErrorCode, type Issue, TorqueError } from "../lib/errors";
import { formatDiff } from "../model/diff";
import { EDIT_OPS as ALL_EDIT_OPS, type ModelEdit, parseEdits } from "../model/edit";
import { templates } from "../model/templates";
import type { Services } from "../services";
import type { Actor } from "../services/actor";
import type { AuditFilter } from "../services/audit-log";
import { dataImpact } from "../services/impact";
import { LIMITS } from "../services/limits";
import type { StoredModel } from "../services/models";
import { checkModel } from "../services/models";
import { seedApp } from "../services/seed/seed";
import { importModel } from "../services/transfer";
import { type RunEvent, runSummary } from "../services/xflow/service";
import type { AnswerMeter } from "./budget";

export interface GqlContext {
  services: Services;
  actor: Actor;
  /** Bytes of JSON values in this answer so far (budget.ts). */
  answer?: AnswerMeter;
}

const CODES: Record<ErrorCode, string> = {
  validation: "BAD_USER_INPUT",
  bad_request: "BAD_REQUEST",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  forbidden: "FORBIDDEN",
  unavailable: "SERVICE_UNAVAILABLE",
  internal: "INTERNAL_SERVER_ERROR",
};

/** Our errors become GraphQL errors with a code a program can act on. */
function gqlError(e: unknown): never {
  if (e instanceof TorqueError) throw new GraphQLError(e.message, { extensions: { code: CODES[e.code], ...(e.data !== undefined && { data: e.data }) } });
  throw e;
}

/**
 * A version argument is 1 or more: a model has no version -5, and `model` answering null
 * for it (as for a model that does not exist) would hide the mistake.
 */
function version<T extends number | null | undefined>(name: string, v: T): T {
  if (v !== null && v !== undefined && v < 1)
    throw new GraphQLError(`${name} must be a version number, 1 or more (got ${v})`, { extensions: { code: "BAD_USER_INPUT" } });
  return v;
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    gqlError(e);
  }
}

/** A model change: validation problems come back as errors (nothing saved); anything else is a GraphQL error. */
async function payload(fn: () => Promise<StoredModel>): Promise<{ model: ModelShape | null; errors: Issue[] }> {
  try {
    return { model: shape(await fn()), errors: [] };
  } catch (e) {
    if (e instanceof TorqueError && e.code === "validation") return { model: null, errors: e.data as Issue[] };
    gqlError(e);
  }
}

interface ModelShape {
  id: string;
  name: string;
  version: number;
  document: unknown;
}
const shape = (m: StoredModel): ModelShape => ({ id: m.id, name: m.name, version: m.version, document: m.doc });

const edit = (ctx: GqlContext, model: string, e: ModelEdit, expectedVersion?: number | null) =>
  payload(() => ctx.services.models.edit(model, e, ctx.actor, { expectedVersion: expectedVersion ?? undefined }));

/**
 * One mutation per model edit: its arguments, less `model` and `expectedVersion`, are the
 * edit's own fields (see model/edit.ts), so the resolvers are made from the list. The
 * editor's own edits (layout, model properties, field and page order) go through editModel only.
 */
const EDIT_OPS = ALL_EDIT_OPS.filter((op) => op !== "setLayout" && op !== "setProperties" && op !== "moveField" && op !== "movePage");

const editResolvers = Object.fromEntries(
  EDIT_OPS.map((op) => [
    op,
    (_: unknown, { model, expectedVersion, ...fields }: { model: string; expectedVersion?: number | null } & Record<string, unknown>, ctx: GqlContext) =>
      edit(ctx, model, { op, ...fields } as ModelEdit, expectedVersion),
  ]),
);

export function resolvers(pubsub: { subscribe(topic: string, id: string): AsyncIterable<unknown> }) {
  return {
    Model: {
      apps: async (m: ModelShape, _: unknown, ctx: GqlContext) => (await ctx.services.apps.list(ctx.actor)).filter((a) => a.model.id === m.id),
      versions: (m: ModelShape, _: unknown, ctx: GqlContext) => ctx.services.models.versions(m.id),
      createdAt: async (m: ModelShape, _: unknown, ctx: GqlContext) => (await ctx.services.models.resolve(m.id)).created_at,
      updatedAt: async (m: ModelShape, _: unknown, ctx: GqlContext) => (await ctx.services.models.resolve(m.id)).updated_at,
    },
    App: {
      model: async (a: { model: { id: string } }, _: unknown, ctx: GqlContext) => shape(await ctx.services.models.get(a.model.id)),
      records: (a: { slug: string }, _: unknown, ctx: GqlContext) => ctx.services.apps.recordCount(a.slug),
    },
    Query: {
      models: (_: unknown, __: unknown, ctx: GqlContext) =>
        guarded(async () => Promise.all((await ctx.services.models.list()).map(async (m) => shape(await ctx.services.models.get(m.id))))),
      model: (_: unknown, a: { id: string; version?: number }, ctx: GqlContext) =>
        guarded(async () => {
          try {
            return shape(await ctx.services.models.get(a.id, version("version", a.version) ?? undefined));
          } catch (e) {
            if (e instanceof TorqueError && e.code === "not_found") return null;
            throw e;
          }
        }),
      modelVersions: (_: unknown, a: { id: string }, ctx: GqlContext) => guarded(() => ctx.services.models.versions(a.id)),
      diff: (_: unknown, a: { id: string; from: number; to?: number }, ctx: GqlContext) =>
        guarded(async () => {
          const d = await ctx.services.models.diff(a.id, version("from", a.from), version("to", a.to) ?? undefined);
          return { from: d.from, to: d.to, identical: d.identical, changes: formatDiff(d), detail: d };
        }),
      apps: (_: unknown, __: unknown, ctx: GqlContext) => guarded(() => ctx.services.apps.list(ctx.actor)),
      templates: () => Object.entries(templates).map(([name, document]) => ({ name, description: document.description ?? "", document })),
      app: (_: unknown, a: { slug: string }, ctx: GqlContext) =>
        guarded(async () => (await ctx.services.apps.list(ctx.actor)).find((x) => x.slug === a.slug) ?? null),
      xflows: (_: unknown, a: { model: string }, ctx: GqlContext) =>
        guarded(async () =>
          ((await ctx.services.models.get(a.model)).doc.xflows ?? []).map((x) => ({ name: x.name, trigger: x.trigger?.type ?? "manual", definition: x })),
        ),
      xflowRuns: (_: unknown, a: { app?: string; xflow?: string; limit?: number }, ctx: GqlContext) =>
        guarded(() => ctx.services.xflows.listRuns({ app: a.app ?? undefined, xflow: a.xflow ?? undefined, limit: a.limit }, ctx.actor)),
      xflowRun: (_: unknown, a: { id: string }, ctx: GqlContext) => guarded(() => ctx.services.xflows.getRun(a.id, ctx.actor)),
      dataImpact: (_: unknown, a: { model: string; entity: string; field?: string | null }, ctx: GqlContext) =>
        guarded(() => dataImpact(ctx.services, a.model, a.entity, a.field ?? undefined)),
      auditLog: (_: unknown, a: AuditFilter & { app?: string; entity?: string; id?: string }, ctx: GqlContext) =>
        guarded(async () =>
          (await ctx.services.audit.query({ ...a, entityType: a.entity, entityId: a.id }, ctx.actor)).map((e) => ({
            ...e,
            app: e.appId,
            model: e.modelId,
            entity: e.entityType,
          })),
        ),
      validateModel: (_: unknown, a: { document: unknown }) => {
        const issues = checkModel(a.document);
        return { valid: issues.length === 0, issues };
      },
    },
    Mutation: {
      createModel: (_: unknown, a: { name: string; document?: Record<string, unknown> }, ctx: GqlContext) =>
        payload(() => ctx.services.models.create(a.document ? { ...a.document, name: a.name } : { name: a.name, entities: [] }, ctx.actor)),
      updateModel: (_: unknown, a: { id: string; document: unknown; expectedVersion?: number }, ctx: GqlContext) =>
        payload(() => ctx.services.models.save(a.id, a.document, ctx.actor, { expectedVersion: a.expectedVersion ?? undefined })),
      deleteModel: (_: unknown, a: { id: string; withApps?: boolean }, ctx: GqlContext) =>
        guarded(async () => {
          await ctx.services.models.delete(a.id, ctx.actor, { withApps: !!a.withApps });
          return true;
        }),
      importModel: async (_: unknown, a: { document: unknown; name?: string; createApp?: boolean; slug?: string }, ctx: GqlContext) => {
        try {
          const r = await importModel(ctx.services, a.document, {
            name: a.name ?? undefined,
            noApp: a.createApp === false,
            slug: a.slug ?? undefined,
            actor: ctx.actor,
          });
          const app = r.app ? (await ctx.services.apps.list(ctx.actor)).find((x) => x.slug === r.app) : null;
          return { model: shape(r.model), app, format: r.format, loaded: r.loaded, report: r.report, errors: [] };
        } catch (e) {
          if (e instanceof TorqueError && e.code === "validation") return { model: null, app: null, errors: e.data as Issue[] };
          gqlError(e);
        }
      },
      exportModel: (_: unknown, a: { id: string; version?: number }, ctx: GqlContext) =>
        guarded(async () => (await ctx.services.models.get(a.id, version("version", a.version) ?? undefined)).doc),
      rollbackModel: (_: unknown, a: { id: string; version: number }, ctx: GqlContext) =>
        payload(async () => ctx.services.models.rollback(a.id, version("version", a.version), ctx.actor)),
      ...editResolvers,
      editModel: (_: unknown, a: { model: string; edits: unknown; expectedVersion?: number | null; note?: string | null }, ctx: GqlContext) =>
        payload(() =>
          ctx.services.models.editMany(a.model, parseEdits(a.edits), ctx.actor, { expectedVersion: a.expectedVersion ?? undefined, note: a.note ?? undefined }),
        ),
      createApp: (_: unknown, a: { model: string; slug?: string }, ctx: GqlContext) =>
        guarded(async () => {
          const m = await ctx.services.models.get(a.model);
          const app = await ctx.services.apps.create(m.id, a.slug ?? (await ctx.services.apps.freeSlug(m.name)), ctx.actor);
          return (await ctx.services.apps.list(ctx.actor)).find((x) => x.slug === app.slug);
        }),
      executeXFlow: (_: unknown, a: { app: string; xflow: string; input?: unknown }, ctx: GqlContext) =>
        guarded(async () => runSummary(await ctx.services.xflows.execute(a.app, a.xflow, a.input ?? {}, { actor: ctx.actor }))),
      startXFlowRun: (_: unknown, a: { app: string; xflow: string; input?: unknown; from?: string | null }, ctx: GqlContext) =>
        guarded(async () => {
          const opts = { actor: ctx.actor, ...(a.from != null && { from: { node: a.from, input: a.input ?? null } }) };
          return (await ctx.services.xflows.start(a.app, a.xflow, a.input ?? {}, opts)).runId;
        }),
      seedApp: (_: unknown, a: { slug: string; count?: number }, ctx: GqlContext) =>
        guarded(() => seedApp(ctx.services, a.slug, { count: a.count ?? LIMITS.seedCount.default, actor: ctx.actor })),
    },
    Subscription: {
      modelChanged: {
        subscribe: async (_: unknown, a: { modelId: string }, ctx: GqlContext) => {
          const m = await guarded(() => ctx.services.models.resolve(a.modelId));
          return pubsub.subscribe("modelChanged", m.id);
        },
        resolve: (payload: unknown) => payload,
      },
      xflowRunEvents: {
        subscribe: async (_: unknown, a: { app: string; xflow: string }, ctx: GqlContext) => {
          // What keeps the flow from being watched is said here, as the subscription's error;
          // the watcher itself is taken when the stream starts being read, and let go when it
          // ends, so an answer never streamed (a 406 to a client that does not take event
          // streams) holds nothing. A subscriber that falls BEHIND events back (a run of 200
          // steps makes about 400, each with up to 16 KB of values) loses the oldest.
          const key = await guarded(() => ctx.services.xflows.watchable(a.app, a.xflow, ctx.actor));
          const BEHIND = 1_000;
          return new Repeater<RunEvent>(async (push, stopped) => {
            let stop: () => void;
            try {
              stop = ctx.services.xflows.watchKey(key, (e) => void push(e));
            } catch (e) {
              stopped(e);
              return;
            }
            await stopped;
            stop();
          }, new SlidingBuffer(BEHIND));
        },
        resolve: (payload: unknown) => payload,
      },
    },
  };
}

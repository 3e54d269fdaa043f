// The JSON-RPC methods of a TorqueApp: each a named-params schema (checked before the
// call; a wrong shape is -32602) and a thin call into the service layer, which does all
// validation of data, hooks and audit. The same table serves POST /rpc and /ws, and
// produces schema/openrpc.json.
import { type Static, type TObject, type TProperties, Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { rangeMessage } from "../lib/errors";
import { OPERATORS } from "../model/filter/grammar";
import { COMPONENT_TYPES, FIELD_TYPES } from "../model/schema";
import type { Services } from "../services";
import type { Actor } from "../services/actor";
import { AGGREGATE_OPS, BUCKETS, MAX_AGGREGATES } from "../services/entities/aggregate";
import { LIMITS, MAX_OFFSET, type Range } from "../services/limits";
import { runSummary } from "../services/xflow/service";
import { VERSION } from "../version";
import { InvalidParams, MAX_BATCH, type MethodTable } from "./protocol";

export interface RpcContext {
  services: Services;
  actor: Actor;
}

export interface MethodSpec<P extends TObject = TObject> {
  summary: string;
  params: P;
  /** Only on the WebSocket transport (subscriptions live on a connection). */
  wsOnly?: boolean;
  run(p: Static<P>, ctx: RpcContext): Promise<unknown>;
}

const App = Type.String({ minLength: 1, maxLength: 63, description: "app slug" });
const Entity = Type.String({ minLength: 1, maxLength: 63, description: "entity type name" });
const Id = Type.String({ minLength: 1, maxLength: 100, description: "entity id" });
const Data = Type.Record(Type.String(), Type.Unknown(), { description: "field values by field name" });
const Filter = Type.Record(Type.String(), Type.Unknown(), {
  description: `JSON filter: {"field": value, "field": {"op": value}, "or": [...], "and": [...], "not": {...}}; operators: ${OPERATORS.join(", ")}`,
});
const Sort = Type.Array(
  Type.Object({ field: Type.String(), dir: Type.Optional(Type.Union([Type.Literal("asc"), Type.Literal("desc")])) }, { additionalProperties: false }),
  { description: "sort keys, first one first" },
);
const Fields = Type.Array(Type.String(), { description: "return only these fields" });
const Include = Type.Array(Type.String(), { description: "reference fields or relationships whose entities to include under `related`" });
/** A whole-number parameter with the range its service enforces (services/limits.ts). */
const Count = (r: Range, description: string) =>
  Type.Integer({ minimum: r.min, maximum: r.max, description: `${description} (${r.min} to ${r.max.toLocaleString("en-US")}, default ${r.default})` });
const Query = {
  filter: Type.Optional(Filter),
  sort: Type.Optional(Sort),
  limit: Type.Optional(Count(LIMITS.pageSize, "page size")),
  cursor: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: "nextCursor of the previous page" })),
  offset: Type.Optional(Count({ min: 0, max: MAX_OFFSET, default: 0 }, "rows to skip after the cursor (or the start), to jump into a long list")),
  fields: Type.Optional(Fields),
  include: Type.Optional(Include),
  total: Type.Optional(
    Type.Boolean({ description: "also count every match: pagination.total, with totalExact false when it is an estimate (an exact count would be slow)" }),
  ),
};
const closed = <T extends TProperties>(props: T) => Type.Object(props, { additionalProperties: false });
const method = <P extends TObject>(m: MethodSpec<P>): MethodSpec => m as unknown as MethodSpec;

export const methods: Record<string, MethodSpec> = {
  ping: method({ summary: 'Liveness check; returns "pong".', params: closed({}), run: async () => "pong" }),
  getCapabilities: method({
    summary: "Component types, field types, filter operators, methods and versions this server offers.",
    params: closed({}),
    run: async () => ({
      version: VERSION,
      protocol: "2.0",
      methods: Object.keys(methods),
      componentTypes: COMPONENT_TYPES,
      fieldTypes: FIELD_TYPES,
      filterOperators: OPERATORS,
      limits: { maxPageSize: LIMITS.pageSize.max, maxBatch: MAX_BATCH },
    }),
  }),
  getModelMetadata: method({
    summary: "The app's entity types (with field definitions), relationships, pages, navigation and workflows.",
    params: closed({ app: App }),
    run: (p, c) => c.services.ui.getModelMetadata(p.app, c.actor),
  }),
  loadPage: method({
    summary: "A page's layout and components, resolved against the model, ready to render; the start page when `page` is omitted.",
    params: closed({ app: App, page: Type.Optional(Type.String({ description: "page name or path" })) }),
    run: (p, c) => c.services.ui.loadPage(p.app, p.page, c.actor),
  }),
  loadEntityData: method({
    summary: "Rows for a grid: a keyset page, pagination (`total` only when asked) and the column definitions.",
    params: closed({ app: App, entity: Entity, ...Query, columns: Type.Optional(Fields) }),
    run: (p, c) => c.services.ui.loadEntityData(p.app, p.entity, p, c.actor),
  }),
  getFormDefinition: method({
    summary: "Field definitions for a form of an entity type, and the record when `id` is given.",
    params: closed({ app: App, entity: Entity, id: Type.Optional(Id) }),
    run: (p, c) => c.services.ui.getFormDefinition(p.app, p.entity, p.id, c.actor),
  }),
  createEntity: method({
    summary: "Create a record; validated against the model (errors list each {field, rule, message}).",
    params: closed({ app: App, entity: Entity, data: Data }),
    run: (p, c) => c.services.entities.create(p.app, p.entity, p.data, { actor: c.actor }),
  }),
  getEntity: method({
    summary: "One record by id.",
    params: closed({ app: App, entity: Entity, id: Id, fields: Type.Optional(Fields), include: Type.Optional(Include) }),
    run: (p, c) => c.services.entities.get(p.app, p.entity, p.id, p, c.actor),
  }),
  updateEntity: method({
    summary:
      "Change some fields of a record (null clears one). With expectedVersion, a record changed meanwhile is a conflict whose data carries currentVersion.",
    params: closed({ app: App, entity: Entity, id: Id, data: Data, expectedVersion: Type.Optional(Type.Integer({ minimum: 1 })) }),
    run: (p, c) => c.services.entities.update(p.app, p.entity, p.id, p.data, { actor: c.actor, expectedVersion: p.expectedVersion }),
  }),
  deleteEntity: method({
    summary: "Delete a record, following each relationship's onDelete rule; returns what else was deleted or changed.",
    params: closed({ app: App, entity: Entity, id: Id, expectedVersion: Type.Optional(Type.Integer({ minimum: 1 })) }),
    run: (p, c) => c.services.entities.delete(p.app, p.entity, p.id, { actor: c.actor, expectedVersion: p.expectedVersion }),
  }),
  queryEntities: method({
    summary: "Filtered, sorted, keyset-paged records.",
    params: closed({ app: App, entity: Entity, ...Query }),
    run: (p, c) => c.services.entities.query(p.app, p.entity, p, c.actor),
  }),
  aggregateEntities: method({
    summary:
      "Count, sum, avg, min, max over an entity type's records, with an optional filter and group (an enum, boolean or reference field, or a date/datetime bucket: day, week starting Monday, month). Returns {groups: [{key?, values}], limited}.",
    params: closed({
      app: App,
      entity: Entity,
      filter: Type.Optional(Filter),
      groupBy: Type.Optional(
        Type.Union([
          Type.String({ description: "an enum, boolean, reference, date or datetime field" }),
          closed({ field: Type.String(), bucket: Type.Optional(Type.Union(BUCKETS.map((b) => Type.Literal(b)))) }),
        ]),
      ),
      aggregates: Type.Array(
        Type.Union([
          closed({ op: Type.Literal("count") }),
          closed({ op: Type.Union(AGGREGATE_OPS.filter((o) => o !== "count").map((o) => Type.Literal(o))), field: Type.String() }),
        ]),
        { minItems: 1, maxItems: MAX_AGGREGATES, description: "values of each group, in this order" },
      ),
    }),
    run: (p, c) => c.services.entities.aggregate(p.app, p.entity, p, c.actor),
  }),
  bulkImport: method({
    summary:
      "Create many records from CSV (text with a header row) or JSON (a list); all or nothing, with every bad row reported. With dryRun, every row is checked as an import would and nothing is written: {inserted: 0, wouldInsert, ids: [], dryRun: true}, or the same validation error.",
    params: closed({
      app: App,
      entity: Entity,
      format: Type.Optional(Type.Union([Type.Literal("csv"), Type.Literal("json")])),
      data: Type.Union([Type.String(), Type.Array(Type.Unknown())]),
      dryRun: Type.Optional(Type.Boolean({ description: "check every row (field rules, references, uniqueness) and write nothing; before-hooks are not run" })),
    }),
    run: (p, c) => c.services.data.bulkImport(p.app, p.entity, { format: p.format, data: p.data, dryRun: p.dryRun }, c.actor),
  }),
  exportEntities: method({
    summary: "Every matching record as JSON records or CSV text.",
    params: closed({
      app: App,
      entity: Entity,
      format: Type.Optional(Type.Union([Type.Literal("csv"), Type.Literal("json")])),
      filter: Type.Optional(Filter),
      sort: Type.Optional(Sort),
      fields: Type.Optional(Fields),
    }),
    run: (p, c) => c.services.data.exportEntities(p.app, p.entity, p, c.actor),
  }),
  link: method({
    summary: "Link two records through a relationship (`from` is a record of the relationship's from type).",
    params: closed({ app: App, relationship: Type.String({ minLength: 1 }), from: Id, to: Id }),
    run: (p, c) => c.services.links.link(p.app, p.relationship, p.from, p.to, { actor: c.actor }),
  }),
  unlink: method({
    summary: "Remove a link between two records.",
    params: closed({ app: App, relationship: Type.String({ minLength: 1 }), from: Id, to: Id }),
    run: (p, c) => c.services.links.unlink(p.app, p.relationship, p.from, p.to, { actor: c.actor }),
  }),
  getRelated: method({
    summary: "The records on the other side of a relationship from one record, as a page.",
    params: closed({ app: App, entity: Entity, id: Id, relationship: Type.String({ minLength: 1 }), ...Query }),
    run: (p, c) => c.services.links.related(p.app, p.entity, p.id, p.relationship, p, c.actor),
  }),
  executeXFlow: method({
    summary:
      "Run a workflow of the app with an input; returns {runId, status, output | error, durationMs} (error names the node). With from: {node, input}, the run begins at that node with that input (a re-run with an earlier node's output pinned).",
    params: closed({
      app: App,
      xflow: Type.String({ minLength: 1 }),
      input: Type.Optional(Type.Unknown({ description: "the flow's input (JSON)" })),
      from: Type.Optional(closed({ node: Type.String({ minLength: 1 }), input: Type.Unknown({ description: "the node's input (JSON)" }) })),
    }),
    run: async (p, c) => runSummary(await c.services.xflows.execute(p.app, p.xflow, p.input ?? {}, { actor: c.actor, ...(p.from && { from: p.from }) })),
  }),
  getXFlowRun: method({
    summary: "One workflow run: status, input, output, error with its node, per-node timings and logs.",
    params: closed({ id: Type.String({ minLength: 1 }) }),
    run: (p, c) => c.services.xflows.getRun(p.id, c.actor),
  }),
  listXFlowRuns: method({
    summary: "Recent workflow runs, newest first.",
    params: closed({ app: Type.Optional(App), xflow: Type.Optional(Type.String()), limit: Type.Optional(Count(LIMITS.xflowRuns, "how many")) }),
    run: (p, c) => c.services.xflows.listRuns(p, c.actor),
  }),
};

const checkers = new Map<MethodSpec, ReturnType<typeof TypeCompiler.Compile>>();

/** Check params against a method's schema; a wrong shape lists every problem as invalid params. */
export function checkParams(spec: MethodSpec, params: unknown): void {
  let c = checkers.get(spec);
  if (!c) checkers.set(spec, (c = TypeCompiler.Compile(spec.params)));
  if (c.Check(params)) return;
  const issues = [...c.Errors(params)].slice(0, 20).map((e) => {
    const field = e.path.slice(1).replace(/\//g, ".") || "params";
    const unknown = e.message === "Unexpected property";
    // A bounded whole number gets the services' own sentence (the same through every door).
    const s = e.schema as { type?: unknown; minimum?: unknown; maximum?: unknown };
    if (s.type === "integer" && typeof s.minimum === "number" && typeof s.maximum === "number")
      return { field, rule: "range", message: rangeMessage(field, s.minimum, s.maximum) };
    return { field, rule: unknown ? "unknown" : "type", message: unknown ? `unknown parameter "${field}"` : e.message };
  });
  throw new InvalidParams(issues);
}

/** The method table for a transport: HTTP leaves out the WebSocket-only methods. */
export function methodTable(extra: Record<string, MethodSpec> = {}): MethodTable<RpcContext> {
  const all = { ...methods, ...extra };
  return {
    find(name) {
      const spec = Object.hasOwn(all, name) ? all[name] : undefined;
      if (!spec) return undefined;
      return (params, ctx) => {
        checkParams(spec, params);
        return spec.run(params as never, ctx);
      };
    },
  };
}

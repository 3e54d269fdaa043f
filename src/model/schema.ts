// The canonical model format as a TypeBox schema: the single source of truth for both
// the TypeScript types and schema/model.schema.json (written by scripts/gen-schema.ts,
// kept in step by src/model/schema.test.ts). Structure only: rules that need the whole
// model (names that refer to each other) live in validate.ts.
import { type Static, type TSchema, Type } from "@sinclair/typebox";

import { MODEL_COUNT_LIMITS as MAX } from "./limits";
import { COMPONENT_TYPES, FIELD_TYPES, NAME_PATTERN } from "./vocabulary";

export { COMPONENT_TYPES, FIELD_TYPES, NAME_PATTERN };

const closed = { additionalProperties: false } as const;
const Name = Type.String({ pattern: NAME_PATTERN, maxLength: 63, description: "lower_snake_case identifier" });
const Label = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 4000 });

export const FieldSchema = Type.Object(
  {
    name: Name,
    type: Type.Union(FIELD_TYPES.map((t) => Type.Literal(t))),
    label: Type.Optional(Label),
    help: Type.Optional(Description),
    required: Type.Optional(Type.Boolean()),
    unique: Type.Optional(Type.Boolean()),
    indexed: Type.Optional(
      Type.Boolean({
        description:
          "scalar fields (text, number, integer, date, datetime, enum, boolean, email, url, reference) are indexed by default; false opts out (sorting by the field then scans; references stay indexed)",
      }),
    ),
    default: Type.Optional(Type.Unknown({ description: 'a value of the field\'s type, or "now" for date/datetime' })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    minLength: Type.Optional(Type.Integer({ minimum: 0 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 0 })),
    pattern: Type.Optional(Type.String()),
    values: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: "enum and multienum" })),
    entity: Type.Optional(Type.String({ description: "reference: the entity type referred to" })),
  },
  closed,
);

export const IndexSchema = Type.Object(
  { name: Type.Optional(Name), fields: Type.Array(Name, { minItems: 1, maxItems: 8 }), unique: Type.Optional(Type.Boolean()) },
  closed,
);

/** The built-in roles: admin (models, apps, users and all data), editor (data), viewer (reading). */
export const ROLES = ["admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];
const RoleName = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: "a role: admin, editor or viewer" },
);
const PermissionRule = Type.Union([
  RoleName,
  Type.Object(
    {
      role: RoleName,
      filter: Type.Record(Type.String(), Type.Unknown(), {
        description: 'a filter the records must match for this role ("$user" stands for the signed-in user\'s name), e.g. {"owner": "$user"}',
      }),
    },
    closed,
  ),
]);
const PermissionAction = (what: string) =>
  Type.Optional(Type.Array(PermissionRule, { maxItems: 3, description: `roles that may ${what} (admin always may); absent: the role's default` }));
export const PERMISSION_ACTIONS = ["list", "read", "create", "update", "delete"] as const;
export const PermissionsSchema = Type.Object(
  {
    list: PermissionAction("list and count records (default: as read)"),
    read: PermissionAction("read a record by id"),
    create: PermissionAction("create records"),
    update: PermissionAction("update records"),
    delete: PermissionAction("delete records"),
    hidden: Type.Optional(
      Type.Object(
        { editor: Type.Optional(Type.Array(Name)), viewer: Type.Optional(Type.Array(Name)) },
        { ...closed, description: "fields each role never sees, filters, sorts or writes" },
      ),
    ),
  },
  { ...closed, description: "who may do what with this entity type's records; without it, editors may do everything and viewers read" },
);

export const EntitySchema = Type.Object(
  {
    name: Name,
    label: Type.Optional(Label),
    description: Type.Optional(Description),
    fields: Type.Array(FieldSchema, { maxItems: MAX.fieldsPerType }),
    indexes: Type.Optional(Type.Array(IndexSchema)),
    permissions: Type.Optional(PermissionsSchema),
    display: Type.Optional(Type.String({ description: "field shown when an entity of this type is referred to" })),
  },
  closed,
);

export const RelationshipSchema = Type.Object(
  {
    name: Name,
    from: Name,
    to: Name,
    kind: Type.Union([Type.Literal("1:1"), Type.Literal("1:n"), Type.Literal("n:m")]),
    inverse: Type.Optional(Name),
    onDelete: Type.Optional(Type.Union([Type.Literal("cascade"), Type.Literal("restrict"), Type.Literal("setNull")])),
    label: Type.Optional(Label),
  },
  closed,
);

export const PositionSchema = Type.Object(
  {
    row: Type.Integer({ minimum: 0 }),
    col: Type.Integer({ minimum: 0, maximum: 11 }),
    width: Type.Integer({ minimum: 1, maximum: 12 }),
    height: Type.Integer({ minimum: 1 }),
  },
  closed,
);

export const ComponentSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    type: Type.Union(COMPONENT_TYPES.map((t) => Type.Literal(t))),
    position: PositionSchema,
    props: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  closed,
);

export const PageSchema = Type.Object(
  {
    name: Name,
    title: Type.Optional(Label),
    path: Type.Optional(Type.String({ pattern: "^/" })),
    components: Type.Array(ComponentSchema, { maxItems: MAX.componentsPerPage }),
  },
  closed,
);

export const NavigationSchema = Type.Object({ label: Label, page: Name }, closed);

export const XFlowNodeSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }), type: Type.String({ minLength: 1 }) },
  { additionalProperties: true, description: "node settings depend on its type (script: code; condition: expression; …)" },
);
export const XFlowEdgeSchema = Type.Object({ from: Type.String(), to: Type.String(), when: Type.Optional(Type.String()) }, closed);
export const XFlowSchema = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    trigger: Type.Optional(
      Type.Object(
        {
          type: Type.String({ minLength: 1, description: "manual | entity | webhook | schedule" }),
          entity: Type.Optional(Type.String()),
          event: Type.Optional(Type.String()),
          cron: Type.Optional(Type.String()),
          timezone: Type.Optional(Type.String()),
        },
        { additionalProperties: true },
      ),
    ),
    input: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "JSON Schema of the input" })),
    output: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "JSON Schema of the output" })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000, description: "whole-run time limit (default 30 s)" })),
    runAs: Type.Optional(
      Type.String({
        pattern: "^[a-z0-9][a-z0-9._@-]{0,63}$",
        description: "a user whose rights the flow's reads and writes have (a service identity); without it a flow has the rights of whoever triggered it",
      }),
    ),
    // Bounds of one flow's work per run (see xflow/types.ts for the per-trigger run budget).
    nodes: Type.Array(XFlowNodeSchema, { maxItems: MAX.nodesPerFlow }),
    edges: Type.Array(XFlowEdgeSchema, { maxItems: MAX.edgesPerFlow }),
  },
  closed,
);

/** Editor state saved with the model (the ERD's layout); the runtime ignores it. */
export const UiSchema = Type.Object(
  {
    erd: Type.Optional(
      Type.Object(
        {
          positions: Type.Optional(
            Type.Record(Type.String({ pattern: NAME_PATTERN }), Type.Object({ x: Type.Number(), y: Type.Number() }, closed), {
              additionalProperties: false,
              description: "entity type name → its node's top-left corner in the diagram",
            }),
          ),
        },
        closed,
      ),
    ),
  },
  { ...closed, description: "editor layout (ERD node positions); not used by apps" },
);

export const ModelSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Description),
    version: Type.Optional(Type.Integer({ minimum: 1, description: "set by Torque on every save" })),
    entities: Type.Array(EntitySchema, { maxItems: MAX.entityTypes }),
    relationships: Type.Optional(Type.Array(RelationshipSchema)),
    pages: Type.Optional(Type.Array(PageSchema)),
    startPage: Type.Optional(Name),
    navigation: Type.Optional(Type.Array(NavigationSchema)),
    xflows: Type.Optional(Type.Array(XFlowSchema)),
    ui: Type.Optional(UiSchema),
    settings: Type.Optional(
      Type.Object(
        {
          fetchAllowList: Type.Optional(Type.Array(Type.String(), { description: "hosts that workflow scripts may fetch" })),
          fetchAllowPrivate: Type.Optional(
            Type.Array(Type.String(), {
              description: "hosts of fetchAllowList that may resolve to loopback, private or link-local addresses (exact names or addresses, no wildcards)",
            }),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);

export type Field = Static<typeof FieldSchema>;
export type FieldType = (typeof FIELD_TYPES)[number];
export type EntityType = Static<typeof EntitySchema>;
export type Relationship = Static<typeof RelationshipSchema>;
export type Page = Static<typeof PageSchema>;
export type Component = Static<typeof ComponentSchema>;
export type ComponentType = (typeof COMPONENT_TYPES)[number];
export type XFlow = Static<typeof XFlowSchema>;
export type Model = Static<typeof ModelSchema>;
export type ModelUi = Static<typeof UiSchema>;

/** The JSON Schema document published at schema/model.schema.json. */
export function modelJsonSchema(): Record<string, unknown> {
  const strip = (s: TSchema): unknown => JSON.parse(JSON.stringify(s));
  const root = strip(ModelSchema) as Record<string, unknown>;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://torque.dev/schema/model.schema.json",
    title: "Torque application model",
    ...root,
  };
}

// The shapes the runtime receives over JSON-RPC (SPEC section 4). Written out here, or
// imported from the server as types only, so the browser bundle holds no server code.

// Field types and the field and column definitions are the server's own types (type-only:
// nothing of the server is bundled), so the two cannot drift apart; the definitions less
// the JSON Schema of a value, which the runtime never reads.
import type { FieldType } from "../../../src/model/schema";
import type { FieldSummary, ColumnDefinition as ServerColumn } from "../../../src/services/ui";

export type { FieldType };
/**
 * A field's definition as the runtime reads it: the server's, less the JSON Schema of its
 * value, which getModelMetadata leaves out (it is most of the answer's size on a large model)
 * and nothing here reads.
 */
export type FieldDefinition = FieldSummary;
export type ColumnDefinition = Omit<ServerColumn, "schema">;

export interface EntityRecord {
  id: string;
  entity: string;
  data: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Filled by `include`: referenced records (one) or related records (many) by name. */
  related?: Record<string, EntityRecord | EntityRecord[] | null>;
}

export interface Pagination {
  nextCursor: string | null;
  limit: number;
  total?: number;
  /** false: `total` is an estimate. */
  totalExact?: boolean;
}

export interface PageResult {
  data: EntityRecord[];
  pagination: Pagination;
  columns?: ColumnDefinition[];
}

export interface Position {
  row: number;
  col: number;
  width: number;
  height: number;
}

/** A component of a page as loadPage returns it: props from the model, resolved against it. */
export interface ResolvedComponent {
  id: string;
  type: string;
  position?: Position;
  props: Record<string, unknown>;
  entity?: { name: string; label: string; display: string | null };
  columns?: ColumnDefinition[];
  fields?: ColumnDefinition[];
}

export interface NavItem {
  label: string;
  page: string;
}

export interface LoadedPage {
  app: string;
  version: number;
  page: { name: string; title: string; path: string; components: ResolvedComponent[] };
  navigation: NavItem[];
  startPage: string | null;
}

/** What may be done with an entity type's records. */
export type EntityOp = "list" | "read" | "create" | "update" | "delete";

export interface EntityMeta {
  name: string;
  label: string;
  description?: string;
  display: string | null;
  /** Without the fields hidden from the signed-in user's role. */
  fields: FieldDefinition[];
  /** What the signed-in user may do with the type's records (absent: everything, as in the gallery). */
  access?: Record<EntityOp, boolean>;
}

export interface Relationship {
  name: string;
  from: string;
  to: string;
  kind: "1:1" | "1:n" | "n:m";
  inverse?: string;
  onDelete?: "cascade" | "restrict" | "setNull";
}

export interface ModelMetadata {
  app: string;
  model: { id: string; name: string; version: number; description?: string };
  entities: EntityMeta[];
  relationships: Relationship[];
  pages: { name: string; title: string; path: string }[];
  navigation: NavItem[];
  startPage: string | null;
  xflows: { name: string; trigger: string; description?: string }[];
}

export type SortKey = { field: string; dir?: "asc" | "desc" };
export type Filter = Record<string, unknown>;

export interface QueryParams {
  filter?: Filter;
  sort?: SortKey[];
  limit?: number;
  cursor?: string | null;
  /** Skip this many rows after the cursor (or the start): a jump into a long list. */
  offset?: number;
  fields?: string[];
  include?: string[];
  total?: boolean;
}

export type AggregateOp = "count" | "sum" | "avg" | "min" | "max";
export interface AggregateParams {
  filter?: Filter;
  groupBy?: string | { field: string; bucket?: "day" | "week" | "month" };
  aggregates: ({ op: "count" } | { op: Exclude<AggregateOp, "count">; field: string })[];
}
export interface AggregateResult {
  groups: { key?: unknown; values: (number | null)[] }[];
  limited: boolean;
}

/** One problem the server found with a value (validation errors carry a list of them). */
export interface Issue {
  field: string;
  rule: string;
  message: string;
  row?: number;
}

export interface XFlowRunSummary {
  runId: string;
  status: string;
  output?: unknown;
  error?: { message: string; node?: string } | string;
  durationMs?: number;
}

/** A change pushed over /ws. */
export interface EntityChange {
  app: string;
  entity: string;
  id: string;
  op: "create" | "update" | "delete";
  version: number;
  data?: Record<string, unknown>;
}

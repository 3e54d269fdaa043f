// The one contract every runtime component shares: it receives its resolved definition
// from the model (`c`: props, entity, columns or fields) and the page context (`ctx`: a
// data source and the events a component may raise). A component renders only from
// these, so the same component runs in an app, in the gallery against fixtures, and in
// the editor's preview.
import type { Accessor, JSX } from "solid-js";
import type { SessionUser } from "../../auth/session";
import type { DataSource } from "../lib/source";
import type { EntityMeta, EntityOp, ModelMetadata, Position, ResolvedComponent } from "../lib/types";

/** The record a page has open (in the URL: ?record=<entity>/<id>). */
export interface OpenRecord {
  entity: string;
  id: string;
}

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  /** A destructive action: the confirm button is styled as such. */
  danger?: boolean;
}

export interface FormRequest {
  entity: string;
  /** Edit this record; absent: create one. */
  id?: string;
  /** Values a new record starts with (over the model's defaults). */
  initial?: Record<string, unknown>;
  title?: string;
}

export interface ComponentContext {
  /** The app's slug ("" in the gallery). */
  slug: string;
  source: DataSource;
  /** The model's metadata: entity types with their fields, relationships, pages. */
  meta: Accessor<ModelMetadata | undefined>;
  entityMeta(name: string): EntityMeta | undefined;
  /** The record the page has open, if any. */
  record: Accessor<OpenRecord | undefined>;
  /** Open a record (sets the URL; a DetailView or Form on the page shows it, or a form opens). null closes it. */
  openRecord(r: OpenRecord | null): void;
  /** Go to another page of the app (by page name), optionally with a record open. */
  navigate(page: string, record?: OpenRecord): void;
  /** Open a Modal component of this page by its id. */
  openModal(id: string): void;
  /** Close the Modal or form dialog this component is inside, if any; a Form passes the record it saved. */
  closeModal(result?: unknown): void;
  /** A form for one record (create or edit) in a dialog; resolves with the saved record, or null when cancelled. */
  openForm(req: FormRequest): Promise<unknown>;
  /** Ask before a destructive action; resolves true when confirmed. */
  confirm(opts: ConfirmOptions): Promise<boolean>;
  /** A short message at the bottom of the screen. */
  notify(message: string, kind?: "info" | "error"): void;
  /** Render another component of the page by id (for Container and Modal children). */
  renderChild(id: string): JSX.Element;
  /** Where the model places a component of the page (a row Container sizes its children by their widths). */
  childPosition?(id: string): Position | undefined;
  /** The signed-in user (undefined: nobody needs to sign in, as on a local server without users, or in the gallery). */
  user?: Accessor<SessionUser | undefined>;
  /** Whether a Modal of the page offers the user anything (false: every Form in it is one the user may not submit). */
  modalUsable?(id: string): boolean;
}

/**
 * Whether the user may do `op` with the entity type's records (getModelMetadata's `access`):
 * components leave out what the server would refuse; the server decides regardless.
 * Unknown (no `access`, an unknown type) allows.
 */
export const may = (ctx: Pick<ComponentContext, "entityMeta">, entity: string | undefined, op: EntityOp): boolean =>
  entity === undefined || ctx.entityMeta(entity)?.access?.[op] !== false;

/** A Form's mode as the Form reads it: `mode`, else edit when it names a record. */
export const formMode = (c: ResolvedComponent): "create" | "edit" => {
  const m = c.props.mode;
  return m === "edit" || m === "create" ? m : typeof c.props.recordId === "string" && c.props.recordId ? "edit" : "create";
};

/** Whether the user may submit a Form: creating takes `create`, editing `update`. */
export const formAllowed = (c: ResolvedComponent, ctx: Pick<ComponentContext, "entityMeta">): boolean =>
  may(ctx, c.entity?.name ?? (typeof c.props.entity === "string" ? c.props.entity : undefined), formMode(c) === "edit" ? "update" : "create");

/** Running workflows takes the editor role (services/xflow): a viewer is not offered it. */
export const mayRunFlows = (ctx: Pick<ComponentContext, "user">): boolean => ctx.user?.()?.role !== "viewer";

/**
 * `c` is a Solid store reconciled by component id: read it inside JSX, memos or effects
 * (never copy it into local state at mount) so a model change updates the component in
 * place without losing what the user typed.
 */
export interface ComponentProps {
  c: ResolvedComponent;
  ctx: ComponentContext;
}

/** Prop readers that tolerate what a hand-written model may hold. */
export const prop = {
  string: (c: ResolvedComponent, key: string): string | undefined => (typeof c.props[key] === "string" ? (c.props[key] as string) : undefined),
  number: (c: ResolvedComponent, key: string): number | undefined =>
    typeof c.props[key] === "number" && Number.isFinite(c.props[key]) ? (c.props[key] as number) : undefined,
  object: (c: ResolvedComponent, key: string): Record<string, unknown> | undefined => {
    const v = c.props[key];
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  },
  list: (c: ResolvedComponent, key: string): unknown[] => (Array.isArray(c.props[key]) ? (c.props[key] as unknown[]) : []),
};

// A Button's action: read from its props, checked (an unknown type or a missing name is
// a readable error), and run through the page context and the data source.

import type { XFlowRunSummary } from "../../lib/types";
import { messageOf } from "../../ui/Status";
import { type ComponentContext, type ConfirmOptions, may, mayRunFlows, type OpenRecord } from "../contract";
import { t } from "./messages";

export type Action =
  | { type: "openForm"; entity: string; id?: string }
  | { type: "openModal"; modal: string }
  | { type: "navigate"; page: string; record?: "current" }
  | { type: "create"; entity: string; data: Record<string, unknown> }
  | { type: "update"; entity: string; data: Record<string, unknown>; id?: string }
  | { type: "delete"; entity: string; id?: string }
  | { type: "runXFlow"; xflow: string; input?: unknown };

/** What each action type must name, and whether it is a string or an object. */
const REQUIRED: Record<Action["type"], Record<string, "string" | "object">> = {
  openForm: { entity: "string" },
  openModal: { modal: "string" },
  navigate: { page: "string" },
  create: { entity: "string", data: "object" },
  update: { entity: "string", data: "object" },
  delete: { entity: "string" },
  runXFlow: { xflow: "string" },
};

export function parseAction(a: Record<string, unknown> | undefined): Action | { error: string } {
  if (!a) return { error: t("noAction") };
  const type = String(a.type);
  if (!Object.hasOwn(REQUIRED, type)) return { error: t("unknownAction", { type }) };
  for (const [key, kind] of Object.entries(REQUIRED[type as Action["type"]])) {
    const v = a[key];
    const fits = kind === "string" ? typeof v === "string" && v !== "" : !!v && typeof v === "object" && !Array.isArray(v);
    if (!fits) return { error: t("incomplete", { type, missing: key }) };
  }
  return a as Action;
}

/** The record an update or delete works on: its own id, else the page's open record of that type. */
export function targetOf(a: Action, open: OpenRecord | undefined): string | undefined {
  if (a.type !== "update" && a.type !== "delete") return undefined;
  if (typeof a.id === "string" && a.id) return a.id;
  return open && open.entity === a.entity ? open.id : undefined;
}

/**
 * Whether the signed-in user may do what the action does (the entity type's `access`, the
 * role for workflows, what a modal holds): a button the server would refuse is not shown.
 */
export function actionAllowed(a: Action, ctx: ComponentContext): boolean {
  switch (a.type) {
    case "openForm":
      return may(ctx, a.entity, a.id ? "update" : "create");
    case "create":
    case "update":
    case "delete":
      return may(ctx, a.entity, a.type);
    case "runXFlow":
      return mayRunFlows(ctx);
    case "openModal":
      return ctx.modalUsable?.(a.modal) ?? true;
    case "navigate":
      return true;
  }
}

export const needsRecord = (a: Action) => (a.type === "update" || a.type === "delete") && !(typeof a.id === "string" && a.id);

export type XFlowOutcome = { xflow: string; ok: true; output: unknown; durationMs?: number } | { xflow: string; ok: false; message: string; node?: string };

function outcome(xflow: string, r: XFlowRunSummary): XFlowOutcome {
  // The server says "succeeded"; "completed" is accepted too (the gallery's fixtures).
  if (r.status === "succeeded" || r.status === "completed") return { xflow, ok: true, output: r.output, durationMs: r.durationMs };
  const e = r.error;
  if (e && typeof e === "object") return { xflow, ok: false, message: e.message, node: e.node };
  return { xflow, ok: false, message: typeof e === "string" && e ? e : r.status };
}

/** The question before a delete. */
export function deleteQuestion(entity: string, ctx: ComponentContext): ConfirmOptions {
  return {
    title: t("deleteTitle", { entity: ctx.entityMeta(entity)?.label ?? entity }),
    message: t("deleteMessage"),
    confirmLabel: t("deleteConfirm"),
    danger: true,
  };
}

/** Run an action (asked about already). Resolves with a workflow's outcome, to be shown; failed writes are told through ctx.notify. */
export async function runAction(a: Action, ctx: ComponentContext): Promise<XFlowOutcome | undefined> {
  const entityLabel = (name: string) => ctx.entityMeta(name)?.label ?? name;
  switch (a.type) {
    case "openForm":
      await ctx.openForm({ entity: a.entity, ...(a.id && { id: a.id }) });
      return;
    case "openModal":
      ctx.openModal(a.modal);
      return;
    case "navigate":
      ctx.navigate(a.page, a.record === "current" ? ctx.record() : undefined);
      return;
    case "runXFlow": {
      const open = ctx.record();
      const input = a.input ?? (open ? { [open.entity]: open.id } : {});
      try {
        return outcome(a.xflow, await ctx.source.executeXFlow(a.xflow, input));
      } catch (e) {
        return { xflow: a.xflow, ok: false, message: messageOf(e) };
      }
    }
  }
  const id = targetOf(a, ctx.record());
  try {
    if (a.type === "create") {
      await ctx.source.create(a.entity, a.data);
      ctx.notify(t("created", { entity: entityLabel(a.entity) }));
    } else if (a.type === "update" && id) {
      await ctx.source.update(a.entity, id, a.data);
      ctx.notify(t("updated", { entity: entityLabel(a.entity) }));
    } else if (a.type === "delete" && id) {
      await ctx.source.delete(a.entity, id);
      const open = ctx.record();
      if (open && open.entity === a.entity && open.id === id) ctx.openRecord(null);
      ctx.notify(t("deleted", { entity: entityLabel(a.entity) }));
    }
  } catch (e) {
    ctx.notify(messageOf(e), "error");
  }
}

// A form for one record in a dialog (openForm, or a record opened from the URL): the
// registry's Form component, given a definition made from the entity type's metadata.
import { createMemo, Show } from "solid-js";
import { type ComponentContext, type FormRequest, may } from "../components/contract";
import type { ResolvedComponent } from "../lib/types";
import { Dialog } from "../ui/dialogs";
import { t } from "../ui/messages";
import { ComponentSlot } from "./PageView";

export function FormDialog(props: {
  req: FormRequest;
  ctx: Omit<ComponentContext, "renderChild" | "openModal" | "closeModal">;
  onDone: (saved: unknown) => void;
}) {
  const ent = () => props.ctx.entityMeta(props.req.entity);
  const def = createMemo<ResolvedComponent | undefined>(() => {
    const e = ent();
    if (!e) return undefined;
    return {
      id: `form-${e.name}`,
      type: "Form",
      props: {
        entity: e.name,
        mode: props.req.id ? "edit" : "create",
        ...(props.req.id && { recordId: props.req.id }),
        ...(props.req.initial && { initial: props.req.initial }),
      },
      entity: { name: e.name, label: e.label, display: e.display },
      fields: e.fields.map((f) => ({ ...f, field: f.name })),
    };
  });
  const ctx: ComponentContext = {
    ...props.ctx,
    openModal: () => {},
    closeModal: (saved) => props.onDone(saved ?? null),
    renderChild: () => null,
  };
  // A record the user may only look at is titled by its type alone, not "Edit …".
  const title = () =>
    props.req.title ??
    t(props.req.id ? (may(props.ctx, props.req.entity, "update") ? "editRecord" : "recordTitle") : "newRecord", { entity: ent()?.label ?? props.req.entity });
  return (
    <Dialog title={title()} onClose={() => props.onDone(null)} wide>
      <Show when={def()}>{(d) => <ComponentSlot c={d()} ctx={ctx} />}</Show>
    </Dialog>
  );
}

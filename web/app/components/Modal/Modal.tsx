// A dialog of the page holding other components (a Form, a Text, …). The page renders
// it only while open (a Button's openModal); Escape, × and a click on the backdrop
// close it, as does a Form inside it once it saved (ctx.closeModal). The shared Dialog
// keeps focus inside and gives it back to what opened it.
import { For, Show } from "solid-js";
import { Dialog } from "../../ui/dialogs";
import { type ComponentProps, prop } from "../contract";
import { t } from "./messages";
import "./Modal.css";

export default function Modal(props: ComponentProps) {
  const children = () => prop.list(props.c, "children").filter((id): id is string => typeof id === "string" && id !== props.c.id);
  const size = () => prop.string(props.c, "size") ?? "medium";
  return (
    <Dialog title={prop.string(props.c, "title") ?? t("untitled")} wide={size() === "large"} onClose={() => props.ctx.closeModal()}>
      <div class="modal-body" classList={{ "modal-small": size() === "small" }}>
        <Show when={children().length} fallback={<p class="modal-empty">{t("noChildren")}</p>}>
          <For each={children()}>{(id) => <div class="modal-child">{props.ctx.renderChild(id)}</div>}</For>
        </Show>
      </div>
    </Dialog>
  );
}

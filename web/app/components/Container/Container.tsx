// Groups components of the page: side by side ("row": each child's share of the width is
// its model width, so a 8-wide grid beside a 4-wide detail keeps 2:1) or stacked
// ("column"). Rows wrap when a child would get too narrow and stack on small screens.
// Children are rendered by the page (ctx.renderChild), each in its own error boundary.
import { createUniqueId, For, Show } from "solid-js";
import { type ComponentProps, prop } from "../contract";
import { t } from "./messages";
import "./Container.css";

export default function Container(props: ComponentProps) {
  const titleId = createUniqueId();
  const children = () => prop.list(props.c, "children").filter((id): id is string => typeof id === "string" && id !== props.c.id);
  const row = () => prop.string(props.c, "direction") !== "column";
  const share = (id: string) => Math.min(12, Math.max(1, props.ctx.childPosition?.(id)?.width ?? 1));
  const title = () => prop.string(props.c, "title");

  return (
    <section class="container" classList={{ "container-titled": !!title() }} aria-labelledby={title() ? titleId : undefined}>
      <Show when={title()}>
        <h2 id={titleId} class="container-title">
          {title()}
        </h2>
      </Show>
      <Show when={children().length} fallback={<p class="container-empty">{t("noChildren")}</p>}>
        <div class="container-body" classList={{ "container-row": row(), "container-column": !row() }}>
          <For each={children()}>
            {(id) => (
              <div class="container-child" data-component={id} style={{ "--share": String(share(id)) }}>
                {props.ctx.renderChild(id)}
              </div>
            )}
          </For>
        </div>
      </Show>
    </section>
  );
}

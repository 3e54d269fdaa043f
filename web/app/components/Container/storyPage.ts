// Gallery helpers for components that hold others: a context whose renderChild renders
// the given components (each in its boundary, like the page does), and a whole page
// (PageView) for stories that need the page's Modal handling (a Button opening a Modal).
import { createComponent } from "solid-js";
import { type FixtureOptions, fixtureContext, fixtureSource } from "../../gallery/fixtures";
import type { ResolvedComponent } from "../../lib/types";
import { ComponentSlot, PageView } from "../../shell/PageView";
import { t as ui } from "../../ui/messages";
import { ErrorBox } from "../../ui/Status";
import type { ComponentContext } from "../contract";

/** Context overrides that render `children` by id and report their model positions. */
export function childrenContext(children: ResolvedComponent[], fixture?: FixtureOptions, extra: Partial<ComponentContext> = {}): Partial<ComponentContext> {
  const byId = new Map(children.map((c) => [c.id, c]));
  const ctx: ComponentContext = fixtureContext(fixtureSource(fixture), {
    ...extra,
    renderChild: (id) => {
      const c = byId.get(id);
      return c ? createComponent(ComponentSlot, { c, ctx }) : createComponent(ErrorBox, { message: ui("unknownType", { type: id }) });
    },
    childPosition: (id) => byId.get(id)?.position,
  });
  return { renderChild: ctx.renderChild, childPosition: ctx.childPosition, ...extra };
}

/** A story showing a small page of components, with the page's own Modal and Container handling. */
export function pageStory(components: ResolvedComponent[], fixture?: FixtureOptions, extra: Partial<ComponentContext> = {}): Partial<ComponentContext> {
  const base = fixtureContext(fixtureSource(fixture), extra);
  return { renderChild: () => createComponent(PageView, { components, ctx: base }) };
}

/** A component placed on the page grid. */
export function placed(c: ResolvedComponent, row: number, col: number, width: number, height = 1): ResolvedComponent {
  return { ...c, position: { row, col, width, height } };
}

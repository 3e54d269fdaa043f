// One page: its components placed on the 12-column grid by `position`, each in its own
// error boundary (a broken component shows a contained error; the rest of the page
// works). Components named as children of a Container or Modal render inside it, not on
// the grid; Modals render only while open. The page arrives as a Solid store reconciled
// by component id, so a model change updates components in place and a half-filled form
// keeps what the user typed.
import { createMemo, createSignal, ErrorBoundary, For, type JSX, onMount, Show, Suspense } from "solid-js";
import { Dynamic } from "solid-js/web";
import { type ComponentContext, type ComponentProps, formAllowed } from "../components/contract";
import { componentFor, preload } from "../components/registry";
import type { ResolvedComponent } from "../lib/types";
import { preloadDialogs } from "../ui/dialogs";
import { t } from "../ui/messages";
import { ErrorBox, messageOf, Skeleton } from "../ui/Status";

/** One component with its boundary: an unknown type or a thrown error stays inside the box. */
export function ComponentSlot(props: ComponentProps) {
  const impl = createMemo(() => componentFor(props.c.type));
  return (
    <ErrorBoundary fallback={(err, reset) => <ErrorBox message={messageOf(err)} onRetry={reset} />}>
      <Show when={impl()} fallback={<ErrorBox message={t("unknownType", { type: String(props.c.type) })} />}>
        <Suspense fallback={<Skeleton />}>
          <Dynamic component={impl()} c={props.c} ctx={props.ctx} />
        </Suspense>
      </Show>
    </ErrorBoundary>
  );
}

export function PageView(props: { components: ResolvedComponent[]; ctx: Omit<ComponentContext, "renderChild" | "openModal" | "closeModal"> }) {
  const [open, setOpen] = createSignal<string[]>([]);
  const byId = createMemo(() => new Map(props.components.map((c) => [c.id, c])));
  /**
   * Ids shown inside a Container or Modal rather than on the grid: those reached from the
   * components nobody lists. A cycle nobody reaches (A lists B, B lists A) would vanish
   * whole, so its first member goes on the grid and the rest inside it.
   */
  const nested = createMemo(() => {
    const kids = new Map<string, string[]>();
    for (const c of props.components)
      if ((c.type === "Container" || c.type === "Modal") && Array.isArray(c.props.children))
        kids.set(
          c.id,
          c.props.children.filter((id): id is string => typeof id === "string" && id !== c.id),
        );
    const listed = new Set([...kids.values()].flat());
    const s = new Set<string>();
    const seen = new Set<string>();
    const visit = (id: string) => {
      for (const k of kids.get(id) ?? [])
        if (!seen.has(k)) {
          seen.add(k);
          s.add(k);
          visit(k);
        }
    };
    const roots = props.components.filter((c) => !listed.has(c.id));
    for (const c of roots) seen.add(c.id);
    for (const c of roots) visit(c.id);
    for (const c of props.components)
      if (!seen.has(c.id)) {
        seen.add(c.id);
        visit(c.id);
      }
    return s;
  });
  const onGrid = createMemo(() => props.components.filter((c) => c.type !== "Modal" && !nested().has(c.id)));
  const modals = createMemo(() => props.components.filter((c) => c.type === "Modal" && open().includes(c.id)));

  // A child is not rendered inside itself (a Container listing an ancestor), and nesting is
  // followed at most this deep, so a cycle cannot recurse forever.
  const MAX_DEPTH = 8;
  /** A Modal holding Forms none of which the user may submit offers nothing (a viewer's "New task" dialog). */
  const modalUsable = (id: string): boolean => {
    const forms: ResolvedComponent[] = [];
    const seen = new Set<string>();
    const visit = (cid: string, depth: number) => {
      const c = byId().get(cid);
      if (!c || seen.has(cid) || depth > MAX_DEPTH) return;
      seen.add(cid);
      if (c.type === "Form") forms.push(c);
      if (Array.isArray(c.props.children)) for (const k of c.props.children) if (typeof k === "string") visit(k, depth + 1);
    };
    visit(id, 0);
    return !forms.length || forms.some((f) => formAllowed(f, props.ctx));
  };
  const contextFor = (modal: string | undefined, path: string[]): ComponentContext => ({
    ...props.ctx,
    openModal: (id) => byId().get(id)?.type === "Modal" && setOpen((o) => (o.includes(id) ? o : [...o, id])),
    closeModal: () => modal !== undefined && setOpen((o) => o.filter((x) => x !== modal)),
    childPosition: (id) => byId().get(id)?.position,
    modalUsable,
    renderChild: (id): JSX.Element => {
      const c = byId().get(id);
      if (!c) return <ErrorBox message={t("noChild", { id })} />;
      if (path.includes(id) || path.length >= MAX_DEPTH) return <ErrorBox message={t("childCycle", { id })} />;
      return <ComponentSlot c={c} ctx={contextFor(c.type === "Modal" ? c.id : modal, [...path, id])} />;
    },
  });

  // Once the page is painted, fetch the chunks its components (in modals too) may need, and
  // the Form's: grids, records and buttons open forms.
  onMount(() =>
    requestAnimationFrame(() =>
      setTimeout(() => {
        preload([...props.components.map((c) => c.type), "Form"]);
        preloadDialogs();
      }, 0),
    ),
  );

  return (
    <>
      <div class="page-grid">
        <For each={onGrid()}>
          {(c) => (
            <div
              class="slot"
              data-component={c.id}
              data-type={c.type}
              style={{
                "--col": String((c.position?.col ?? 0) + 1),
                "--w": String(Math.min(12, Math.max(1, c.position?.width ?? 12))),
                "--row": String((c.position?.row ?? 0) + 1),
                "--h": String(Math.max(1, c.position?.height ?? 1)),
                // Stacked on a narrow screen, slots read top to bottom, left to right.
                "--order": String((c.position?.row ?? 0) * 12 + (c.position?.col ?? 0)),
              }}
            >
              <ComponentSlot c={c} ctx={contextFor(undefined, [c.id])} />
            </div>
          )}
        </For>
      </div>
      <For each={modals()}>{(c) => <ComponentSlot c={c} ctx={contextFor(c.id, [c.id])} />}</For>
    </>
  );
}

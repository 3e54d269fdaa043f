// A button that does one thing from the model: open a form or a modal, go to a page,
// create/update/delete a record, or run a workflow and show what it returned. An
// optional `confirm` question comes first; a delete always asks. While it runs the
// button is busy (aria-busy and aria-disabled: it keeps focus, which returns to it after
// a dialog, and ignores clicks); when its action needs an open record and the page
// has none it is disabled and says why. A bad action is a contained error naming it. An
// action the signed-in user may not do (a viewer's "New task") is not shown at all.
import { createMemo, createSignal, lazy, Show, Suspense } from "solid-js";
import { ErrorBox } from "../../ui/Status";
import { type ComponentProps, prop } from "../contract";
import { type Action, actionAllowed, deleteQuestion, needsRecord, parseAction, runAction, targetOf, type XFlowOutcome } from "./actions";
import { t } from "./messages";
import "./Button.css";

/** A workflow's result dialog, loaded when a run has one to show. */
const XFlowResult = lazy(() => import("./XFlowResult").then((m) => ({ default: m.XFlowResult })));

export default function Button(props: ComponentProps) {
  const action = createMemo(() => parseAction(prop.object(props.c, "action")));
  const label = () => prop.string(props.c, "label") ?? "";
  const [busy, setBusy] = createSignal(false);
  const [result, setResult] = createSignal<XFlowOutcome>();

  const variant = (a: Action) => prop.string(props.c, "variant") ?? (a.type === "delete" ? "danger" : a.type === "navigate" ? "secondary" : "primary");
  /** Why the button cannot be used now, if it cannot. */
  const blocked = (a: Action) =>
    needsRecord(a) && !targetOf(a, props.ctx.record())
      ? t("needsRecord", { entity: props.ctx.entityMeta((a as { entity: string }).entity)?.label ?? "" })
      : undefined;

  /** The question asked before the action: the model's own, else a delete's. */
  const question = (a: Action) => {
    const own = prop.string(props.c, "confirm");
    if (own) return { title: label(), message: own, confirmLabel: label(), danger: variant(a) === "danger" };
    return a.type === "delete" ? deleteQuestion(a.entity, props.ctx) : undefined;
  };

  const click = async (a: Action) => {
    if (busy()) return;
    const q = question(a);
    if (q && !(await props.ctx.confirm(q))) return;
    // Opening a form or modal, or going to a page, is instant: no busy state, so the button
    // keeps focus and gets it back when the dialog closes.
    if (a.type === "openForm" || a.type === "openModal" || a.type === "navigate") return void runAction(a, props.ctx);
    setBusy(true);
    try {
      const r = await runAction(a, props.ctx);
      if (r) setResult(r);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show when={!("error" in action()) && (action() as Action)} fallback={<ErrorBox message={(action() as { error: string }).error} />}>
      {(a) => (
        <Show when={actionAllowed(a(), props.ctx)}>
          <button
            type="button"
            class={`button tq-button ${variant(a())}`}
            disabled={!!blocked(a())}
            aria-disabled={busy()}
            aria-busy={busy()}
            title={blocked(a())}
            onClick={() => void click(a())}
          >
            <Show when={busy()}>
              <span class="tq-button-spinner" aria-hidden="true" />
            </Show>
            <span>{label()}</span>
            <Show when={busy()}>
              <span class="visually-hidden">{t("working")}</span>
            </Show>
          </button>
          <Show when={result()} keyed>
            {(r) => (
              <Suspense>
                <XFlowResult result={r} onClose={() => setResult(undefined)} />
              </Suspense>
            )}
          </Show>
        </Show>
      )}
    </Show>
  );
}

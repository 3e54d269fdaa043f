// What a workflow run by a Button came to: its output as JSON text, or its error with the
// step that failed (role="alert"), in a small dialog that gives focus back to the button.
import { Show } from "solid-js";
import { fmt } from "../../lib/i18n";
import { Dialog } from "../../ui/dialogs";
import type { XFlowOutcome } from "./actions";
import { t } from "./messages";

/** Output beyond this many characters is cut: the run's record has it all. */
const MAX_OUTPUT = 20_000;

function json(v: unknown): string {
  const s = JSON.stringify(v, null, 2) ?? String(v);
  return s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}\n…` : s;
}

export function XFlowResult(props: { result: XFlowOutcome; onClose: () => void }) {
  const r = props.result;
  return (
    <Dialog
      title={r.ok ? t("xflowDone", { xflow: r.xflow }) : t("xflowFailed", { xflow: r.xflow })}
      role={r.ok ? "dialog" : "alertdialog"}
      onClose={props.onClose}
      footer={
        <button type="button" class="button primary" onClick={props.onClose} autofocus>
          {t("close")}
        </button>
      }
    >
      <Show
        when={r.ok ? r : undefined}
        fallback={
          <div class="error-box button-xflow-error" role="alert">
            <strong>{r.ok ? "" : r.message}</strong>
            <Show when={!r.ok && r.node}>{(node) => <p>{t("failedAt", { node: node() })}</p>}</Show>
          </div>
        }
      >
        {(ok) => (
          <div class="button-xflow">
            <Show when={ok().durationMs !== undefined}>
              <p class="button-xflow-meta">{t("took", { ms: fmt.number(Math.round(ok().durationMs ?? 0)) })}</p>
            </Show>
            <Show when={ok().output !== undefined && ok().output !== null} fallback={<p>{t("noOutput")}</p>}>
              <section aria-label={t("output")}>
                <pre class="button-xflow-output" tabindex="0">
                  {json(ok().output)}
                </pre>
              </section>
            </Show>
          </div>
        )}
      </Show>
    </Dialog>
  );
}

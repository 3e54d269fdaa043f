// A modal dialog: role="dialog" with aria-modal and a label, focus moved inside on open,
// Tab kept inside (focus trap), Escape closes, and focus returned to what had it before.
// Rendered in a portal so it sits above the page's grid.
import { createUniqueId, type JSX, onCleanup, onMount, Show } from "solid-js";
import { Portal } from "solid-js/web";
import { t } from "./messages";

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: JSX.Element;
  footer?: JSX.Element;
  wide?: boolean;
  role?: "dialog" | "alertdialog";
}) {
  let panel!: HTMLDivElement;
  const titleId = createUniqueId();
  const before = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      props.onClose();
    } else if (e.key === "Tab") {
      const items = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
      if (!items.length) return e.preventDefault();
      const first = items[0]!;
      const last = items.at(-1)!;
      if (e.shiftKey && (document.activeElement === first || !panel.contains(document.activeElement))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  onMount(() => {
    const target = panel.querySelector<HTMLElement>("[autofocus]") ?? panel.querySelector<HTMLElement>(FOCUSABLE) ?? panel;
    target.focus();
  });
  onCleanup(() => before?.isConnected && before.focus());
  return (
    <Portal>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it; keyboard users have Escape and the close button */}
      <div class="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
        {/* biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useAriaPropsSupportedByRole: the role is dialog or alertdialog (a prop), which Biome cannot see */}
        <div
          ref={panel}
          class="dialog"
          classList={{ wide: props.wide }}
          role={props.role ?? "dialog"}
          aria-modal="true"
          aria-labelledby={titleId}
          tabindex="-1"
          onKeyDown={onKey}
        >
          <header class="dialog-head">
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" class="icon-button" aria-label={t("close")} onClick={() => props.onClose()}>
              ×
            </button>
          </header>
          <div class="dialog-body">{props.children}</div>
          <Show when={props.footer}>
            <footer class="dialog-foot">{props.footer}</footer>
          </Show>
        </div>
      </div>
    </Portal>
  );
}

/** A yes/no question before a destructive action. */
export function ConfirmDialog(props: { title: string; message: string; confirmLabel: string; danger?: boolean; onAnswer: (yes: boolean) => void }) {
  return (
    <Dialog
      title={props.title}
      role="alertdialog"
      onClose={() => props.onAnswer(false)}
      footer={
        <>
          <button type="button" class="button" onClick={() => props.onAnswer(false)}>
            {t("cancel")}
          </button>
          <button type="button" class="button primary" classList={{ danger: props.danger }} onClick={() => props.onAnswer(true)} autofocus>
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <p>{props.message}</p>
    </Dialog>
  );
}

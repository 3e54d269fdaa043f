// Loading, error and empty states shared by every component: a skeleton while data
// loads, a contained error (role="alert") with a retry, so one failing component never
// takes the page down.
import { For, type JSX, Show } from "solid-js";
import { BAD_REPLY, RpcError, SIGNED_OUT } from "../lib/rpc";
import { t } from "./messages";

export function Skeleton(props: { lines?: number; label?: string }) {
  return (
    <div class="skeleton" role="status" aria-live="polite" aria-label={props.label ?? t("loading")}>
      <For each={Array.from({ length: props.lines ?? 3 })}>{() => <div class="skeleton-line" />}</For>
    </div>
  );
}

export function ErrorBox(props: { title?: string; message: string; onRetry?: () => void; children?: JSX.Element }) {
  return (
    <div class="error-box" role="alert">
      <strong>{props.title ?? t("componentFailed")}</strong>
      <p>{props.message}</p>
      {props.children}
      <Show when={props.onRetry}>
        <button type="button" class="button" onClick={() => props.onRetry?.()}>
          {t("retry")}
        </button>
      </Show>
    </div>
  );
}

/** The readable message of anything thrown (an RpcError's message is the server's sentence). */
export function messageOf(e: unknown): string {
  if (e instanceof RpcError && e.code === BAD_REPLY) return t("badReply", { detail: e.message });
  if (e instanceof RpcError && e.code === SIGNED_OUT) return t("signedOut");
  if (e instanceof Error) return e.message === "network" ? t("networkError") : e.message;
  return String(e);
}

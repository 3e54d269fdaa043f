// The shared dialogs (Dialog.tsx), loaded on first use rather than before a page is shown:
// no page opens one until the user acts, and the shell preloads the chunk once the page is
// painted (preloadDialogs), so one opens at once. Each keeps its own Suspense boundary, so
// waiting for the chunk never hides the page behind a component's fallback.
import { type ComponentProps, lazy, Suspense } from "solid-js";

const load = () => import("./Dialog");
const LazyDialog = lazy(() => load().then((m) => ({ default: m.Dialog })));
const LazyConfirm = lazy(() => load().then((m) => ({ default: m.ConfirmDialog })));

export function Dialog(props: ComponentProps<typeof LazyDialog>) {
  return (
    <Suspense>
      <LazyDialog {...props} />
    </Suspense>
  );
}

export function ConfirmDialog(props: ComponentProps<typeof LazyConfirm>) {
  return (
    <Suspense>
      <LazyConfirm {...props} />
    </Suspense>
  );
}

/** Start loading the dialogs' chunk (a failure surfaces when one is opened). */
export function preloadDialogs(): void {
  load().catch(() => {});
}

// What /app/<slug>/ shows: the app once the session allows it (signed in, or no sign-in
// needed), else the sign-in page in its place. The app is drawn anew after a sign-in, at
// the address the browser still shows.
import { lazy, Match, Suspense, Switch } from "solid-js";
import { checkSession } from "../../auth/session";
import { session } from "../lib/session";
import { t } from "../ui/messages";
import { ErrorBox, Skeleton } from "../ui/Status";
import { App } from "./App";

// Its own chunk: the app's first paint for a signed-in user does not carry the sign-in page.
const SignIn = lazy(() => import("./SignIn"));

export function Root(props: { slug: string }) {
  const signedOut = () => {
    const s = session();
    return s.status === "signedOut" ? s : undefined;
  };
  return (
    <Switch fallback={<App slug={props.slug} />}>
      <Match when={session().status === "checking"}>
        <main class="shell-main">
          <Skeleton lines={6} />
        </main>
      </Match>
      <Match when={signedOut()}>
        {(s) => (
          <Suspense>
            <SignIn slug={props.slug} expired={s().expired} />
          </Suspense>
        )}
      </Match>
      <Match when={session().status === "unreachable"}>
        <main class="shell-main">
          <ErrorBox title={t("appFailed")} message={t("networkError")} onRetry={() => void checkSession()} />
        </main>
      </Match>
    </Switch>
  );
}

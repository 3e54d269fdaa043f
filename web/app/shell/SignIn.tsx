// The sign-in page, shown in place of the app while the server asks for a sign-in. The
// address stays as it was, so the page (and the record) asked for opens once signed in,
// also after a session ended mid-work. A chunk of its own (shell/Root.tsx loads it only
// when needed), with its strings.
import { createSignal, onMount, Show } from "solid-js";
import { signIn } from "../../auth/signIn";
import { LanguageSelect, ThemeToggle } from "./HeaderTools";
import { t } from "./signInMessages";

export default function SignIn(props: { slug: string; expired: boolean }) {
  const [name, setName] = createSignal("");
  const [password, setPassword] = createSignal("");
  /** The last attempt's problem, and which fields it marks invalid: the empty ones, both (a wrong name or password), or none. */
  const [error, setError] = createSignal<{ message: string; mark: "empty" | "both" | "none" }>();
  const [busy, setBusy] = createSignal(false);
  let nameInput!: HTMLInputElement;
  let passwordInput!: HTMLInputElement;
  onMount(() => nameInput.focus());

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy()) return;
    if (!name().trim() || !password()) {
      setError({ message: t("signInMissing"), mark: "empty" });
      (name().trim() ? passwordInput : nameInput).focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    const r = await signIn(name().trim(), password());
    // Signed in: the app is drawn in this page's place.
    if (r.ok) return;
    setBusy(false);
    if (r.reason === "credentials") {
      setError({ message: t("signInWrong"), mark: "both" });
      setPassword("");
      passwordInput.focus();
      return;
    }
    setError({
      message:
        r.reason === "rateLimited"
          ? r.retryAfter
            ? t("signInLimited", { seconds: r.retryAfter })
            : t("signInLimitedSoon")
          : r.reason === "network"
            ? t("networkError")
            : t("signInRefused", { message: r.message }),
      mark: "none",
    });
  }

  const invalid = (value: string) => {
    const mark = error()?.mark;
    return mark === "both" || (mark === "empty" && !value) ? "true" : undefined;
  };
  const described = () => (error() ? "signin-error" : undefined);

  return (
    <>
      <header class="shell-head">
        <span class="brand">Torque</span>
        <div class="shell-tools">
          <LanguageSelect />
          <ThemeToggle />
        </div>
      </header>
      <main id="main" class="signin-main">
        <form class="card signin" noValidate onSubmit={submit} aria-labelledby="signin-title" aria-busy={busy() || undefined}>
          <h1 id="signin-title">{t("signInTitle")}</h1>
          <p class="signin-intro">{t("signInIntro", { app: props.slug })}</p>
          <Show when={props.expired}>
            <p class="signin-note" role="status">
              {t("signInExpired")}
            </p>
          </Show>
          <div class="field">
            <label for="signin-name">{t("signInName")}</label>
            <input
              ref={nameInput}
              id="signin-name"
              name="username"
              type="text"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
              aria-invalid={invalid(name().trim())}
              aria-describedby={described()}
            />
          </div>
          <div class="field">
            <label for="signin-password">{t("signInPassword")}</label>
            <input
              ref={passwordInput}
              id="signin-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
              aria-invalid={invalid(password())}
              aria-describedby={described()}
            />
          </div>
          <Show when={error()}>
            {(err) => (
              <p id="signin-error" class="signin-error" role="alert">
                {err().message}
              </p>
            )}
          </Show>
          <button type="submit" class="button primary signin-submit" aria-disabled={busy() || undefined}>
            {busy() ? t("signingIn") : t("signInSubmit")}
          </button>
        </form>
      </main>
    </>
  );
}

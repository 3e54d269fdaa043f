// The app shell: header with the model's navigation, live-connection state, theme and
// language, and who is signed in with Sign out; the current page (from the URL) loaded
// with loadPage on every navigation and again when the model changes; dialogs (forms,
// confirmations) and toasts for the page.
import { createEffect, createMemo, createResource, createSignal, For, lazy, on, onCleanup, Show, Suspense } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { signOut } from "../../auth/session";
import type { ComponentContext, ConfirmOptions, FormRequest, OpenRecord } from "../components/contract";
import { LiveConnection } from "../lib/live";
import { go, route } from "../lib/route";
import { rpc } from "../lib/rpc";
import { session } from "../lib/session";
import { RpcSource } from "../lib/source";
import type { LoadedPage, ModelMetadata } from "../lib/types";
import { ConfirmDialog } from "../ui/dialogs";
import { t } from "../ui/messages";
import { ErrorBox, messageOf, Skeleton } from "../ui/Status";
import { LanguageSelect, ThemeToggle } from "./HeaderTools";
import { PageView } from "./PageView";

/** A record's form in a dialog, loaded when one is first opened (after the page is shown). */
const FormDialog = lazy(() => import("./FormDialog").then((m) => ({ default: m.FormDialog })));

const ROLE = { admin: "roleAdmin", editor: "roleEditor", viewer: "roleViewer" } as const;

interface Toast {
  id: number;
  message: string;
  kind: "info" | "error";
}

export function App(props: { slug: string }) {
  const live = new LiveConnection(props.slug);
  onCleanup(() => live.close());
  const [metaResource, { refetch: refetchMeta }] = createResource(() => rpc<ModelMetadata>("getModelMetadata", { app: props.slug }));
  // Reading a failed resource throws; the shell shows its error instead.
  const meta = () => (metaResource.error ? undefined : metaResource());
  const source = new RpcSource(props.slug, live, (e) => meta()?.entities.find((x) => x.name === e)?.display ?? null);

  /**
   * The page the URL names: its path as written, which loadPage resolves (by path or name;
   * none = the start page). Asked without waiting for the metadata: both requests run at
   * once, so the first paint waits for one round trip, not two.
   */
  const pageName = () => route().path || undefined;
  const [page, setPage] = createStore<{ loaded?: LoadedPage; error?: string; loading: boolean }>({ loading: true });
  let loadSeq = 0;
  async function loadPage(name: string | undefined, quiet = false) {
    const seq = ++loadSeq;
    if (!quiet) setPage({ loading: true, error: undefined });
    try {
      const p = await rpc<LoadedPage>("loadPage", { app: props.slug, ...(name && { page: name }) });
      if (seq !== loadSeq) return;
      // User-timing marks: the benchmark reads how long rendering takes after the answer.
      performance.mark("torque:page-answer");
      // The same page again (a model change): reconcile keeps unchanged components, and the
      // state inside them, by id. Another page: new components (a "grid" of another page is
      // another grid, not this one with its sort and scroll).
      if (page.loaded?.page.name === p.page.name) setPage("loaded", reconcile(p, { key: "id", merge: true }));
      else setPage("loaded", p);
      setPage({ loading: false, error: undefined });
      performance.mark("torque:page-rendered");
      requestAnimationFrame(() => performance.mark("torque:page-painted"));
      document.title = `${p.page.title} · ${meta()?.model.name ?? props.slug}`;
    } catch (e) {
      if (seq !== loadSeq) return;
      setPage({ loading: false, error: messageOf(e) });
    }
  }
  // A memo: refetched metadata (a model change) naming the same page must not reload it
  // loudly (loading unmounts the record's form dialog and what the user typed in it).
  const shownPage = createMemo(() => pageName());
  createEffect(on(shownPage, (name) => void loadPage(name)));
  // A model change re-renders the page in place: metadata and page reloaded, components reconciled by id.
  live.listen({
    model: async () => {
      // Both at once (an open editor's preview waits on this): the page as named now, and
      // again if the new metadata names another (its path was changed).
      const before = pageName();
      await Promise.all([refetchMeta(), loadPage(before, true)]);
      if (pageName() !== before) await loadPage(pageName(), true);
    },
  });

  const [toasts, setToasts] = createSignal<Toast[]>([]);
  let toastId = 0;
  const notify = (message: string, kind: "info" | "error" = "info") => {
    const id = ++toastId;
    setToasts((l) => [...l, { id, message, kind }]);
    setTimeout(() => setToasts((l) => l.filter((x) => x.id !== id)), kind === "error" ? 8000 : 4000);
  };
  const [confirming, setConfirming] = createSignal<(ConfirmOptions & { answer: (yes: boolean) => void }) | undefined>();
  const [forms, setForms] = createSignal<(FormRequest & { key: number; done: (r: unknown) => void })[]>([]);
  let formKey = 0;

  const pages = () => meta()?.pages ?? [];
  const pathOf = (name: string) => (pages().find((p) => p.name === name)?.path ?? `/${name}`).replace(/^\//, "");
  const openRecord = (r: OpenRecord | null) => go({ ...route(), record: r ?? undefined });
  const user = () => {
    const s = session();
    return s.status === "signedIn" ? s.user : undefined;
  };
  const ctx: Omit<ComponentContext, "renderChild" | "openModal" | "closeModal"> = {
    slug: props.slug,
    user,
    source,
    meta,
    entityMeta: (name) => meta()?.entities.find((e) => e.name === name),
    record: () => route().record,
    openRecord,
    navigate: (name, record) => go({ slug: props.slug, path: pathOf(name), record }),
    openForm: (req) => new Promise((done) => setForms((l) => [...l, { ...req, key: ++formKey, done }])),
    confirm: (opts) => new Promise((answer) => setConfirming({ ...opts, answer })),
    notify,
  };

  // A record open in the URL that no DetailView or Form of the page shows opens in a form dialog.
  const recordShownOnPage = () => {
    const r = route().record;
    const comps = page.loaded?.page.components ?? [];
    return (
      !!r &&
      comps.some((c) => (c.type === "DetailView" || c.type === "Form") && c.props.entity === r.entity && (c.type === "DetailView" || c.props.mode === "edit"))
    );
  };

  const navHref = (name: string) => `/app/${encodeURIComponent(props.slug)}/${pathOf(name)}`;
  const current = () => page.loaded?.page.name;

  return (
    <>
      <a class="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <header class="shell-head">
        <span class="brand">{meta()?.model.name ?? props.slug}</span>
        <nav class="shell-nav" aria-label={t("menu")}>
          <For each={page.loaded?.navigation ?? meta()?.navigation ?? []}>
            {(n) => (
              <a
                href={navHref(n.page)}
                aria-current={current() === n.page ? "page" : undefined}
                onClick={(e) => {
                  if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  ctx.navigate(n.page);
                }}
              >
                {n.label}
              </a>
            )}
          </For>
        </nav>
        <div class="shell-tools">
          <span class="live-state" data-state={live.state()} role="status">
            {live.state() === "open" ? t("live") : live.state() === "offline" ? t("offline") : t("connecting")}
          </span>
          <LanguageSelect />
          <ThemeToggle />
          <Show when={user()}>
            {(u) => (
              <>
                <span class="account" title={t("signedInAs", { name: u().name, role: t(ROLE[u().role]) })}>
                  <span class="account-name">{u().name}</span> <span class="account-role">{t(ROLE[u().role])}</span>
                </span>
                <button type="button" class="button" onClick={() => void signOut()}>
                  {t("signOut")}
                </button>
              </>
            )}
          </Show>
        </div>
      </header>
      <main id="main" class="shell-main" tabindex="-1">
        <Show
          when={!metaResource.error}
          fallback={<ErrorBox title={t("appFailed")} message={messageOf(metaResource.error)} onRetry={() => void refetchMeta()} />}
        >
          <Show
            when={page.loaded && meta() && !page.error}
            fallback={page.error ? <ErrorBox title={t("appFailed")} message={page.error} onRetry={() => void loadPage(pageName())} /> : <Skeleton lines={6} />}
          >
            <h1 class="page-title">{page.loaded!.page.title}</h1>
            <PageView components={page.loaded!.page.components} ctx={ctx} />
          </Show>
        </Show>
      </main>
      <Suspense>
        <For each={forms()}>
          {(f) => (
            <FormDialog
              req={f}
              ctx={ctx}
              onDone={(r) => {
                setForms((l) => l.filter((x) => x.key !== f.key));
                f.done(r);
              }}
            />
          )}
        </For>
      </Suspense>
      <Show when={!page.loading && route().record && !recordShownOnPage() ? route().record : undefined} keyed>
        {(r) => (
          <Suspense>
            <FormDialog req={{ entity: r.entity, id: r.id }} ctx={ctx} onDone={() => openRecord(null)} />
          </Suspense>
        )}
      </Show>
      <Show when={confirming()} keyed>
        {(c) => (
          <ConfirmDialog
            {...c}
            onAnswer={(yes) => {
              setConfirming(undefined);
              c.answer(yes);
            }}
          />
        )}
      </Show>
      <div class="toasts" aria-live="polite">
        <For each={toasts()}>{(x) => <div class={`toast ${x.kind}`}>{x.message}</div>}</For>
      </div>
    </>
  );
}

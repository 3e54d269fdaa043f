/** @jsxImportSource react */
// An open model: its bar (name, save state, undo/redo, the app), the views as tabs in the
// URL (diagram, entities, problems, history), the conflict dialog, the command palette and
// the shortcuts. One ModelStore per open model carries every edit (state/store.ts).
// This chunk's strings (lib/messages.ts: each part adds its own when it loads).
import "./messages";
import { ActionIcon, Anchor, Badge, Button, Group, Menu, Stack, Tabs, Text, Title, Tooltip } from "@mantine/core";
import { type ReactNode, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { errorMessage } from "../lib/graphql";
import { lazyPart, useI18n } from "../lib/i18n";
import { homeHref, Link, navigate } from "../lib/route";
import { canDesign, ROLE_LABEL, useSession } from "../lib/session";
import { Loading } from "../shell/Loading";
import { useNotices } from "../shell/notices";
import { openModel } from "../state/api";
import { ModelStoreProvider, useEditor, useUndoRedo } from "../state/context";
import { watchModel } from "../state/live";
import { ModelStore } from "../state/store";
import { ConflictModal } from "./ConflictModal";
import { useShortcuts } from "./keys";
import { SaveStatus } from "./SaveStatus";
import { TAB_LABELS, TABS, type Tab, tabHref, tabOf } from "./tabs";

// Each view is its own chunk: the diagram brings xyflow and dagre, the entity editor dnd-kit.
const ErdEditor = lazyPart(() => import("../erd/ErdEditor"));
const EntitiesPanel = lazyPart(() => import("../entity/EntitiesPanel"));
const PagesPanel = lazyPart(() => import("../pages/PagesPanel"));
const FlowsPanel = lazyPart(() => import("../flows/FlowsPanel"));
const ProblemsPanel = lazyPart(() => import("../problems/ProblemsPanel"));
const HistoryPanel = lazyPart(() => import("../history/HistoryPanel"));
const Palette = lazyPart(() => import("../palette/Palette"));

type Load = { status: "loading" } | { status: "error"; message: string } | { status: "missing" } | { status: "ready"; store: ModelStore; apps: string[] };

/**
 * Open the model: its newest version, its apps, a store replaying any local draft, and the
 * live feed of versions saved elsewhere. For a user who may not change models the store is
 * locked (each edit says why) and a draft is left for whoever may save it.
 */
function useModelSession(id: string): Load {
  const [load, setLoad] = useState<Load>({ status: "loading" });
  const { t } = useI18n();
  const session = useSession();
  // Read when the store opens and when an edit is refused (a ref: a language switch must not reopen the model).
  const readOnly = useRef<(() => string) | null>(null);
  readOnly.current =
    session.status === "signedIn" && !canDesign(session) ? () => t("readOnlyEdit", { name: session.user.name, role: t(ROLE_LABEL[session.user.role]) }) : null;
  useEffect(() => {
    let store: ModelStore | undefined;
    let stop = () => {};
    let cancelled = false;
    openModel(id).then(
      async (opened) => {
        if (cancelled) return;
        if (!opened) return setLoad({ status: "missing" });
        const { ref, apps } = opened;
        store = new ModelStore(ref);
        const locked = readOnly.current;
        if (locked) store.lock(() => readOnly.current?.() ?? locked());
        else await store.restore();
        if (cancelled) return store.dispose();
        const s = store;
        stop = watchModel(ref.id, (v) => void s.remoteChanged(v ?? Number.MAX_SAFE_INTEGER).catch(() => {}));
        setLoad({ status: "ready", store: s, apps });
      },
      (e) => !cancelled && setLoad({ status: "error", message: errorMessage(e) }),
    );
    return () => {
      cancelled = true;
      stop();
      store?.dispose();
    };
  }, [id]);
  return load;
}

const VIEWS = { diagram: ErdEditor, entities: EntitiesPanel, pages: PagesPanel, flows: FlowsPanel, problems: ProblemsPanel, history: HistoryPanel } as const;

export default function Workspace({ id, rest }: { id: string; rest: string[] }) {
  const { t } = useI18n();
  // The open view's chunk is fetched while the model is read, not after.
  useState(() => VIEWS[tabOf(rest).tab].preload());
  const load = useModelSession(id);
  const back = (
    <Anchor component={Link} href={homeHref()}>
      {t("backHome")}
    </Anchor>
  );
  if (load.status === "loading") return <Loading />;
  if (load.status !== "ready")
    return (
      <Stack>
        {load.status === "error" ? (
          <Text role="alert">{t("modelLoadFailed", { message: load.message })}</Text>
        ) : (
          <Title order={1}>{t("modelMissing", { id })}</Title>
        )}
        {back}
      </Stack>
    );
  return (
    <ModelStoreProvider store={load.store}>
      <Open rest={rest} apps={load.apps} />
    </ModelStoreProvider>
  );
}

function Notices() {
  const { t, tn } = useI18n();
  const notices = useNotices();
  const restored = useEditor((s) => s.restored);
  const arrived = useEditor((s) => s.arrived);
  useEffect(() => {
    if (restored) notices.success(tn("restored", restored));
  }, [restored, notices, tn]);
  useEffect(() => {
    if (arrived) notices.success(t("arrived", { n: arrived.version }));
  }, [arrived, notices, t]);
  return null;
}

function UndoRedo() {
  const { t } = useI18n();
  const { undoLabel: u, redoLabel: r, blocked, undo, redo } = useUndoRedo();
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={u ? t("undoWhat", { label: u }) : t("nothingToUndo")}>
        <ActionIcon variant="default" size="lg" aria-label={u ? t("undoWhat", { label: u }) : t("undo")} disabled={!u || blocked} onClick={undo}>
          <span aria-hidden="true">↶</span>
        </ActionIcon>
      </Tooltip>
      <Tooltip label={r ? t("redoWhat", { label: r }) : t("nothingToRedo")}>
        <ActionIcon variant="default" size="lg" aria-label={r ? t("redoWhat", { label: r }) : t("redo")} disabled={!r || blocked} onClick={redo}>
          <span aria-hidden="true">↷</span>
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

function AppLink({ apps }: { apps: string[] }) {
  const { t } = useI18n();
  const href = (slug: string) => `/app/${encodeURIComponent(slug)}/`;
  if (!apps.length)
    return (
      <Tooltip label={t("noAppYet")}>
        <Button variant="default" data-disabled aria-disabled onClick={(e) => e.preventDefault()}>
          {t("openApp")}
        </Button>
      </Tooltip>
    );
  if (apps.length === 1)
    return (
      // A named window: a second click brings the open app forward instead of a new tab.
      <Button component="a" variant="default" href={href(apps[0]!)} target={`torque-app-${apps[0]!}`}>
        {t("openApp")}
      </Button>
    );
  return (
    <Menu>
      <Menu.Target>
        <Button variant="default">{t("openApp")}</Button>
      </Menu.Target>
      <Menu.Dropdown>
        {apps.map((slug) => (
          <Menu.Item key={slug} component="a" href={href(slug)} target={`torque-app-${slug}`}>
            {t("openAppNamed", { slug })}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** True from the first time `on` is true. */
function useLatch(on: boolean): boolean {
  const [seen, setSeen] = useState(on);
  if (on && !seen) setSeen(true);
  return seen || on;
}

function Open({ rest, apps }: { rest: string[]; apps: string[] }) {
  const { t } = useI18n();
  const id = useEditor((s) => s.id);
  const name = useEditor((s) => s.doc.name);
  const problems = useEditor((s) => s.problems);
  const { tab, item } = tabOf(rest);
  const [palette, setPalette] = useState(false);
  const [shortcuts, setShortcuts] = useState(false);
  const paletteUsed = useLatch(palette || shortcuts);
  const { undo, redo } = useUndoRedo();
  const handlers = useMemo(() => ({ undo, redo, palette: () => setPalette(true), shortcuts: () => setShortcuts(true) }), [undo, redo]);
  useShortcuts(handlers);
  const views: Record<Tab, ReactNode> = {
    diagram: <ErdEditor />,
    entities: <EntitiesPanel entity={item} />,
    pages: <PagesPanel page={item} />,
    flows: <FlowsPanel flow={item} />,
    problems: <ProblemsPanel />,
    history: <HistoryPanel />,
  };
  return (
    <Stack gap="sm">
      <Notices />
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="sm" wrap="nowrap">
          <Anchor component={Link} href={homeHref()} size="sm">
            {t("navHome")}
          </Anchor>
          <Text aria-hidden="true">/</Text>
          <Title order={1} size="h3">
            {name}
          </Title>
          <SaveStatus />
        </Group>
        <Group gap="sm" wrap="nowrap">
          <UndoRedo />
          <Tooltip label="Ctrl/⌘ K">
            <Button variant="default" onClick={() => setPalette(true)}>
              {t("commandPalette")}
            </Button>
          </Tooltip>
          <AppLink apps={apps} />
        </Group>
      </Group>
      <Tabs value={tab} onChange={(v) => v && navigate(tabHref(id, v as Tab))}>
        <Tabs.List aria-label={t("workspaceTabs")}>
          {TABS.map((k) => (
            <Tabs.Tab
              key={k}
              value={k}
              rightSection={
                k === "problems" && problems.length ? (
                  <Badge color="red" size="sm" circle>
                    {problems.length}
                  </Badge>
                ) : null
              }
            >
              {t(TAB_LABELS[k])}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {/* Every tab has its panel (aria-controls must point somewhere); only the open one has content. */}
        {TABS.map((k) => (
          <Tabs.Panel key={k} value={k} pt="sm">
            {k === tab ? <Suspense fallback={<Loading />}>{views[k]}</Suspense> : null}
          </Tabs.Panel>
        ))}
      </Tabs>
      <ConflictModal />
      {/* Loaded on first use, then kept: its dialogs animate closed and hand focus back themselves. */}
      {paletteUsed ? (
        <Suspense fallback={null}>
          <Palette
            paletteOpen={palette}
            onPaletteClose={() => setPalette(false)}
            shortcutsOpen={shortcuts}
            onShortcutsOpen={() => setShortcuts(true)}
            onShortcutsClose={() => setShortcuts(false)}
          />
        </Suspense>
      ) : null}
    </Stack>
  );
}

/** @jsxImportSource react */
// The pages tab: the model's pages on the left (/editor/models/<id>/pages/<page>), the
// selected page's editor and the app's menu on the right. Every change is an action
// through the store: undoable, saved as a version, checked by the server, live in other
// windows. Laying out a page's components is the page designer's (a later part).
// This chunk's strings, and the name checks it shares with the other views.
import "../common/messages";
import "./messages";
import { Grid, Stack } from "@mantine/core";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { NoticeCard } from "../common/NoticeCard";
import { useI18n } from "../lib/i18n";
import { navigate } from "../lib/route";
import { useEditor } from "../state/context";
import { tabHref } from "../workspace/tabs";
import { AddPageModal } from "./AddPageModal";
import { MenuEditor } from "./MenuEditor";
import { PageEditor } from "./PageEditor";
import { PageList } from "./PageList";

export default function PagesPanel({ page }: { page: string | undefined }) {
  const { t } = useI18n();
  const id = useEditor((s) => s.id);
  const current = useEditor((s) => (page === undefined ? undefined : s.doc.pages?.find((p) => p.name === page)));
  const [adding, setAdding] = useState(false);
  // After an address change made here, focus goes to the page's heading (or the list after a removal).
  const focusNext = useRef<"page" | "list" | "keep" | null>(null);
  const exists = !!current;

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the place changes
  useEffect(() => {
    const want = focusNext.current;
    focusNext.current = null;
    if (want === "page" && exists) document.getElementById("page-editor-title")?.focus();
    else if (want === "keep") document.querySelector<HTMLElement>('[data-editor="page"] [data-prop="name"] input')?.focus();
    else if (want === "list") (document.querySelector<HTMLElement>('[data-testid="page-list"] a') ?? document.getElementById("page-list-title"))?.focus();
  }, [page, exists]);

  const open = (name: string, focus: "page" | "keep" = "page") => {
    focusNext.current = focus;
    navigate(tabHref(id, "pages", name));
  };

  let content: ReactNode;
  if (page === undefined) content = <NoticeCard title={t("pagesPickTitle")}>{t("pagesPick")}</NoticeCard>;
  else if (!current)
    content = (
      <NoticeCard title={t("pagesUnknownTitle", { name: page })} alert>
        {t("pagesUnknown", { name: page })}
      </NoticeCard>
    );
  else
    content = (
      <PageEditor
        key={current.name}
        page={current}
        onRenamed={(to) => open(to, "keep")}
        onRemoved={() => {
          focusNext.current = "list";
          navigate(tabHref(id, "pages"));
        }}
      />
    );

  return (
    <Grid gap="lg" data-panel="pages">
      <Grid.Col span={{ base: 12, md: 3 }}>
        <PageList selected={page} onAdd={() => setAdding(true)} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 9 }}>
        <Stack gap="lg">
          {content}
          <MenuEditor />
        </Stack>
      </Grid.Col>
      <AddPageModal opened={adding} onClose={() => setAdding(false)} onAdded={(name) => open(name)} />
    </Grid>
  );
}

/** @jsxImportSource react */
// One page: its name (a rename carries the new name to the start page, the menu and the
// buttons that open the page, after a confirmation listing them), title, address, whether
// it is the start page, its layout (the designer), and its removal (with what goes along). Texts
// commit on blur or Enter, as everywhere in the editor.
import { Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { Page } from "../../../src/model/schema";
import { CommitText } from "../common/CommitInput";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import { useEditor, useRun, useStore } from "../state/context";
import { impactOfPage, pageImpactIsEmpty, removePage, renamePage, setStartPage, updatePage } from "../state/pageActions";
import { Designer } from "./designer/Designer";
import { PageImpactModal } from "./PageImpactModal";
import { Preview } from "./Preview";

interface Props {
  page: Page;
  onRenamed(to: string): void;
  onRemoved(): void;
}

export function PageEditor({ page, onRenamed, onRemoved }: Props) {
  const { t } = useI18n();
  const run = useRun();
  const store = useStore();
  const check = useNameCheck();
  const start = useEditor((s) => s.doc.startPage === page.name);
  // A rename waiting for its confirmation, or a removal; the document only while one is open.
  const [ask, setAsk] = useState<{ mode: "rename"; to: string } | { mode: "remove" } | null>(null);
  const [revision, setRevision] = useState(0);
  const doc = useEditor((s) => (ask ? s.doc : null));
  const impact = doc ? impactOfPage(doc, page.name) : null;

  const rename = (to: string) => {
    if (run(renamePage(store.getState().doc, page.name, to))) onRenamed(to);
  };
  const close = () => {
    if (ask?.mode === "rename") setRevision((r) => r + 1);
    setAsk(null);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="page-editor-title" data-editor="page">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Title order={2} size="h3" id="page-editor-title" tabIndex={-1} data-heading>
            {t("pagesHeading", { name: page.name })}
          </Title>
          <Button color="red" variant="light" onClick={() => setAsk({ mode: "remove" })}>
            {t("pagesRemove")}
          </Button>
        </Group>
        <div data-prop="name">
          <CommitText
            label={t("pagesName")}
            description={t("commonNameHint")}
            inputWrapperOrder={["label", "input", "description", "error"]}
            value={page.name}
            check={(v) =>
              check(
                v,
                (store.getState().doc.pages ?? []).filter((p) => p.name !== page.name).map((p) => p.name),
              )
            }
            onCommit={(to) => {
              if (pageImpactIsEmpty(impactOfPage(store.getState().doc, page.name))) rename(to);
              else setAsk({ mode: "rename", to });
            }}
            revision={revision}
            maxLength={80}
            spellCheck={false}
          />
        </div>
        <div data-prop="title">
          <CommitText
            label={t("pagesTitle")}
            description={t("pagesTitleHint")}
            value={page.title ?? ""}
            onCommit={(v) => {
              run(updatePage(page.name, { title: v.trim() || null }));
            }}
            maxLength={200}
          />
        </div>
        <div data-prop="path">
          <CommitText
            label={t("pagesPath")}
            description={t("pagesPathHint")}
            value={page.path ?? ""}
            check={(v) => {
              const path = v.trim();
              if (!path) return null;
              // The app finds a page by /its/path or /its-name: one page per address.
              if (!/^\/[^/?#\s]+(\/[^/?#\s]+)*$/.test(path)) return t("pagesPathInvalid");
              const others = (store.getState().doc.pages ?? []).filter((p) => p.name !== page.name);
              return others.some((p) => p.path === path || `/${p.name}` === path) ? t("pagesPathTaken", { path }) : null;
            }}
            onCommit={(v) => {
              run(updatePage(page.name, { path: v.trim() || null }));
            }}
            maxLength={200}
            spellCheck={false}
          />
        </div>
        <Group gap="sm" data-prop="startPage">
          {start ? (
            <Text size="sm">
              <Badge size="sm" variant="filled" color="teal.9" mr={6}>
                {t("pagesStartBadge")}
              </Badge>
              {t("pagesIsStart")}
            </Text>
          ) : (
            <Button variant="default" onClick={() => run(setStartPage(page.name))}>
              {t("pagesMakeStart")}
            </Button>
          )}
        </Group>
        <Designer page={page} />
        <Preview page={page} />
      </Stack>
      <PageImpactModal
        opened={ask !== null}
        mode={ask?.mode ?? "remove"}
        title={ask?.mode === "rename" ? t("pagesRenameTitle", { from: page.name, to: ask.to }) : t("pagesRemoveTitle", { name: page.name })}
        confirmLabel={t(ask?.mode === "rename" ? "pagesRenameConfirm" : "pagesRemoveConfirm")}
        impact={impact}
        onClose={close}
        onConfirm={() => {
          const a = ask;
          setAsk(null);
          if (a?.mode === "rename") rename(a.to);
          else if (a?.mode === "remove" && run(removePage(store.getState().doc, page.name))) onRemoved();
        }}
      />
    </Paper>
  );
}

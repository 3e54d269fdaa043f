/** @jsxImportSource react */
// The page as the app shows it: the real runtime (/app/<slug>/<page>) in a frame, with an
// app's real data, at a desktop or phone width. It follows every saved change the way an
// open app window does (the runtime listens for new versions of its model), so an edit in
// the designer shows here once saved. Off by default (the frame loads a whole app); the
// choice is remembered.
import { Button, Group, NativeSelect, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { useLocalStorage } from "@mantine/hooks";
import { useState } from "react";
import type { Page } from "../../../src/model/schema";
import { createApp } from "../lib/api";
import { errorMessage } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { useNotices } from "../shell/notices";
import { useModelApps } from "../state/apps";
import { useEditor } from "../state/context";

type Mode = "off" | "desktop" | "phone";
/** A common phone's CSS width. */
const PHONE_PX = 390;

export function Preview({ page }: { page: Page }) {
  const { t } = useI18n();
  const id = useEditor((s) => s.id);
  const apps = useModelApps(id);
  const [mode, setMode] = useLocalStorage<Mode>({ key: "torque.editor.preview", defaultValue: "off", getInitialValueInEffect: false });
  const [chosen, setChosen] = useState<string | null>(null);
  // An app made here is shown at once (the list of apps is read when the view opens).
  const [made, setMade] = useState<string | null>(null);
  const [making, setMaking] = useState(false);
  const notices = useNotices();
  const slugs = [...(apps.status === "ready" ? apps.slugs : []), ...(made ? [made] : [])];
  const slug = chosen && slugs.includes(chosen) ? chosen : slugs[0];
  // The runtime finds a page by its own address, else by its name.
  const path = page.path ? page.path.replace(/^\//, "") : page.name;

  return (
    <Stack gap="xs" component="section" aria-labelledby="preview-title" data-testid="preview">
      <Title order={3} size="h4" id="preview-title">
        {t("previewTitle")}
      </Title>
      <SegmentedControl
        aria-label={t("previewMode")}
        value={mode}
        onChange={(v) => setMode(v as Mode)}
        data={[
          { value: "off", label: t("previewOff") },
          { value: "desktop", label: t("previewDesktop") },
          { value: "phone", label: t("previewPhone") },
        ]}
        w="fit-content"
      />
      {mode === "off" ? null : apps.status === "loading" ? null : apps.status === "error" ? (
        <Text size="sm" role="alert">
          {t("previewAppsFailed", { message: apps.message })}
        </Text>
      ) : !slug ? (
        <Group gap="sm">
          <Text size="sm">{t("previewNoApp")}</Text>
          <Button
            size="compact-sm"
            variant="light"
            loading={making}
            onClick={() => {
              setMaking(true);
              createApp(id).then(
                (a) => {
                  setMaking(false);
                  setMade(a.slug);
                  notices.success(t("previewAppCreated", { slug: a.slug }));
                },
                (e) => {
                  setMaking(false);
                  notices.error(errorMessage(e));
                },
              );
            }}
          >
            {t("previewCreateApp")}
          </Button>
        </Group>
      ) : (
        <>
          {slugs.length > 1 ? (
            <NativeSelect label={t("previewApp")} value={slug} data={slugs} onChange={(e) => setChosen(e.currentTarget.value)} w={240} />
          ) : null}
          <Text size="xs" c="dimmed">
            {t("previewHint", { slug })}
          </Text>
          <iframe
            key={`${slug}/${path}`}
            className="page-preview"
            title={t("previewFrame", { page: page.name, slug })}
            src={`/app/${encodeURIComponent(slug)}/${path.split("/").map(encodeURIComponent).join("/")}`}
            style={{ width: mode === "phone" ? PHONE_PX : "100%", height: 640, border: "1px solid var(--mantine-color-default-border)", borderRadius: 4 }}
            data-mode={mode}
          />
        </>
      )}
    </Stack>
  );
}

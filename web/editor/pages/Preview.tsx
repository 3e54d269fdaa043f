/** @jsxImportSource react */
// The page as the app shows it: the real runtime (/app/<slug>/<page>) in a frame, with an
// app's real data or with sample data, at a desktop or phone width. It follows every saved
// change the way an open app window does (the runtime listens for new versions of its
// model), so an edit in the designer shows here once saved. Off by default (the frame
// loads a whole app); the choice is remembered.
// Sample data is an app of its own, "<model>-sample", made on first use and filled with
// SAMPLE_RECORDS generated records per entity type (the seeder every app has): the page is
// designed over a few realistic rows whether the real app is empty or holds a million, and
// the real app's data is never touched. It is an ordinary app, listed on Home, removable.
import { Button, Group, NativeSelect, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { useLocalStorage } from "@mantine/hooks";
import { useState } from "react";
import type { Page } from "../../../src/model/schema";
import { createApp, seedApp } from "../lib/api";
import { errorMessage } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { useNotices } from "../shell/notices";
import { useModelApps } from "../state/apps";
import { useEditor } from "../state/context";

type Mode = "off" | "desktop" | "phone";
/** Records per entity type in the sample app. */
export const SAMPLE_RECORDS = 20;
const SAMPLE = "sample data";

/** The sample app's slug for a model: its name as a slug (its id when the name has no letters or digits to use), then -sample. */
export function sampleSlug(model: string, id: string): string {
  const base = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 55)
    .replace(/-+$/, "");
  const fallback = `model-${id
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 12)}`;
  return `${base || fallback}-sample`;
}
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
  const modelName = useEditor((s) => s.doc.name);
  const sample = sampleSlug(modelName, id);
  const all = [...(apps.status === "ready" ? apps.slugs : []), ...(made ? [made] : [])];
  // The sample app is offered as "sample data", not among the model's apps.
  const slugs = all.filter((x) => x !== sample);
  const hasSample = all.includes(sample);
  const useSample = chosen === SAMPLE && hasSample;
  const slug = useSample ? sample : chosen && slugs.includes(chosen) ? chosen : slugs[0];
  const [filling, setFilling] = useState(false);
  /** Make the sample app (on first use) and fill it; then show it. */
  const fillSample = () => {
    setFilling(true);
    (hasSample ? Promise.resolve() : createApp(id, sample).then(() => setMade(sample)))
      .then(() => seedApp(sample, SAMPLE_RECORDS))
      .then(
        () => {
          setFilling(false);
          setChosen(SAMPLE);
          notices.success(t("previewSampleFilled", { slug: sample, n: SAMPLE_RECORDS }));
        },
        (e) => {
          setFilling(false);
          notices.error(errorMessage(e));
        },
      );
  };
  const sampleButton = (
    <Button size="compact-sm" variant="light" loading={filling} onClick={fillSample} data-testid="preview-sample">
      {hasSample ? t("previewSampleMore", { n: SAMPLE_RECORDS }) : t("previewSampleMake", { n: SAMPLE_RECORDS })}
    </Button>
  );
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
          {sampleButton}
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
          <Group gap="sm" align="flex-end">
            {slugs.length > 1 || hasSample ? (
              <NativeSelect
                label={t("previewApp")}
                value={useSample ? SAMPLE : slug}
                data={[
                  ...slugs.map((x) => ({ value: x, label: x })),
                  ...(hasSample ? [{ value: SAMPLE, label: t("previewSampleOption", { slug: sample }) }] : []),
                ]}
                onChange={(e) => setChosen(e.currentTarget.value)}
                w={280}
              />
            ) : null}
            {(useSample || !hasSample) && sampleButton}
          </Group>
          <Text size="xs" c="dimmed">
            {useSample ? t("previewSampleHint", { slug }) : t("previewHint", { slug })}
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

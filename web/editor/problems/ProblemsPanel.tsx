/** @jsxImportSource react */
// Every problem the server found in the unsaved changes, grouped by the entity type,
// relationship, page or flow it is in. Each names its place in words and links to the view
// that fixes it (the entity editor highlights the field and option a link names; the
// diagram selects a relationship). Nothing here changes the model: fixing happens there.
// This chunk's strings.
import "./messages";
import { Anchor, Box, List, Paper, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { Fragment, type ReactNode, useMemo } from "react";
import type { Issue } from "../lib/graphql";
import { type MessageKey, useI18n } from "../lib/i18n";
import { Link } from "../lib/route";
import { useEditor } from "../state/context";
import { tabHref } from "../workspace/tabs";
import { groupByPlace, locate, type PartKind, type Place, type PlacePart } from "./locate";

const PART: Record<Exclude<PartKind, "prop">, MessageKey> = {
  model: "problemsPartModel",
  entity: "problemsPartEntity",
  field: "problemsPartField",
  index: "problemsPartIndex",
  relationship: "problemsPartRelationship",
  page: "problemsPartPage",
  component: "problemsPartComponent",
  navigation: "problemsPartNavigation",
  flow: "problemsPartFlow",
  node: "problemsPartNode",
  edge: "problemsPartEdge",
  layout: "problemsPartLayout",
  settings: "problemsPartSettings",
};

function usePartWords(): (p: PlacePart) => string {
  const { t } = useI18n();
  return (p) => {
    const name = p.name ?? (p.index === undefined ? "" : t("problemsNumber", { n: p.index + 1 }));
    return p.kind === "prop" ? name : t(PART[p.kind], { name }).trim();
  };
}

/** "entity type task › field owner › entity"; the separators are read as pauses, not as symbols. */
function PlaceWords({ place }: { place: Place }) {
  const words = usePartWords();
  return (
    <>
      {place.parts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one place never reorder
        <Fragment key={i}>
          {i ? (
            <>
              <span aria-hidden="true"> › </span>
              <VisuallyHidden>, </VisuallyHidden>
            </>
          ) : null}
          {words(p)}
        </Fragment>
      ))}
    </>
  );
}

function Problem({ issue, place, id }: { issue: Issue; place: Place; id: string }) {
  const { t } = useI18n();
  const body: ReactNode = (
    <>
      <Text span fw={600} inherit>
        <PlaceWords place={place} />
      </Text>{" "}
      <Text span display="block" c="var(--mantine-color-text)" inherit>
        {issue.message}
      </Text>
    </>
  );
  const target = place.target;
  // A page's or flow's problem opens the entity type it names: say so, since the link goes elsewhere than its place.
  const elsewhere = target?.tab === "entities" && target.item && (place.parts[0]?.kind === "page" || place.parts[0]?.kind === "flow") ? target.item : null;
  return (
    <List.Item data-testid="problem" data-path={issue.path ?? ""}>
      {target ? (
        <Anchor component={Link} href={tabHref(id, target.tab, target.item, target.query)} display="block" underline="hover">
          {body}
          {elsewhere ? " " : null}
          {elsewhere ? (
            <Text span display="block" size="sm" c="dimmed">
              {t("problemsOpensEntity", { name: elsewhere })}
            </Text>
          ) : null}
        </Anchor>
      ) : (
        <Box>
          {body}
          <Text size="sm" c="dimmed">
            {place.stale ? t("problemsStale") : t("problemsNoView")}
          </Text>
        </Box>
      )}
    </List.Item>
  );
}

function Status() {
  const { t } = useI18n();
  const status = useEditor((s) => s.status);
  const version = useEditor((s) => s.saved.version);
  const unsaved = useEditor((s) => s.unsaved);
  if (!unsaved.length) return <Text>{`${t("problemsNone")} ${t("problemsSaved", { n: version })}`}</Text>;
  const key: MessageKey = status === "offline" ? "problemsOffline" : status === "conflict" ? "problemsConflict" : "problemsSaving";
  return <Text>{`${t("problemsNone")} ${t(key, { n: version })}`}</Text>;
}

export default function ProblemsPanel() {
  const { t } = useI18n();
  const id = useEditor((s) => s.id);
  const doc = useEditor((s) => s.doc);
  const problems = useEditor((s) => s.problems);
  const unsaved = useEditor((s) => s.unsaved);
  const version = useEditor((s) => s.saved.version);
  const words = usePartWords();
  const groups = useMemo(() => groupByPlace(problems, (p) => locate(doc, p.path)), [problems, doc]);

  return (
    <Stack gap="md" maw={900} data-panel="problems">
      <Title order={2} size="h3">
        {t("problemsHeading", { n: problems.length })}
      </Title>
      {!problems.length ? (
        <Status />
      ) : (
        <>
          <Text>{t("problemsIntro", { n: version })}</Text>
          {unsaved.length ? (
            <Text size="sm" c="dimmed">
              {t("problemsUnsaved", { labels: unsaved.join("; ") })}
            </Text>
          ) : null}
          {groups.map((g) => {
            const head = words(g.head);
            return (
              <Paper key={g.group} withBorder p="md" component="section" aria-label={t("problemsList", { place: head })}>
                <Title order={3} size="h5" mb="xs">
                  {head}
                </Title>
                <List spacing="sm" listStyleType="none" data-testid="problem-group">
                  {g.items.map(({ item, place }, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity of their own; the list is replaced whole
                    <Problem key={i} issue={item} place={place} id={id} />
                  ))}
                </List>
              </Paper>
            );
          })}
        </>
      )}
    </Stack>
  );
}

/** @jsxImportSource react */
// The relationships a type takes part in, each linking to the diagram where it is edited
// (?rel=<name>), with any problem the server has with it.
import { Anchor, List, Stack, Text, Title } from "@mantine/core";
import { memo } from "react";
import { useI18n } from "../lib/i18n";
import { Link } from "../lib/route";
import { useEditor } from "../state/context";
import { tabHref } from "../workspace/tabs";
import type { Located } from "./model";

/** Memoised: redrawn when the relationships or their problems change, not on every edit of the type. */
export const Relationships = memo(function Relationships({ entity, located }: { entity: string; located: readonly Located[] }) {
  const { t } = useI18n();
  const id = useEditor((s) => s.id);
  const rels = useEditor((s) => s.doc.relationships);
  const mine = (rels ?? []).filter((r) => r.from === entity || r.to === entity);
  return (
    <Stack gap="xs" component="section" aria-labelledby="entity-rels-title">
      <Title order={3} size="h5" id="entity-rels-title">
        {t("entityRelationships")}
      </Title>
      {mine.length ? (
        <List size="sm" spacing={4} data-testid="relationship-list">
          {mine.map((r) => {
            const problems = located.filter((l) => l.relationship === r.name);
            return (
              <List.Item key={r.name}>
                <Anchor component={Link} href={tabHref(id, "diagram", undefined, { rel: r.name })} ff="monospace" size="sm">
                  {r.name}
                </Anchor>{" "}
                <Text span size="sm">
                  {r.inverse
                    ? t("entityRelationshipKey", { from: r.from, to: r.to, kind: r.kind, key: `${r.to}.${r.inverse}` })
                    : t("entityRelationshipLine", { from: r.from, to: r.to, kind: r.kind })}
                </Text>
                {problems.map((l) => (
                  <Text key={l.issue.message} size="sm" c="var(--mantine-color-error)">
                    {l.issue.message}
                  </Text>
                ))}
              </List.Item>
            );
          })}
        </List>
      ) : (
        <Text size="sm">{t("entityNoRelationships")}</Text>
      )}
      <Text size="sm" c="dimmed">
        {t("entityRelationshipsHint")}
      </Text>
    </Stack>
  );
});

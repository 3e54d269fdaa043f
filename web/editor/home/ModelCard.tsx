/** @jsxImportSource react */
// One model on Home: name, version, entity-type count, its apps with record counts, actions
// (creating an app and deleting only when given: they take the admin role).
import { Anchor, Badge, Button, Card, Group, List, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { exportModel, type ModelSummary } from "../lib/api";
import { errorMessage } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { Link, modelHref } from "../lib/route";
import { useNotices } from "../shell/notices";
import { downloadJson, jsonFileName } from "./download";

export function ModelCard({ model, onCreateApp, onDelete }: { model: ModelSummary; onCreateApp?: () => void; onDelete?: () => void }) {
  const { t, tn } = useI18n();
  const notices = useNotices();
  const [exporting, setExporting] = useState(false);
  const headingId = `model-${model.id}`;

  const doExport = async () => {
    setExporting(true);
    try {
      const file = jsonFileName(model.name);
      downloadJson(await exportModel(model.id), file);
      notices.success(t("exported", { name: model.name, file }));
    } catch (e) {
      notices.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={headingId} data-model={model.name}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h3" id={headingId}>
              <Anchor component={Link} href={modelHref(model.id)} inherit>
                {model.name}
              </Anchor>
            </Title>
            <Group gap="xs" mt={4}>
              <Badge variant="light">{t("modelVersion", { n: model.version })}</Badge>
              <Badge variant="light" color="gray">
                {tn("entityTypes", model.entityTypes.length)}
              </Badge>
            </Group>
          </div>
          <Group gap="xs" role="group" aria-label={t("actionsFor", { name: model.name })}>
            <Button variant="default" size="xs" onClick={() => void doExport()} loading={exporting}>
              {t("exportModel")}
            </Button>
            {onCreateApp ? (
              <Button variant="default" size="xs" onClick={onCreateApp}>
                {t("createApp")}
              </Button>
            ) : null}
            {onDelete ? (
              <Button variant="light" color="red" size="xs" onClick={onDelete}>
                {t("deleteModel")}
              </Button>
            ) : null}
          </Group>
        </Group>
        {model.apps.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("noApps")}
          </Text>
        ) : (
          <List aria-label={t("appsOf", { name: model.name })} listStyleType="none" spacing={4}>
            {model.apps.map((a) => (
              <List.Item key={a.slug} data-app={a.slug}>
                <Anchor href={`/app/${encodeURIComponent(a.slug)}/`}>/app/{a.slug}/</Anchor>{" "}
                <Text span size="sm" c="dimmed">
                  · {tn("records", a.records)}
                </Text>
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Card>
  );
}

/** @jsxImportSource react */
// /editor/models/<id>: the model's name, its entity types and apps, and its ERD, read-only.
// The entity editor and history will be routes below this one.
import { Anchor, Badge, Group, List, Loader, Stack, Text, Title } from "@mantine/core";
import { lazy, Suspense, useEffect, useState } from "react";
import { getModel, type ModelSummary } from "../lib/api";
import { errorMessage } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { homeHref, Link } from "../lib/route";

// Only this page needs xyflow and dagre: a separate chunk keeps them out of Home's load.
const ErdView = lazy(() => import("../erd/ErdView"));

type State = { status: "loading" } | { status: "error"; message: string } | { status: "ready"; model: ModelSummary | null };

export function ModelPage({ id }: { id: string }) {
  const { t, tn } = useI18n();
  const [state, setState] = useState<State>({ status: "loading" });
  useEffect(() => {
    getModel(id).then(
      (model) => setState({ status: "ready", model }),
      (e) => setState({ status: "error", message: errorMessage(e) }),
    );
  }, [id]);

  const back = (
    <Anchor component={Link} href={homeHref()}>
      {t("backHome")}
    </Anchor>
  );
  if (state.status === "loading") return <Loader aria-label={t("loading")} />;
  if (state.status === "error")
    return (
      <Stack>
        <Text role="alert">{state.message}</Text>
        {back}
      </Stack>
    );
  const m = state.model;
  if (!m)
    return (
      <Stack>
        <Title order={1}>{t("modelMissing", { id })}</Title>
        {back}
      </Stack>
    );
  return (
    <Stack>
      {back}
      <Group>
        <Title order={1}>{t("modelTitle", { name: m.name })}</Title>
        <Badge variant="light">{t("modelVersion", { n: m.version })}</Badge>
      </Group>
      <Title order={2} size="h3">
        {t("modelEntityTypes")}
      </Title>
      {m.entityTypes.length === 0 ? (
        <Text>{t("modelNoEntityTypes")}</Text>
      ) : (
        <List>
          {m.entityTypes.map((e) => (
            <List.Item key={e}>{e}</List.Item>
          ))}
        </List>
      )}
      {m.entityTypes.length > 0 ? (
        <>
          <Title order={2} size="h3">
            {t("erdTitle")}
          </Title>
          <Suspense fallback={<Loader aria-label={t("loading")} />}>
            <ErdView document={m.document} />
          </Suspense>
        </>
      ) : null}
      <Title order={2} size="h3">
        {t("modelApps")}
      </Title>
      {m.apps.length === 0 ? (
        <Text>{t("noApps")}</Text>
      ) : (
        <List>
          {m.apps.map((a) => (
            <List.Item key={a.slug}>
              {/* Underlined: beside the record count, colour alone does not mark it as a link (axe, dark theme). */}
              <Anchor href={`/app/${encodeURIComponent(a.slug)}/`} underline="always">
                /app/{a.slug}/
              </Anchor>{" "}
              · {tn("records", a.records)}
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

/** @jsxImportSource react */
// The model's versions and what changed between any two of them (?from=&to= in the
// address, so a reload or a shared link shows the same comparison), with rollback: an old
// version's content saved as the newest version, shown in the editor at once.
// This chunk's strings.
import "./messages";
import "./history.css";
import { Alert, Button, Grid, Group, Select, Stack, Text, Title } from "@mantine/core";
import { type RefObject, useEffect, useId, useMemo, useRef, useState } from "react";
import { errorMessage } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { setSearch, useSearch } from "../lib/route";
import { Loading } from "../shell/Loading";
import { useEditor } from "../state/context";
import { listVersions, type VersionInfo, versionDocument } from "./api";
import { type Comparison, chooseVersions } from "./compare";
import { DiffView } from "./DiffView";
import { type VersionDiff, versionDiff } from "./diff";
import { RollbackModal } from "./RollbackModal";
import { VersionTable } from "./VersionTable";

type Load<T> = { status: "loading" } | { status: "error"; message: string } | { status: "ready"; value: T };

/** The versions, fetched again whenever a new one is saved (here, elsewhere, or by a rollback). */
function useVersions(id: string): [Load<VersionInfo[]>, () => void] {
  const saved = useEditor((s) => s.saved.version);
  const [load, setLoad] = useState<Load<VersionInfo[]>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    // `saved` and `attempt` are why this runs again: the list on screen stays until the new one arrives.
    void saved;
    void attempt;
    listVersions(id).then(
      (value) => !cancelled && setLoad({ status: "ready", value }),
      (e) => !cancelled && setLoad({ status: "error", message: errorMessage(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [id, saved, attempt]);
  return [load, () => setAttempt((n) => n + 1)];
}

function useDiff(id: string, from: number, to: number): Load<VersionDiff> {
  const [load, setLoad] = useState<Load<VersionDiff>>({ status: "loading" });
  useEffect(() => {
    let cancelled = false;
    setLoad({ status: "loading" });
    Promise.all([versionDocument(id, from), versionDocument(id, to)]).then(
      ([a, b]) => !cancelled && setLoad({ status: "ready", value: versionDiff(a, b) }),
      (e) => !cancelled && setLoad({ status: "error", message: errorMessage(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [id, from, to]);
  return load;
}

function Compare({
  versions,
  comparison,
  formatDate,
  headingRef,
}: {
  versions: VersionInfo[];
  comparison: Comparison;
  formatDate(iso: string): string;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const { t } = useI18n();
  const id = useEditor((s) => s.id);
  const { from, to } = comparison;
  const diff = useDiff(id, from, to);
  const data = useMemo(
    () => versions.map((v) => ({ value: String(v.version), label: t("historyOption", { n: v.version, date: formatDate(v.createdAt) }) })),
    [versions, t, formatDate],
  );
  const choose = (which: "from" | "to") => (v: string | null) => {
    if (v) setSearch({ from: String(from), to: String(to), [which]: v });
  };
  return (
    <Stack gap="sm" component="section" aria-labelledby="history-diff-title">
      <Title order={3} size="h4">
        {t("historyCompare")}
      </Title>
      <Group grow align="flex-start" gap="sm">
        <Select
          label={t("historyFrom")}
          data={data}
          value={String(from)}
          onChange={choose("from")}
          allowDeselect={false}
          searchable
          limit={200}
          data-testid="compare-from"
        />
        <Select
          label={t("historyTo")}
          data={data}
          value={String(to)}
          onChange={choose("to")}
          allowDeselect={false}
          searchable
          limit={200}
          data-testid="compare-to"
        />
      </Group>
      {comparison.bad.map((b) => (
        <Alert key={`${b.asked}:${b.shown}`} color="yellow" variant="light" data-testid="compare-bad">
          {t("historyBadVersion", { asked: b.asked, n: b.shown })}
        </Alert>
      ))}
      <Title order={3} size="h5" id="history-diff-title" tabIndex={-1} ref={headingRef} data-testid="diff-title">
        {t("historyDiffTitle", { from, to })}
      </Title>
      {diff.status === "loading" ? (
        <Loading size="sm" />
      ) : diff.status === "error" ? (
        <Text role="alert" className="history-error">
          {t("historyDiffFailed", { message: diff.message })}
        </Text>
      ) : (
        <DiffView diff={diff.value} from={from} to={to} />
      )}
    </Stack>
  );
}

export default function HistoryPanel() {
  const { t, language } = useI18n();
  const id = useEditor((s) => s.id);
  const unsaved = useEditor((s) => s.unsaved);
  const conflict = useEditor((s) => s.conflict);
  const [load, retry] = useVersions(id);
  const search = useSearch();
  const reasonId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [rollback, setRollback] = useState<number | null>(null);
  const format = useMemo(() => new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }), [language]);
  const formatDate = useMemo(() => (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : format.format(new Date(iso))), [format]);

  const versions = load.status === "ready" ? load.value : [];
  const fromParam = search.get("from");
  const toParam = search.get("to");
  const comparison = useMemo(
    () =>
      chooseVersions(
        versions.map((v) => v.version),
        fromParam,
        toParam,
      ),
    [versions, fromParam, toParam],
  );
  // Rolling back replaces the document the unsaved changes were made on: they must be saved (or undone) first.
  const blocked = unsaved.length > 0 || conflict !== null;

  return (
    <Stack gap="md" data-panel="history">
      <Title order={2} size="h3">
        {t("historyTitle")}
      </Title>
      {load.status === "loading" ? (
        <Loading />
      ) : load.status === "error" ? (
        <Group>
          <Text role="alert" className="history-error">
            {t("historyLoadFailed", { message: load.message })}
          </Text>
          <Button variant="default" size="compact-sm" onClick={retry}>
            {t("retry")}
          </Button>
        </Group>
      ) : (
        <Grid gap="xl">
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <Stack gap="sm" component="section" aria-labelledby="history-versions-title">
              <Title order={3} size="h4" id="history-versions-title">
                {t("historyVersions")}
              </Title>
              {blocked ? (
                <Text id={reasonId} size="sm" data-testid="rollback-blocked">
                  {t("historyRollbackBlocked", { labels: unsaved.join("; ") })}
                </Text>
              ) : null}
              <VersionTable
                versions={versions}
                compared={comparison}
                blockedBy={blocked ? reasonId : null}
                formatDate={formatDate}
                onCompare={(v) => {
                  const i = versions.findIndex((x) => x.version === v);
                  const previous = versions[i + 1];
                  if (!previous) return;
                  setSearch({ from: String(previous.version), to: String(v) });
                  // The comparison is elsewhere on the page: take keyboard and screen reader users there.
                  headingRef.current?.focus();
                }}
                onRollback={setRollback}
              />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 6 }}>
            {comparison ? (
              <Compare versions={versions} comparison={comparison} formatDate={formatDate} headingRef={headingRef} />
            ) : (
              <Text>{t("historyOnlyOne")}</Text>
            )}
          </Grid.Col>
        </Grid>
      )}
      <RollbackModal version={rollback} newest={versions[0]?.version ?? 0} onClose={() => setRollback(null)} />
    </Stack>
  );
}

/** @jsxImportSource react */
// Import a model file (canonical, or the original Torque's format, converted by the
// server), picked or dropped, then show what the server reports: the format, the app
// created, the records loaded and what could not be represented.
import { Anchor, Badge, Button, Checkbox, FileButton, Group, List, Modal, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type DragEvent, type FormEvent, useEffect, useState } from "react";
import { type ImportResult, importModel, ModelRejected, type ReportItem } from "../lib/api";
import { errorMessage, GraphQLRequestError } from "../lib/graphql";
import { type MessageKey, useI18n } from "../lib/i18n";
import { useNotices } from "../shell/notices";
import { SLUG } from "./slug";

interface Picked {
  file: string;
  document: unknown;
}

type Errors = Partial<Record<"file" | "name" | "slug", string>>;

const SEVERITY: Record<ReportItem["severity"], { key: MessageKey; color: string }> = {
  dropped: { key: "severityDropped", color: "red" },
  changed: { key: "severityChanged", color: "blue" },
  warning: { key: "severityWarning", color: "yellow" },
};

function Report({ result }: { result: ImportResult }) {
  const { t } = useI18n();
  const loaded = Object.entries(result.loaded ?? {});
  const report = result.report ?? [];
  return (
    <Stack data-testid="import-report">
      <Title order={3} size="h4">
        {t("importDone", { name: result.model?.name ?? "" })}
      </Title>
      {result.format && <Text>{t("importFormat", { format: t(result.format === "legacy" ? "formatLegacy" : "formatCanonical") })}</Text>}
      {result.app && (
        <Text>
          {t("importAppCreated", { slug: result.app.slug })} <Anchor href={`/app/${encodeURIComponent(result.app.slug)}/`}>/app/{result.app.slug}/</Anchor>
        </Text>
      )}
      <Title order={4} size="h5">
        {t("importLoaded")}
      </Title>
      {loaded.length === 0 ? (
        <Text size="sm">{t("importNothingLoaded")}</Text>
      ) : (
        <Table withTableBorder>
          <Table.Tbody>
            {loaded.map(([entity, n]) => (
              <Table.Tr key={entity}>
                <Table.Th scope="row">{entity}</Table.Th>
                <Table.Td>{n}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Title order={4} size="h5">
        {t("importReport")}
      </Title>
      {report.length === 0 ? (
        <Text size="sm">{t("importReportEmpty")}</Text>
      ) : (
        <List spacing="xs" listStyleType="none" mah={260} style={{ overflowY: "auto" }} tabIndex={0} aria-label={t("importReport")}>
          {report.map((r, i) => (
            // A report may name the same path twice with different messages: the position keeps keys apart.
            // biome-ignore lint/suspicious/noArrayIndexKey: the report is fixed once shown
            <List.Item key={i}>
              <Badge size="sm" variant="light" color={SEVERITY[r.severity].color} mr="xs">
                {t(SEVERITY[r.severity].key)}
              </Badge>
              <Text span size="sm">
                {r.message}
              </Text>{" "}
              <Text span size="xs" c="dimmed" ff="monospace">
                {r.path}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

export function ImportModelModal({ opened, onClose, onImported }: { opened: boolean; onClose(): void; onImported(): Promise<void> }) {
  const { t } = useI18n();
  const notices = useNotices();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [name, setName] = useState("");
  const [withApp, setWithApp] = useState(true);
  const [slug, setSlug] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);

  // Each opening starts a new import; what was typed stays while the dialog is open.
  useEffect(() => {
    if (!opened) return;
    setPicked(null);
    setName("");
    setWithApp(true);
    setSlug("");
    setErrors({});
    setResult(null);
  }, [opened]);

  const read = async (file: File | null | undefined) => {
    if (!file) return;
    try {
      setPicked({ file: file.name, document: JSON.parse(await file.text()) });
      setErrors((x) => ({ ...x, file: undefined }));
    } catch (e) {
      setPicked(null);
      setErrors((x) => ({ ...x, file: t("importNotJson", { file: file.name, message: errorMessage(e) }) }));
    }
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void read(e.dataTransfer.files[0]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!picked) return setErrors((x) => ({ ...x, file: t("importNoFile") }));
    const wanted = slug.trim();
    if (withApp && wanted && !SLUG.test(wanted)) return setErrors((x) => ({ ...x, slug: t("slugInvalid") }));
    setBusy(true);
    try {
      const r = await importModel(picked.document, { name: name.trim() || undefined, createApp: withApp, slug: withApp && wanted ? wanted : undefined });
      setResult(r);
      await onImported();
    } catch (err) {
      if (err instanceof GraphQLRequestError && err.field === "slug") setErrors({ slug: err.message });
      else if (err instanceof GraphQLRequestError && err.field === "name") setErrors({ name: err.message });
      // A model the server refused, or any other answer about the file, is about the file.
      else if (err instanceof ModelRejected || err instanceof GraphQLRequestError) setErrors({ file: err.message });
      else notices.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t("importTitle")} size="lg" closeButtonProps={{ "aria-label": t("close") }}>
      {result ? (
        <Stack>
          <Report result={result} />
          <Group justify="flex-end">
            <Button onClick={onClose} data-autofocus>
              {t("done")}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Paper
              withBorder
              p="md"
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={drop}
              style={{
                borderStyle: "dashed",
                borderColor: errors.file ? "var(--mantine-color-error)" : dragging ? "var(--mantine-primary-color-filled)" : undefined,
              }}
            >
              <Stack gap="xs">
                <Text fw={500} id="import-file-label">
                  {t("importFile")}
                </Text>
                <Text size="sm">{t("importDrop")}</Text>
                <Group>
                  <FileButton onChange={(f) => void read(f)} accept=".json,application/json" inputProps={{ "aria-labelledby": "import-file-label" }}>
                    {(props) => (
                      <Button variant="default" data-autofocus {...props}>
                        {t("importChoose")}
                      </Button>
                    )}
                  </FileButton>
                  {picked && <Text size="sm">{t("importChosen", { file: picked.file })}</Text>}
                </Group>
                {errors.file && (
                  <Text size="sm" c="var(--mantine-color-error)" role="alert" data-testid="import-file-error">
                    {errors.file}
                  </Text>
                )}
              </Stack>
            </Paper>
            <TextInput label={t("importNameOptional")} value={name} error={errors.name} onChange={(e) => setName(e.currentTarget.value)} />
            <Checkbox label={t("importCreateApp")} checked={withApp} onChange={(e) => setWithApp(e.currentTarget.checked)} />
            {withApp && (
              <TextInput
                label={t("appSlug")}
                description={t("appSlugHint")}
                value={slug}
                error={errors.slug}
                onChange={(e) => {
                  setSlug(e.currentTarget.value);
                  setErrors((x) => ({ ...x, slug: undefined }));
                }}
              />
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t("cancel")}
              </Button>
              <Button type="submit" loading={busy}>
                {t("import")}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

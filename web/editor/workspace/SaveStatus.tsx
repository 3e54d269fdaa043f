/** @jsxImportSource react */
// Where the user's work stands: saved (with the version), saving, refused (with a way to
// the problems), offline (kept locally, retrying) or in conflict. A live region, so a
// screen reader hears when a save fails.
import { Anchor, Badge, Group } from "@mantine/core";
import { useI18n } from "../lib/i18n";
import { Link } from "../lib/route";
import { useEditor, useStore } from "../state/context";
import { tabHref } from "./tabs";

const COLOR = { saved: "teal", saving: "blue", invalid: "red", offline: "orange", conflict: "red" } as const;

export function SaveStatus() {
  const { t, tn } = useI18n();
  const store = useStore();
  const status = useEditor((s) => s.status);
  const version = useEditor((s) => s.saved.version);
  const problems = useEditor((s) => s.problems);
  const id = useEditor((s) => s.id);
  const text =
    status === "saved"
      ? t("statusSaved", { n: version })
      : status === "saving"
        ? t("statusSaving")
        : status === "invalid"
          ? tn("statusInvalid", problems.length)
          : status === "offline"
            ? t("statusOffline")
            : t("statusConflict");
  return (
    <Group gap="xs" wrap="nowrap" role="status" aria-live="polite" data-testid="save-status" data-status={status}>
      {/* The dot variant: the colour is a marker beside body-coloured text (the light variant's tinted text fails contrast). */}
      <Badge color={COLOR[status]} variant="dot" size="lg" style={{ textTransform: "none" }}>
        {text}
      </Badge>
      {status === "invalid" ? (
        <Anchor component={Link} href={tabHref(id, "problems")} size="sm">
          {t("showProblems")}
        </Anchor>
      ) : null}
      {status === "offline" ? (
        <Anchor component="button" type="button" size="sm" onClick={() => store.retry()}>
          {t("saveNow")}
        </Anchor>
      ) : null}
    </Group>
  );
}

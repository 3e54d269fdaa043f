/** @jsxImportSource react */
// Confirm a rollback: say that the old content becomes a new version (nothing is deleted)
// and that apps use it at once; then save it and show it in the editor straight away.
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../lib/graphql";
import { useI18n } from "../lib/i18n";
import { useNotices } from "../shell/notices";
import { useEditor, useStore } from "../state/context";
import { rollbackModel } from "./api";

export function RollbackModal({ version, newest, onClose }: { version: number | null; newest: number; onClose(): void }) {
  const { t } = useI18n();
  const store = useStore();
  const notices = useNotices();
  const id = useEditor((s) => s.id);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const close = () => {
    if (busy) return;
    setFailure(null);
    onClose();
  };

  const confirm = async () => {
    if (version === null) return;
    setBusy(true);
    setFailure(null);
    try {
      const r = await rollbackModel(id, version);
      if ("errors" in r) {
        setFailure(r.errors.map((e) => e.message).join("; "));
        return;
      }
      // The editor takes the new version in now, not when the live feed gets round to it.
      await store.remoteChanged(r.version);
      notices.success(t("historyRolledBack", { n: version, v: r.version }));
      onClose();
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      opened={version !== null}
      onClose={close}
      title={version === null ? "" : t("historyRollbackTitle", { n: version })}
      closeButtonProps={{ "aria-label": t("close") }}
      data-panel="history-rollback"
    >
      {version === null ? null : (
        <Stack>
          <Text>{t("historyRollbackText", { n: version, next: newest + 1 })}</Text>
          {failure ? (
            <Text role="alert" className="history-error" data-testid="rollback-error">
              {t("historyRollbackFailed", { message: failure })}
            </Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy} data-autofocus>
              {t("cancel")}
            </Button>
            <Button onClick={() => void confirm()} loading={busy}>
              {t("historyRollbackTo", { n: version })}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

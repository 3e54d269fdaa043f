/** @jsxImportSource react */
// The keyboard shortcut list ("?"): the workspace's keys and the diagram's, as the code
// that handles them lists them (workspace/keys.ts, erd/shortcuts.ts), so it cannot drift.
import { Modal, Stack, Table, Title } from "@mantine/core";
import { useId } from "react";
import { ERD_SHORTCUTS } from "../erd/shortcuts";
import { type MessageKey, useI18n } from "../lib/i18n";
import { SHORTCUTS } from "../workspace/keys";
import { Keys } from "./Keys";

interface Shortcut {
  keys: readonly string[];
  what: MessageKey;
}

const GROUPS: { title: MessageKey; rows: readonly Shortcut[] }[] = [
  { title: "paletteShortcutsGeneral", rows: SHORTCUTS },
  { title: "paletteShortcutsDiagram", rows: ERD_SHORTCUTS },
];

function ShortcutGroup({ title, rows }: { title: MessageKey; rows: readonly Shortcut[] }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <Title order={3} size="h5" id={id} mb={4}>
        {t(title)}
      </Title>
      <Table aria-labelledby={id} verticalSpacing={6} striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="40%">{t("paletteKeysColumn")}</Table.Th>
            <Table.Th>{t("paletteActionColumn")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.keys.join("+")}>
              <Table.Td>
                <Keys keys={r.keys} size="sm" />
              </Table.Td>
              <Table.Td>{t(r.what)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </section>
  );
}

export function ShortcutList({ opened, mark, onClose, onClosed }: { opened: boolean; mark: string; onClose(): void; onClosed(): void }) {
  const { t } = useI18n();
  return (
    <Modal
      opened={opened}
      {...{ [mark]: true }}
      onClose={onClose}
      title={t("shortcuts")}
      closeButtonProps={{ "aria-label": t("close") }}
      styles={{ title: { fontWeight: 700, fontSize: "var(--mantine-font-size-lg)" } }}
      size="lg"
      // Palette.tsx returns focus once both of its dialogs are gone (the palette can open this one).
      returnFocus={false}
      onExitTransitionEnd={onClosed}
    >
      <Stack gap="lg">
        {GROUPS.map((g) => (
          <ShortcutGroup key={g.title} title={g.title} rows={g.rows} />
        ))}
      </Stack>
    </Modal>
  );
}

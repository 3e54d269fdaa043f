/** @jsxImportSource react */
// The confirmation before a page is renamed or removed: what follows the name (the start
// page, menu entries, buttons opening it) or goes with the page. Pages hold no records, so
// unlike a type or a field there is no data to count. Nothing is applied until confirmed.
import { Button, Group, List, Modal, Stack, Text } from "@mantine/core";
import { useI18n } from "../lib/i18n";
import { type PageImpact, pageImpactIsEmpty } from "../state/pageActions";

interface Props {
  opened: boolean;
  title: string;
  impact: PageImpact | null;
  mode: "rename" | "remove";
  confirmLabel: string;
  onClose(): void;
  onConfirm(): void;
}

export function PageImpactModal({ opened, title, impact, mode, confirmLabel, onClose, onConfirm }: Props) {
  const { t } = useI18n();
  const items = impact
    ? [
        ...(impact.start ? [t(mode === "rename" ? "pagesImpactStartRenamed" : "pagesImpactStartRemoved")] : []),
        ...impact.menu.map((label) => t("pagesImpactMenu", { label })),
        ...impact.components.map((c) => t(mode === "rename" ? "pagesImpactComponent" : "pagesImpactComponentRemoved", { ...c })),
      ]
    : [];
  return (
    <Modal opened={opened} onClose={onClose} title={title} closeButtonProps={{ "aria-label": t("close") }}>
      <Stack>
        {impact && !pageImpactIsEmpty(impact) ? (
          <Stack gap={4}>
            <Text size="sm">{t(mode === "rename" ? "pagesImpactRenamed" : "pagesImpactRemoved")}</Text>
            <List size="sm" data-testid="impact-list">
              {items.map((x) => (
                <List.Item key={x}>{x}</List.Item>
              ))}
            </List>
          </Stack>
        ) : (
          <Text size="sm">{t("pagesImpactNothing")}</Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("cancel")}
          </Button>
          <Button color={mode === "remove" ? "red" : undefined} onClick={onConfirm} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

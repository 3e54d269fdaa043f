/** @jsxImportSource react */
// The diagram's commands above the canvas, each a labelled button (the keys that do the
// same are listed by "?" and in the tooltips).
import { Button, Group, Tooltip } from "@mantine/core";
import { memo } from "react";
import { useI18n } from "../lib/i18n";
import type { ImageFormat } from "./exportImage";

// Memoised: the diagram re-renders on every frame of a drag, this does not need to.
export const Toolbar = memo(function Toolbar({
  hasSelection,
  exporting,
  onAdd,
  onLayout,
  onDelete,
  onExport,
  onFit,
}: {
  hasSelection: boolean;
  exporting: ImageFormat | null;
  onAdd(): void;
  onLayout(): void;
  onDelete(): void;
  onExport(f: ImageFormat): void;
  onFit(): void;
}) {
  const { t } = useI18n();
  return (
    <Group gap="xs" role="toolbar" aria-label={t("erdToolbar")} className="erd-toolbar">
      <Tooltip label={t("erdKeyHint", { key: "N" })}>
        <Button size="xs" onClick={onAdd}>
          {t("erdAddEntity")}
        </Button>
      </Tooltip>
      <Tooltip label={t("erdKeyHint", { key: "L" })}>
        <Button size="xs" variant="default" onClick={onLayout}>
          {t("erdAutoLayout")}
        </Button>
      </Tooltip>
      <Tooltip label={t("erdKeyHint", { key: "Delete" })}>
        <Button size="xs" variant="default" onClick={onDelete} disabled={!hasSelection}>
          {t("erdDeleteSelection")}
        </Button>
      </Tooltip>
      <Button size="xs" variant="default" onClick={() => onExport("png")} loading={exporting === "png"} disabled={exporting === "svg"}>
        {t("erdExportPng")}
      </Button>
      <Button size="xs" variant="default" onClick={() => onExport("svg")} loading={exporting === "svg"} disabled={exporting === "png"}>
        {t("erdExportSvg")}
      </Button>
      <Button size="xs" variant="default" onClick={onFit}>
        {t("erdFitButton")}
      </Button>
    </Group>
  );
});

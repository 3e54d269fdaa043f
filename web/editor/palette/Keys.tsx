/** @jsxImportSource react */
// A shortcut as keys: "Mod" is ⌘ on a Mac and Ctrl elsewhere, key names in the reader's
// language (Strg, Umschalt, Entf), mouse actions as words rather than keys, and arrow keys
// (alternatives, not a combination) side by side.
import { Kbd, VisuallyHidden } from "@mantine/core";
import { Fragment } from "react";
import { type MessageKey, useI18n } from "../lib/i18n";

/** Whether the platform's command key is ⌘ (macOS and iPadOS with a keyboard). */
export function isMac(): boolean {
  const data = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData;
  return /mac|iphone|ipad|ipod/i.test(data?.platform || navigator.platform || "");
}

const NAMES: Record<string, MessageKey> = {
  Shift: "paletteKeyShift",
  Enter: "paletteKeyEnter",
  Delete: "paletteKeyDelete",
  Tab: "paletteKeyTab",
};
/** Not keys: done with the mouse while the keys before are held. */
const POINTER: Record<string, MessageKey> = { Click: "paletteKeyClick", Drag: "paletteKeyDrag" };
const ARROWS = new Set(["↑", "↓", "←", "→"]);

export function Keys({ keys, size = "xs" }: { keys: readonly string[]; size?: "xs" | "sm" }) {
  const { t } = useI18n();
  const alternatives = keys.every((k) => ARROWS.has(k));
  const one = (k: string) => {
    if (POINTER[k]) return <span>{t(POINTER[k])}</span>;
    if (k === "Mod")
      return isMac() ? (
        <Kbd size={size}>
          <span aria-hidden="true">⌘</span>
          <VisuallyHidden>{t("paletteKeyCmd")}</VisuallyHidden>
        </Kbd>
      ) : (
        <Kbd size={size}>{t("paletteKeyCtrl")}</Kbd>
      );
    return <Kbd size={size}>{NAMES[k] ? t(NAMES[k]) : k}</Kbd>;
  };
  return (
    <span style={{ whiteSpace: "nowrap" }}>
      {keys.map((k, i) => (
        <Fragment key={k}>
          {i > 0 ? (alternatives ? " " : " + ") : null}
          {one(k)}
        </Fragment>
      ))}
    </span>
  );
}

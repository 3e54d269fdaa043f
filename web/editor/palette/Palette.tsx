/** @jsxImportSource react */
// The command palette (Ctrl/⌘ K) and the keyboard shortcut list ("?"), one lazy chunk with
// spotlight's styles. The workspace owns the keys and the open flags; this part opens and
// closes the two dialogs, tells the workspace once a closing animation is over, and puts
// focus back where it was when the first of them opened.
// This chunk's strings, and the diagram's key names its shortcut list shows.
import "../erd/messages";
import "./messages";
import "@mantine/spotlight/styles.css";
import { createSpotlight } from "@mantine/spotlight";
import { useEffect, useRef, useState } from "react";
import { CommandPalette } from "./CommandPalette";
import { ShortcutList } from "./ShortcutList";
import { useCommands } from "./useCommands";

export interface PaletteProps {
  paletteOpen: boolean;
  onPaletteClose(): void;
  shortcutsOpen: boolean;
  onShortcutsOpen(): void;
  onShortcutsClose(): void;
}

/** Marks both dialogs, so focus inside them counts as "still ours" when they close. */
const MARK = "data-palette";

export default function Palette({ paletteOpen, onPaletteClose, shortcutsOpen, onShortcutsOpen, onShortcutsClose }: PaletteProps) {
  const [[store, spotlight]] = useState(createSpotlight);
  const [shortcutsShown, setShortcutsShown] = useState(false);
  // Which dialog is on screen, its closing animation included (refs: read in the same tick).
  const visible = useRef({ palette: false, shortcuts: false });
  const origin = useRef<Element | null>(null);

  const remember = () => {
    if (!visible.current.palette && !visible.current.shortcuts) origin.current = document.activeElement;
  };
  const restore = () => {
    if (visible.current.palette || visible.current.shortcuts) return;
    const el = origin.current;
    origin.current = null;
    const now = document.activeElement;
    // A command may have moved focus on purpose (a panel focusing what it opened): leave that be.
    const lost = !now || now === document.body || !now.isConnected || !!now.closest(`[${MARK}]`);
    if (lost && el instanceof HTMLElement && el.isConnected) el.focus({ preventScroll: true });
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: opening follows the workspace's flag only
  useEffect(() => {
    if (!paletteOpen) return;
    remember();
    visible.current.palette = true;
    spotlight.open();
  }, [paletteOpen]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: opening follows the workspace's flag only
  useEffect(() => {
    if (!shortcutsOpen) return;
    remember();
    visible.current.shortcuts = true;
    setShortcutsShown(true);
  }, [shortcutsOpen]);

  const commands = useCommands(onShortcutsOpen, paletteOpen);

  return (
    <>
      <CommandPalette
        store={store}
        close={spotlight.close}
        commands={commands}
        mark={MARK}
        onClosed={() => {
          visible.current.palette = false;
          onPaletteClose();
          restore();
        }}
      />
      <ShortcutList
        opened={shortcutsShown}
        mark={MARK}
        onClose={() => setShortcutsShown(false)}
        onClosed={() => {
          visible.current.shortcuts = false;
          onShortcutsClose();
          restore();
        }}
      />
    </>
  );
}

/** @jsxImportSource react */
// Short messages after an action, in one live region so screen readers hear them.
// Successes go away by themselves; errors stay until closed, so none is missed. They sit
// under an open modal (z-index 200) so they never cover its buttons.
import { Notification, Stack } from "@mantine/core";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { useI18n } from "../lib/i18n";

interface Notice {
  id: number;
  kind: "success" | "error";
  message: ReactNode;
}

interface Notices {
  success(message: ReactNode): void;
  error(message: ReactNode): void;
}

const NoticesContext = createContext<Notices | null>(null);
const SUCCESS_MS = 6000;
let nextId = 1;

export function NoticesProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => setNotices((ns) => ns.filter((n) => n.id !== id)), []);
  const push = useCallback(
    (kind: Notice["kind"], message: ReactNode) => {
      const id = nextId++;
      setNotices((ns) => [...ns, { id, kind, message }]);
      if (kind === "success") setTimeout(() => dismiss(id), SUCCESS_MS);
    },
    [dismiss],
  );
  const api = useMemo<Notices>(() => ({ success: (m) => push("success", m), error: (m) => push("error", m) }), [push]);
  return (
    <NoticesContext.Provider value={api}>
      {children}
      <Stack aria-live="polite" gap="xs" pos="fixed" bottom={16} right={16} w={380} maw="calc(100vw - 32px)" style={{ zIndex: 150 }}>
        {notices.map((n) => (
          <Notification
            key={n.id}
            role={n.kind === "error" ? "alert" : "status"}
            color={n.kind === "error" ? "red" : "teal"}
            withBorder
            closeButtonProps={{ "aria-label": t("close") }}
            onClose={() => dismiss(n.id)}
          >
            {n.message}
          </Notification>
        ))}
      </Stack>
    </NoticesContext.Provider>
  );
}

export function useNotices(): Notices {
  const v = useContext(NoticesContext);
  if (!v) throw new Error("useNotices outside NoticesProvider");
  return v;
}

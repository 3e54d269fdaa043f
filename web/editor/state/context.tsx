/** @jsxImportSource react */
// The open model's store for every panel: read with useEditor(select), change with
// useRun()(action). Selectors must return parts of the state as they are (no new objects),
// or React would render forever.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useSyncExternalStore } from "react";
import { errorMessage } from "../lib/graphql";
import { useNotices } from "../shell/notices";
import type { Action, EditorState, ModelStore } from "./store";

const StoreContext = createContext<ModelStore | null>(null);

export function ModelStoreProvider({ store, children }: { store: ModelStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStore(): ModelStore {
  const s = useContext(StoreContext);
  if (!s) throw new Error("useStore outside ModelStoreProvider");
  return s;
}

export function useEditor<T>(select: (s: EditorState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

/**
 * Apply an action; an edit that does not apply (a name taken meanwhile) is shown as an
 * error notice and changes nothing. Returns whether it was applied.
 */
export function useRun(): (action: Action) => boolean {
  const store = useStore();
  const notices = useNotices();
  return useCallback(
    (action: Action) => {
      try {
        store.dispatch(action);
        return true;
      } catch (e) {
        notices.error(e instanceof Error ? e.message : String(e));
        return false;
      }
    },
    [store, notices],
  );
}

export interface UndoRedo {
  /** Labels of what undo and redo would do next (undefined: nothing). */
  undoLabel: string | undefined;
  redoLabel: string | undefined;
  /** A conflict waits for the user's choice: neither may run. */
  blocked: boolean;
  /** Undo or redo; one that no longer applies (changed elsewhere) is shown as an error notice, not thrown. */
  undo(): void;
  redo(): void;
}

/** Undo and redo for every door of the editor (the bar, the keys, the palette), behaving alike. */
export function useUndoRedo(): UndoRedo {
  const store = useStore();
  const notices = useNotices();
  const undoLabel = useEditor((s) => s.undo.at(-1));
  const redoLabel = useEditor((s) => s.redo.at(-1));
  const blocked = useEditor((s) => s.conflict !== null);
  return useMemo(() => {
    const guard = (f: () => void) => () => {
      try {
        f();
      } catch (e) {
        notices.error(errorMessage(e));
      }
    };
    return { undoLabel, redoLabel, blocked, undo: guard(() => store.undo()), redo: guard(() => store.redo()) };
  }, [store, notices, undoLabel, redoLabel, blocked]);
}

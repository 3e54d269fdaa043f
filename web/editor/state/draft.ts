// Unsaved actions survive a reload: kept in localStorage per model with the version they
// were made on, written after every change and removed once everything is saved.
import type { ModelEdit } from "../../../src/model/edit";

export interface Draft {
  baseVersion: number;
  actions: { label: string; edits: ModelEdit[] }[];
}

type Storage = Pick<globalThis.Storage, "getItem" | "setItem" | "removeItem">;
const key = (modelId: string) => `torque.editor.draft.${modelId}`;

export function readDraft(storage: Storage, modelId: string): Draft | null {
  try {
    const d = JSON.parse(storage.getItem(key(modelId)) ?? "null") as Draft | null;
    return d && Number.isInteger(d.baseVersion) && Array.isArray(d.actions) ? d : null;
  } catch {
    return null; // a draft that is not ours (or cut short) is ignored
  }
}

export function writeDraft(storage: Storage, modelId: string, draft: Draft): void {
  try {
    storage.setItem(key(modelId), JSON.stringify(draft));
  } catch {
    // storage full or disabled: the edits still save; only a reload would lose them
  }
}

export function clearDraft(storage: Storage, modelId: string): void {
  storage.removeItem(key(modelId));
}

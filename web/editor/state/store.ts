// The edit pipeline: every change the editor makes is an Action (a label and model edits,
// the same operations GraphQL and MCP accept). An action is applied at once to the
// document on screen (optimistic), kept as unsaved, written to a local draft, and sent with
// the other unsaved actions as one editModel call based on the saved version. The server
// validates; a refused batch stays unsaved with its problems listed, so nothing typed is
// lost and nothing broken is saved. Undo and redo are actions too (the inverse edits), so
// they go the same way and every panel shares one history.
//
// Changes from elsewhere (another window, an agent over MCP) arrive as modelChanged; with
// nothing unsaved the document is replaced, otherwise the unsaved edits are replayed on the
// new version unless both touched the same thing, in which case the user chooses.
import { jsonEqual } from "../../../src/lib/json";
import type { ModelEdit } from "../../../src/model/edit";
import { applyEdits, applyWithInverse } from "../../../src/model/invert";
import type { Model } from "../../../src/model/schema";
import { GraphQLRequestError, type Issue, NetworkError } from "../lib/graphql";
import { editModel, getModelVersion, type ModelRef } from "./api";
import { overlap } from "./changes";
import { clearDraft, type Draft, readDraft, writeDraft } from "./draft";

export interface Action {
  /** Shown in the undo/redo tooltips and the history note: "Add field task.label". */
  label: string;
  edits: ModelEdit[];
}

interface Done extends Action {
  inverse: ModelEdit[];
}

export type SaveStatus = "saved" | "saving" | "invalid" | "offline" | "conflict";

export interface Conflict {
  /** The version that arrived, which the unsaved edits were not based on. */
  theirs: { version: number; doc: Model };
  /** What both sides changed ("field:task.title", …). */
  items: string[];
  /** Labels of the unsaved actions. */
  mine: string[];
}

export interface EditorState {
  id: string;
  /** The document on screen: the saved one with the unsaved actions applied. */
  doc: Model;
  saved: { version: number; doc: Model };
  /** Unsaved actions, oldest first. */
  unsaved: string[];
  status: SaveStatus;
  /** The server's problems with the unsaved document (status "invalid"). */
  problems: Issue[];
  undo: string[];
  redo: string[];
  conflict: Conflict | null;
  /** A version that arrived from elsewhere and was taken in (for a notice). */
  arrived: { version: number; at: number } | null;
  /** Unsaved edits found in the local draft when the model was opened. */
  restored: number;
}

type Listener = () => void;

/** Whether two lists hold the same items (labels, or problems compared by their JSON). */
function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((x, i) => x === b[i] || (typeof x === "object" && JSON.stringify(x) === JSON.stringify(b[i])));
}

/**
 * `next` with every part that equals the same part of `prev` replaced by prev's object. A
 * document from the server is all new objects; sharing what did not change lets the views
 * skip what they already drew (a 100-type diagram redraws one node, not a hundred).
 */
export function share<T>(prev: unknown, next: T): T {
  if (prev === next || typeof prev !== "object" || typeof next !== "object" || prev === null || next === null) return next;
  if (Array.isArray(prev) !== Array.isArray(next)) return next;
  let same = true;
  let out: unknown;
  if (Array.isArray(next)) {
    const p = prev as unknown[];
    const arr = next.map((x, i) => share(p[i], x));
    same = arr.length === p.length && arr.every((x, i) => x === p[i]);
    out = arr;
  } else {
    const p = prev as Record<string, unknown>;
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(next as Record<string, unknown>)) {
      obj[k] = share(Object.hasOwn(p, k) ? p[k] : undefined, v);
      if (obj[k] !== p[k] || !Object.hasOwn(p, k)) same = false;
    }
    if (Object.keys(p).length !== Object.keys(obj).length) same = false;
    out = obj;
  }
  return (same ? prev : out) as T;
}

/** A conflict because the saved version is not the one the edits were based on. */
const isStale = (data: unknown) => typeof (data as { currentVersion?: unknown } | null)?.currentVersion === "number";

/** A uniqueness the existing records break, as a problem at the field (or the type's indexes) it names. */
function dataConflict(doc: Model, message: string, data: unknown): Issue {
  const d = (data ?? {}) as { entity?: unknown; fields?: unknown; rule?: unknown };
  const i = doc.entities.findIndex((x) => x.name === d.entity);
  const fields = Array.isArray(d.fields) ? d.fields : [];
  const j = i >= 0 && fields.length === 1 ? doc.entities[i]!.fields.findIndex((f) => f.name === fields[0]) : -1;
  const path = j >= 0 && doc.entities[i]!.fields[j]!.unique ? `/entities/${i}/fields/${j}/unique` : i >= 0 ? `/entities/${i}/indexes` : undefined;
  return { path, rule: typeof d.rule === "string" ? d.rule : "conflict", message };
}

/** Retry of a save that could not reach the server: 1 s, 2 s, 4 s … up to 30 s. */
const backoff = (n: number) => Math.min(30_000, 1000 * 2 ** n);

export class ModelStore {
  private state: EditorState;
  private pending: Done[] = [];
  private undoStack: Done[] = [];
  private redoStack: Done[] = [];
  private listeners = new Set<Listener>();
  private inFlight: Promise<void> | null = null;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private remoteQueued: number | null = null;
  /** Why every change is refused (the user may not change models), or null. */
  private lockedBy: (() => string) | null = null;

  constructor(
    model: ModelRef,
    private api = { editModel, getModelVersion },
    private storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> = localStorage,
  ) {
    this.state = {
      id: model.id,
      doc: model.doc,
      saved: { version: model.version, doc: model.doc },
      unsaved: [],
      status: "saved",
      problems: [],
      undo: [],
      redo: [],
      conflict: null,
      arrived: null,
      restored: 0,
    };
  }

  getState = (): EditorState => this.state;

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private set(patch: Partial<EditorState>) {
    const prev = this.state;
    const next: EditorState = {
      ...prev,
      unsaved: this.pending.map((a) => a.label),
      undo: this.undoStack.map((a) => a.label),
      redo: this.redoStack.map((a) => a.label),
      ...patch,
    };
    // Lists equal to the ones before stay the same arrays, so views reading them are not redrawn for nothing.
    for (const k of ["unsaved", "undo", "redo", "problems"] as const) if (sameList(prev[k], next[k])) (next as Record<typeof k, unknown>)[k] = prev[k];
    this.state = next;
    for (const l of this.listeners) l();
  }

  /**
   * Refuse every change from now on, saying `reason` (read when refusing, so it follows the
   * language): a user who may look at the model but not change it. Nothing is applied, so
   * nothing is sent for the server to refuse.
   */
  lock(reason: () => string): void {
    this.lockedBy = reason;
  }

  /**
   * Apply an action to the document on screen and save it. Throws (changing nothing) when
   * an edit does not apply, e.g. a name that exists already, or the store is locked; the
   * caller shows the message.
   */
  dispatch(action: Action, from: "user" | "undo" | "redo" = "user"): void {
    if (this.lockedBy) throw new Error(this.lockedBy());
    if (this.state.conflict) throw new Error("resolve the conflict first");
    const { doc, inverse } = applyWithInverse(this.state.doc, action.edits);
    const done: Done = { ...action, inverse };
    this.pending.push(done);
    if (from === "undo") this.redoStack.push(done);
    else {
      this.undoStack.push(done);
      if (from === "user") this.redoStack = [];
    }
    this.set({ doc, status: "saving" });
    this.persist();
    void this.flush();
  }

  undo(): void {
    const a = this.undoStack.pop();
    if (!a) return;
    try {
      // The redo entry is the original action, so redo re-applies it as the user did it.
      this.dispatch({ label: a.label, edits: a.inverse }, "undo");
      this.redoStack[this.redoStack.length - 1] = { ...this.redoStack.at(-1)!, edits: a.edits, inverse: a.inverse };
    } catch (e) {
      this.undoStack.push(a);
      throw e;
    }
  }

  redo(): void {
    const a = this.redoStack.pop();
    if (!a) return;
    try {
      this.dispatch({ label: a.label, edits: a.edits }, "redo");
    } catch (e) {
      this.redoStack.push(a);
      throw e;
    }
  }

  /** Stop retrying (the model was closed); the draft keeps what is unsaved. */
  dispose(): void {
    clearTimeout(this.retryTimer);
    this.listeners.clear();
  }

  /** Save now (the retry button of an offline save). */
  retry(): void {
    clearTimeout(this.retryTimer);
    this.retries = 0;
    void this.flush();
  }

  private persist() {
    if (!this.pending.length) clearDraft(this.storage, this.state.id);
    else
      writeDraft(this.storage, this.state.id, { baseVersion: this.state.saved.version, actions: this.pending.map(({ label, edits }) => ({ label, edits })) });
  }

  /** Send every unsaved action as one batch; one batch at a time. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (!this.pending.length || this.state.conflict) return Promise.resolve();
    this.inFlight = this.save().finally(() => {
      this.inFlight = null;
      if (this.remoteQueued !== null) {
        const v = this.remoteQueued;
        this.remoteQueued = null;
        void this.remoteChanged(v);
      } else if (this.pending.length && this.state.status === "saving") void this.flush();
    });
    return this.inFlight;
  }

  private async save(): Promise<void> {
    const batch = this.pending.slice();
    const edits = batch.flatMap((a) => a.edits);
    // An action and its undo, both unsaved, change nothing: no version for that. (The
    // document on screen is the saved one with these edits; edits share what they do not
    // change, so the comparison only walks what differs.)
    if (jsonEqual(this.state.doc, this.state.saved.doc)) {
      this.pending = this.pending.slice(batch.length);
      this.set({ status: this.pending.length ? "saving" : "saved", problems: [] });
      this.persist();
      return;
    }
    this.set({ status: "saving" });
    try {
      const label = batch.map((a) => a.label).join("; ");
      const r = await this.api.editModel(this.state.id, edits, this.state.saved.version, label.slice(0, 500));
      this.retries = 0;
      if ("errors" in r) {
        // Still valid edits may follow; the next action tries the whole batch again.
        this.set({ status: "invalid", problems: r.errors });
        return;
      }
      this.pending = this.pending.slice(batch.length);
      // The saved document is what is on screen (unless more was done meanwhile): keep those objects.
      const saved = { version: r.version, doc: share(this.state.doc, r.doc) };
      this.set({
        saved,
        doc: applyEdits(
          saved.doc,
          this.pending.flatMap((a) => a.edits),
        ),
        status: this.pending.length ? "saving" : "saved",
        problems: [],
      });
      this.persist();
    } catch (e) {
      if (e instanceof NetworkError) {
        this.set({ status: "offline" });
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => void this.flush(), backoff(this.retries++));
        return;
      }
      if (e instanceof GraphQLRequestError && (e.code === "NOT_FOUND" || (e.code === "CONFLICT" && isStale(e.data)))) {
        // The saved version moved on (or lost what an edit names): take the newest in.
        this.remoteQueued = Number.MAX_SAFE_INTEGER;
        return;
      }
      if (e instanceof GraphQLRequestError && e.code === "CONFLICT") {
        // The data refuses the model (a field made unique while records share a value): a
        // problem of these edits, kept unsaved and shown where it is.
        this.set({ status: "invalid", problems: [dataConflict(this.state.doc, e.message, e.data)] });
        return;
      }
      this.set({ status: "invalid", problems: [{ rule: "error", message: e instanceof Error ? e.message : String(e) }] });
    }
  }

  /**
   * A version saved elsewhere (modelChanged, or a conflict on save). Our own saves arrive
   * too and are skipped by their version.
   */
  async remoteChanged(version: number): Promise<void> {
    if (version <= this.state.saved.version) return;
    if (this.inFlight) {
      this.remoteQueued = Math.max(this.remoteQueued ?? 0, version);
      return;
    }
    const fetched = await this.api.getModelVersion(this.state.id);
    if (!fetched || fetched.version <= this.state.saved.version) return;
    const theirs = { version: fetched.version, doc: share(this.state.saved.doc, fetched.doc) };
    this.takeIn(theirs, this.state.saved.doc);
  }

  /** Replay the unsaved actions on `theirs`; a conflict when both touched the same thing or a replay fails. */
  private takeIn(theirs: { version: number; doc: Model }, base: Model) {
    const arrived = { version: theirs.version, at: Date.now() };
    if (!this.pending.length) {
      this.set({ saved: theirs, doc: theirs.doc, arrived, status: "saved", problems: [] });
      return;
    }
    const edits = this.pending.flatMap((a) => a.edits);
    let items = overlap(edits, base, theirs.doc);
    let doc: Model | null = null;
    if (!items.length)
      try {
        doc = applyEdits(theirs.doc, edits);
      } catch (e) {
        items = [e instanceof Error ? e.message : String(e)];
      }
    if (doc) {
      this.set({ saved: theirs, doc, arrived, status: "saving" });
      this.persist();
      void this.flush();
      return;
    }
    this.set({ conflict: { theirs, items, mine: this.pending.map((a) => a.label) }, status: "conflict", arrived });
  }

  /**
   * The user's choice in a conflict. "mine": replay the unsaved actions on their version
   * (an action that no longer applies is skipped and named); "theirs": drop the unsaved
   * actions. Returns the labels of skipped actions.
   */
  resolve(choice: "mine" | "theirs"): string[] {
    const c = this.state.conflict;
    if (!c) return [];
    const skipped: string[] = [];
    let doc = c.theirs.doc;
    if (choice === "mine") {
      const kept: Done[] = [];
      for (const a of this.pending)
        try {
          const r = applyWithInverse(doc, a.edits);
          doc = r.doc;
          kept.push({ ...a, inverse: r.inverse });
        } catch {
          skipped.push(a.label);
        }
      this.pending = kept;
    } else {
      this.pending = [];
    }
    // The undo history was built on the other version; it would undo the wrong thing.
    this.undoStack = [];
    this.redoStack = [];
    this.set({ saved: c.theirs, doc, conflict: null, status: this.pending.length ? "saving" : "saved", problems: [] });
    this.persist();
    void this.flush();
    return skipped;
  }

  /** Unsaved actions of an earlier session (reload, crash) replayed on the version the server has now. */
  async restore(draft: Draft | null = readDraft(this.storage, this.state.id)): Promise<void> {
    if (!draft?.actions.length) return;
    let base = this.state.saved.doc;
    if (draft.baseVersion !== this.state.saved.version) {
      const old = await this.api.getModelVersion(this.state.id, draft.baseVersion);
      if (old) base = old.doc;
    }
    const current = this.state.saved;
    this.pending = [];
    // Rebuild the actions on the draft's base, then take the saved version in as if it had just arrived.
    let doc = base;
    for (const a of draft.actions)
      try {
        const r = applyWithInverse(doc, a.edits);
        doc = r.doc;
        this.pending.push({ ...a, inverse: r.inverse });
      } catch {
        // an action that never applied (a corrupt draft) is dropped
      }
    this.undoStack = this.pending.slice();
    this.state = { ...this.state, saved: { version: draft.baseVersion, doc: base }, doc, restored: this.pending.length };
    if (draft.baseVersion === current.version) {
      this.set({ saved: current, status: "saving" });
      void this.flush();
    } else this.takeIn(current, base);
  }
}

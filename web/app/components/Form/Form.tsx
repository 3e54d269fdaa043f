// A form for one record of an entity type, generated from its field definitions: create
// (starting from the model's defaults and `initial`) or edit (the record `recordId`, or the
// page's open record). What the user typed lives in a store keyed by field name, never
// rebuilt from `c`, so a model change (a field added or renamed) updates the form in place
// and every failed save (validation, conflict, network) leaves the input as it was. The
// server's validation is the authority: its issues are shown under their fields. A user
// who may not create (or update) the type's records is told so: no create form, or the
// record's fields shown disabled, without a save button.
import { createEffect, createMemo, createSignal, createUniqueId, For, Match, on, onCleanup, onMount, Show, Switch, untrack } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { RpcError } from "../../lib/rpc";
import type { EntityRecord } from "../../lib/types";
import { ErrorBox, messageOf, Skeleton } from "../../ui/Status";
import { type ComponentProps, may, prop } from "../contract";
import { FieldRow } from "./Field";
import type { FormField } from "./inputs/types";
import { inSentence, t } from "./messages";
import { defaultRaw, fromRaw, type Raw, rawChanged, readOnlyType, toRaw } from "./values";
import "./Form.css";

/** The server's code for a conflict (its data's rule "version" names a stale expectedVersion). */
const CONFLICT = -32009;
/** rpc.ts's code for an answer that was not JSON-RPC. */
const BAD_REPLY = -2;

interface Shown {
  names: string[];
  byName: Map<string, FormField>;
  /** Names in `props.fields` the model does not have. */
  unknown: string[];
}

export default function Form(props: ComponentProps) {
  const uid = createUniqueId();
  // Memos: `c` may be replaced by an equal definition (a model change); only a real change of these reloads.
  const entityName = createMemo(() => props.c.entity?.name ?? prop.string(props.c, "entity"));
  const entityLabel = () => props.c.entity?.label ?? entityName() ?? "";
  const mode = createMemo(() => {
    const m = prop.string(props.c, "mode");
    return m === "edit" || m === "create" ? m : prop.string(props.c, "recordId") ? "edit" : "create";
  });
  const recordId = createMemo(() => {
    if (mode() !== "edit") return undefined;
    const r = props.ctx.record();
    return prop.string(props.c, "recordId") ?? (r && r.entity === entityName() ? r.id : undefined);
  });
  const initial = () => prop.object(props.c, "initial") ?? {};
  /** Whether the signed-in user may save this form (creating takes create, editing update). */
  const allowed = () => may(props.ctx, entityName(), mode() === "edit" ? "update" : "create");

  const shown = createMemo<Shown>(() => {
    const labels = new Map<string, string>();
    const asked: string[] = [];
    for (const a of prop.list(props.c, "fields")) {
      if (typeof a === "string") asked.push(a);
      else if (a && typeof a === "object" && typeof (a as { field?: unknown }).field === "string") {
        const { field, label } = a as { field: string; label?: unknown };
        asked.push(field);
        if (typeof label === "string") labels.set(field, label);
      }
    }
    const byName = new Map<string, FormField>();
    for (const def of props.c.fields ?? []) {
      const name = def.field ?? def.name;
      const id = `${uid}-${name}`;
      byName.set(name, {
        name,
        label: labels.get(name) ?? def.label,
        def,
        controlId: id,
        labelId: `${id}-label`,
        helpId: `${id}-help`,
        errorId: `${id}-error`,
      });
    }
    return { names: [...byName.keys()], byName, unknown: asked.filter((n) => !byName.has(n)) };
  });

  const [raw, setRaw] = createStore<Record<string, Raw>>({});
  const [errors, setErrors] = createStore<Record<string, string | undefined>>({});
  /** Why the last save failed: a message, or issues on fields the form does not show (fields' own are in `errors`). */
  const [problem, setProblem] = createSignal<{ message?: string; issues: string[] }>();
  const [conflict, setConflict] = createSignal(false);
  const [note, setNote] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [base, setBase] = createSignal<EntityRecord | null>(null);
  const [loadError, setLoadError] = createSignal<string>();
  const [generation, setGeneration] = createSignal(0);
  const [inDialog, setInDialog] = createSignal(false);
  /** Fields whose value has been set from the record or the defaults; a new field is set once, a typed value never overwritten. */
  const initialized = new Set<string>();

  const ready = () => mode() === "create" || !!base();

  createEffect(() => {
    generation();
    const s = shown();
    const rec = base();
    const editing = mode() === "edit";
    if (editing && !rec) return;
    untrack(() => {
      const init = initial();
      for (const name of s.names) {
        if (initialized.has(name)) continue;
        initialized.add(name);
        const def = s.byName.get(name)!.def;
        setRaw(name, editing ? toRaw(def, rec!.data[name]) : Object.hasOwn(init, name) ? toRaw(def, init[name]) : defaultRaw(def));
      }
    });
  });

  const clearMessages = () => {
    setErrors(reconcile({}));
    setProblem(undefined);
    setConflict(false);
    setNote(undefined);
  };
  /** Start over from the record (or the defaults): a new record, a reload, a reset after create. */
  const restart = (rec: EntityRecord | null) => {
    initialized.clear();
    clearMessages();
    setBase(rec);
    setGeneration((g) => g + 1);
  };

  let loadSeq = 0;
  async function loadRecord(entity: string, id: string) {
    const seq = ++loadSeq;
    setLoadError(undefined);
    try {
      const rec = await props.ctx.source.get(entity, id);
      if (seq === loadSeq) restart(rec);
    } catch (e) {
      if (seq === loadSeq) setLoadError(messageOf(e));
    }
  }
  createEffect(
    on([entityName, recordId], ([entity, id]) => {
      loadSeq++;
      if (mode() === "edit" && entity && id) {
        setBase(null);
        void loadRecord(entity, id);
      }
    }),
  );

  /** The user changed something since the record was loaded. */
  const dirty = () => {
    const rec = base();
    const s = shown();
    return !!rec && s.names.some((n) => rawChanged(raw[n], toRaw(s.byName.get(n)!.def, rec.data[n])));
  };
  // Changes made elsewhere: an untouched form follows them; a deleted record is said so.
  const unlisten = props.ctx.source.listen({
    entity: (ch) => {
      const rec = base();
      if (!rec || busy() || ch.entity !== rec.entity || ch.id !== rec.id) return;
      if (ch.op === "delete") setProblem({ message: t("recordGone", { entity: inSentence(entityLabel()) }), issues: [] });
      else if (ch.version > rec.version && !dirty()) void loadRecord(rec.entity, rec.id);
    },
  });
  onCleanup(unlisten);

  let root!: HTMLDivElement;
  let alertBox: HTMLDivElement | undefined;
  onMount(() => setInDialog(!!root.closest('[role="dialog"]')));
  // In a dialog the first field gets focus once, when the form is first there (the dialog focused its close button).
  let focused = false;
  createEffect(
    on(
      () => inDialog() && ready() && shown().names[0],
      (first) => {
        if (!first || focused) return;
        focused = true;
        requestAnimationFrame(() => document.getElementById(shown().byName.get(first)?.controlId ?? "")?.focus());
      },
    ),
  );

  const fieldErrors = () => shown().names.some((n) => errors[n]);
  const focusFirstError = () => {
    const s = shown();
    const name = s.names.find((n) => errors[n]);
    const el = name ? document.getElementById(s.byName.get(name)!.controlId) : alertBox;
    if (el?.isConnected) el.focus();
  };

  function showError(err: unknown) {
    const s = shown();
    if (err instanceof RpcError && err.issues.length) {
      const byField: Record<string, string> = {};
      const other: string[] = [];
      for (const i of err.issues) {
        const key = i.field?.split(/[.[]/)[0];
        if (key && s.byName.has(key)) byField[key] = byField[key] ? `${byField[key]} ${i.message}` : i.message;
        else other.push(i.message);
      }
      setErrors(reconcile(byField));
      setProblem({ issues: other });
    } else if (err instanceof RpcError && err.code === CONFLICT && (err.data as { rule?: unknown } | undefined)?.rule === "version") {
      setConflict(true);
    } else {
      // A reply that is not JSON-RPC (a proxy's 502, a crash) says so in words, not as "HTTP 500".
      setProblem({ message: err instanceof RpcError && err.code === BAD_REPLY ? t("serverFailed", { detail: err.message }) : messageOf(err), issues: [] });
    }
    focusFirstError();
  }

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const entity = entityName();
    const rec = base();
    const editing = mode() === "edit";
    if (busy() || !entity || (editing && !rec) || !allowed()) return;
    const s = shown();
    const data: Record<string, unknown> = {};
    const local: Record<string, string> = {};
    for (const name of s.names) {
      const f = s.byName.get(name)!;
      if (readOnlyType(f.def) || (rec && !rawChanged(raw[name], toRaw(f.def, rec.data[name])))) continue;
      // A number or date the browser could not parse reads as "": say so rather than send nothing.
      if ((document.getElementById(f.controlId) as HTMLInputElement | null)?.validity?.badInput) {
        local[name] = t(f.def.type === "integer" || f.def.type === "number" ? "notNumber" : "invalidDate");
        continue;
      }
      const c = fromRaw(f.def, raw[name]);
      if ("error" in c) local[name] = t(c.error, { detail: c.detail ?? "" });
      else if (editing || (c.value !== null && !(Array.isArray(c.value) && !c.value.length))) data[name] = c.value;
    }
    // Starting values for fields this form does not show (a "new task" of one project) still go.
    if (!editing) for (const [k, v] of Object.entries(initial())) if (!s.byName.has(k) && v !== undefined) data[k] = v;
    clearMessages();
    if (Object.keys(local).length) {
      setErrors(local);
      setProblem({ issues: [] });
      return focusFirstError();
    }
    if (rec && !Object.keys(data).length) {
      props.ctx.notify(t("noChanges"));
      return props.ctx.closeModal(rec);
    }
    setBusy(true);
    try {
      const saved = rec ? await props.ctx.source.update(entity, rec.id, data, rec.version) : await props.ctx.source.create(entity, data);
      props.ctx.notify(t(rec ? "saved" : "created", { entity: entityLabel() }));
      restart(rec ? saved : null);
      props.ctx.closeModal(saved);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  }

  /** After a conflict: the latest version, with the fields the user changed keeping their input. */
  async function reloadLatest() {
    const rec = base();
    const entity = entityName();
    if (!rec || !entity) return;
    try {
      const latest = await props.ctx.source.get(entity, rec.id);
      const s = shown();
      for (const name of s.names) {
        const def = s.byName.get(name)!.def;
        if (!rawChanged(raw[name], toRaw(def, rec.data[name]))) setRaw(name, toRaw(def, latest.data[name]));
      }
      setBase(latest);
      setConflict(false);
      setNote(t("reloaded"));
    } catch (e) {
      setProblem({ message: messageOf(e), issues: [] });
    }
  }

  const title = () => prop.string(props.c, "title");
  const submitLabel = () => prop.string(props.c, "submitLabel") ?? t(mode() === "edit" ? "save" : "create");

  return (
    <div ref={root} class="tq-form" classList={{ card: !inDialog(), "in-dialog": inDialog() }}>
      <Show when={title()}>
        <h2 class="tq-form-title">{title()}</h2>
      </Show>
      <Switch>
        <Match when={!entityName()}>
          <ErrorBox message={t("noEntity")} />
        </Match>
        <Match when={!props.c.entity}>
          <ErrorBox message={t("unknownEntity", { entity: entityName() ?? "" })} />
        </Match>
        <Match when={mode() === "create" && !allowed()}>
          <p class="tq-form-empty">{t("mayNotCreate", { entity: inSentence(entityLabel()) })}</p>
        </Match>
        <Match when={mode() === "edit" && !recordId()}>
          <p class="tq-form-empty">{t("selectToEdit", { entity: inSentence(entityLabel()) })}</p>
        </Match>
        <Match when={loadError()}>
          <ErrorBox
            title={t("loadFailed", { entity: inSentence(entityLabel()) })}
            message={loadError()!}
            onRetry={() => void loadRecord(entityName()!, recordId()!)}
          />
        </Match>
        <Match when={!ready()}>
          <Skeleton lines={6} />
        </Match>
        <Match when={true}>
          <form class="tq-form-body" noValidate onSubmit={submit} aria-busy={busy()}>
            <Show when={shown().unknown.length}>
              <p class="tq-form-warning">{t("unknownFields", { fields: shown().unknown.join(", ") })}</p>
            </Show>
            <Show when={problem() && (problem()!.message || problem()!.issues.length || fieldErrors()) ? problem() : undefined}>
              {(p) => (
                <div ref={alertBox} class="tq-form-alert" role="alert" tabindex="-1">
                  <strong>{t("couldNotSave", { entity: inSentence(entityLabel()) })}</strong>
                  <Show when={p().message}>
                    <p>{p().message}</p>
                  </Show>
                  <Show when={fieldErrors()}>
                    <p>{t("fixFields")}</p>
                  </Show>
                  <Show when={p().issues.length}>
                    <ul>
                      <For each={p().issues}>{(m) => <li>{m}</li>}</For>
                    </ul>
                  </Show>
                </div>
              )}
            </Show>
            <Show when={conflict()}>
              <div ref={alertBox} class="tq-form-alert" role="alert" tabindex="-1">
                <strong>{t("conflict", { entity: inSentence(entityLabel()) })}</strong>
                <p>{t("reloadHint")}</p>
                <button type="button" class="button" onClick={() => void reloadLatest()}>
                  {t("reloadLatest")}
                </button>
              </div>
            </Show>
            <Show when={note()}>
              <p class="tq-form-note" role="status">
                {note()}
              </p>
            </Show>
            <Show when={!allowed()}>
              <p class="tq-form-note">{t("readOnly", { entity: inSentence(entityLabel()) })}</p>
            </Show>
            <fieldset class="tq-fieldset" disabled={!allowed()}>
              <div class="tq-fields">
                <For each={shown().names}>
                  {(name) => (
                    <Show when={shown().byName.get(name)}>
                      {(f) => (
                        <FieldRow
                          field={f()}
                          value={raw[name]}
                          stored={base() ? base()!.data[name] : initial()[name]}
                          set={(v) => {
                            setRaw(name, v);
                            if (errors[name]) setErrors(name, undefined);
                          }}
                          error={errors[name]}
                          ctx={props.ctx}
                        />
                      )}
                    </Show>
                  )}
                </For>
              </div>
            </fieldset>
            <div class="tq-form-actions">
              <Show when={inDialog()}>
                <button type="button" class="button" onClick={() => props.ctx.closeModal()}>
                  {allowed() ? t("cancel") : t("close")}
                </button>
              </Show>
              <Show when={allowed()}>
                <button type="submit" class="button primary" aria-disabled={busy() || undefined}>
                  <Show when={busy()}>
                    <span class="tq-spinner" aria-hidden="true" />
                  </Show>
                  {busy() ? t("saving") : submitLabel()}
                </button>
              </Show>
            </div>
          </form>
        </Match>
      </Switch>
    </div>
  );
}

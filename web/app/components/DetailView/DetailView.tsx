// One record for reading: the record `recordId`, or the page's open record when it is of
// this entity type. Its fields as a definition list formatted per type, references as links
// that open the referenced record, and for each relationship of the model that involves
// the type a short list of the related records. Edit opens the form; Delete first says
// what the relationships' onDelete rules will do to related records (each shown only when
// the signed-in user may do it). Changes made anywhere
// arrive live: the record is refetched, a deletion is said so, related lists refresh.
import { createEffect, createMemo, createSignal, createUniqueId, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import { fmt } from "../../lib/i18n";
import { recordLabel } from "../../lib/source";
import type { EntityRecord, Relationship } from "../../lib/types";
import { ErrorBox, messageOf, Skeleton } from "../../ui/Status";
import { type ComponentProps, may, prop } from "../contract";
import { FieldValue } from "./FieldValue";
import { countOf, inSentence, t } from "./messages";
import { RelatedList } from "./RelatedList";
import "./DetailView.css";

type Status = "none" | "loading" | "ready" | "error" | "deleted";

export default function DetailView(props: ComponentProps) {
  const headingId = createUniqueId();
  // Memos: `c` may be replaced by an equal definition (a model change); only a real change of these reloads.
  const entityName = createMemo(() => props.c.entity?.name ?? prop.string(props.c, "entity"));
  const entityLabel = () => props.c.entity?.label ?? entityName() ?? "";
  const display = () => props.c.entity?.display ?? props.ctx.entityMeta(entityName() ?? "")?.display ?? null;
  const recordId = createMemo(() => {
    const r = props.ctx.record();
    return prop.string(props.c, "recordId") ?? (r && r.entity === entityName() ? r.id : undefined);
  });

  /** The fields shown: those named in props (with their labels), else all but the display field (it is the heading). */
  const fields = createMemo(() => {
    const labels = new Map<string, string>();
    const asked = prop.list(props.c, "fields");
    for (const a of asked)
      if (a && typeof a === "object" && typeof (a as { field?: unknown }).field === "string" && typeof (a as { label?: unknown }).label === "string")
        labels.set((a as { field: string }).field, (a as { label: string }).label);
    return (props.c.fields ?? [])
      .map((def) => ({ def, name: def.field ?? def.name, label: labels.get(def.field ?? def.name) ?? def.label }))
      .filter((f) => asked.length > 0 || f.name !== display());
  });

  /** Relationships involving the type, with the type on the other side; a parent already shown as a reference field is left out. */
  const relations = createMemo(() => {
    const e = entityName();
    const rels = props.ctx.meta()?.relationships ?? [];
    const own = props.ctx.entityMeta(e ?? "")?.fields ?? [];
    const out: { rel: Relationship; other: string }[] = [];
    for (const rel of rels) {
      if (rel.from === e) out.push({ rel, other: rel.to });
      else if (rel.to === e && (rel.kind === "n:m" || !own.some((f) => f.name === rel.inverse && f.type === "reference"))) out.push({ rel, other: rel.from });
    }
    return out;
  });

  const [rec, setRec] = createSignal<EntityRecord>();
  const [status, setStatus] = createSignal<Status>("none");
  const [error, setError] = createSignal("");
  const [refresh, setRefresh] = createSignal(0);
  const [deleting, setDeleting] = createSignal(false);

  let seq = 0;
  async function load(entity: string, id: string, quiet = false) {
    const mine = ++seq;
    if (!quiet) setStatus("loading");
    try {
      const r = await props.ctx.source.get(entity, id);
      if (mine !== seq) return;
      setRec(r);
      setStatus("ready");
    } catch (e) {
      if (mine !== seq) return;
      setError(messageOf(e));
      setStatus("error");
    }
  }
  createEffect(
    on([entityName, recordId], ([entity, id]) => {
      seq++;
      setRec(undefined);
      if (entity && id) void load(entity, id);
      else setStatus((s) => (s === "deleted" ? s : "none"));
    }),
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  const unlisten = props.ctx.source.listen({
    entity: (ch) => {
      const r = rec();
      if (!r) return;
      if (ch.entity === r.entity && ch.id === r.id) {
        if (ch.op === "delete") {
          seq++;
          setRec(undefined);
          setStatus("deleted");
        } else if (ch.version > r.version) void load(r.entity, r.id, true);
      } else if (relations().some((x) => x.other === ch.entity)) {
        // A burst of changes (an import, a cascade) refreshes the lists once.
        clearTimeout(timer);
        timer = setTimeout(() => setRefresh((n) => n + 1), 120);
      }
    },
    resync: () => {
      const r = rec();
      if (r) void load(r.entity, r.id, true);
      setRefresh((n) => n + 1);
    },
  });
  onCleanup(() => {
    unlisten();
    clearTimeout(timer);
  });

  async function edit(r: EntityRecord) {
    const saved = await props.ctx.openForm({ entity: r.entity, id: r.id });
    if (saved && rec()?.id === r.id) void load(r.entity, r.id, true);
  }

  /** What deleting the record does to related records, by each relationship's onDelete rule. */
  async function deleteEffects(r: EntityRecord): Promise<string[]> {
    const out: string[] = [];
    for (const { rel, other } of relations()) {
      if (rel.from !== r.entity && rel.kind !== "n:m") continue;
      let n = 0;
      try {
        const p = await props.ctx.source.related(r.entity, r.id, rel.name, { limit: 1, total: true });
        n = p.pagination.total ?? p.data.length;
      } catch {
        continue; // the server still applies the rule; the question just cannot name the count
      }
      if (!n) continue;
      const items = countOf(n, props.ctx.entityMeta(other)?.label ?? other);
      const rule = rel.onDelete ?? "restrict";
      if (rule === "restrict") out.push(t("restricted", { items }));
      else if (rel.kind === "n:m") out.push(t("unlinks", { items }));
      else out.push(t(rule === "cascade" ? "alsoDeletes" : "keepsWithout", { items }));
    }
    return out;
  }

  async function remove(r: EntityRecord) {
    if (deleting()) return;
    setDeleting(true);
    try {
      const effects = await deleteEffects(r);
      const yes = await props.ctx.confirm({
        title: t("deleteTitle", { entity: inSentence(entityLabel()) }),
        message: [t("deleteWhat", { name: recordLabel(r, display()) }), ...effects].join(" "),
        confirmLabel: t("delete"),
        danger: true,
      });
      if (!yes) return;
      await props.ctx.source.delete(r.entity, r.id);
      props.ctx.notify(t("deleted", { entity: entityLabel() }));
      seq++;
      setRec(undefined);
      setStatus("deleted");
      props.ctx.openRecord(null);
    } catch (e) {
      props.ctx.notify(t("deleteFailed", { message: messageOf(e) }), "error");
    } finally {
      setDeleting(false);
    }
  }

  const kicker = () => prop.string(props.c, "title") ?? entityLabel();

  return (
    <section class="tq-dv card" aria-labelledby={headingId} aria-busy={status() === "loading" || undefined}>
      <Switch>
        <Match when={!entityName()}>
          <ErrorBox message={t("noEntity")} />
        </Match>
        <Match when={!props.c.entity}>
          <ErrorBox message={t("unknownEntity", { entity: entityName() ?? "" })} />
        </Match>
        <Match when={rec()}>
          {(r) => (
            <>
              <header class="tq-dv-head">
                <div class="tq-dv-titles">
                  <p class="tq-dv-kicker">{kicker()}</p>
                  <h2 id={headingId}>{recordLabel(r(), display())}</h2>
                </div>
                <div class="tq-dv-actions">
                  <Show when={may(props.ctx, r().entity, "update")}>
                    <button type="button" class="button" onClick={() => void edit(r())}>
                      {t("edit")}
                    </button>
                  </Show>
                  <Show when={may(props.ctx, r().entity, "delete")}>
                    <button type="button" class="button tq-dv-delete" aria-disabled={deleting() || undefined} onClick={() => void remove(r())}>
                      {t("delete")}
                    </button>
                  </Show>
                </div>
              </header>
              <dl class="tq-dv-fields">
                <For each={fields()}>
                  {(f) => (
                    <div class="tq-dv-row" data-field={f.name}>
                      <dt>{f.label}</dt>
                      <dd>
                        <FieldValue def={f.def} value={r().data[f.name]} ctx={props.ctx} />
                      </dd>
                    </div>
                  )}
                </For>
              </dl>
              <p class="tq-dv-meta">{t("updated", { when: fmt.datetime(r().updatedAt) })}</p>
              <For each={relations()}>
                {(x) => <RelatedList entity={r().entity} id={r().id} rel={x.rel} other={x.other} refresh={refresh()} ctx={props.ctx} />}
              </For>
            </>
          )}
        </Match>
        <Match when={status() === "error"}>
          <h2 id={headingId} class="tq-dv-kicker">
            {kicker()}
          </h2>
          <ErrorBox title={t("loadFailed", { entity: inSentence(entityLabel()) })} message={error()} onRetry={() => void load(entityName()!, recordId()!)} />
        </Match>
        <Match when={status() === "loading"}>
          <h2 id={headingId} class="tq-dv-kicker">
            {kicker()}
          </h2>
          <Skeleton lines={7} />
        </Match>
        <Match when={true}>
          <div class="tq-dv-emptystate">
            <h2 id={headingId} class="tq-dv-kicker">
              {kicker()}
            </h2>
            <Show when={status() === "deleted"}>
              <p class="tq-dv-deleted" role="status">
                {t("deletedNote", { entity: inSentence(entityLabel()) })}
              </p>
            </Show>
            <p>{t("selectOne", { entity: inSentence(entityLabel()) })}</p>
          </div>
        </Match>
      </Switch>
    </section>
  );
}

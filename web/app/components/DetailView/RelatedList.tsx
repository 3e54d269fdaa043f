// The records related to the shown one through one relationship: how many there are
// ("12 tasks") and the first ten as links that open them. Reloaded when `refresh` changes
// (a related record changed); the previous list stays while the new one loads.
import { createResource, createUniqueId, For, Match, Show, Switch } from "solid-js";
import { fmt } from "../../lib/i18n";
import { recordLabel } from "../../lib/source";
import type { Relationship } from "../../lib/types";
import { messageOf, Skeleton } from "../../ui/Status";
import type { ComponentContext } from "../contract";
import { RecordLink } from "./FieldValue";
import { countOf, pluralOf, t } from "./messages";

export const RELATED_SHOWN = 10;

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function RelatedList(props: { entity: string; id: string; rel: Relationship; other: string; refresh: number; ctx: ComponentContext }) {
  const headingId = createUniqueId();
  const other = () => props.ctx.entityMeta(props.other);
  const label = () => other()?.label ?? props.other;
  /** An enum of the related type (a status) shown beside each item. */
  const badge = () => other()?.fields.find((f) => f.type === "enum")?.name;
  const [page, { refetch }] = createResource(
    () => ({ entity: props.entity, id: props.id, rel: props.rel.name, n: props.refresh }),
    (k) => props.ctx.source.related(k.entity, k.id, k.rel, { limit: RELATED_SHOWN, total: true }),
  );
  const items = () => (page.error ? [] : (page.latest?.data ?? []));
  const total = () => {
    const p = page.error ? undefined : page.latest;
    return p ? (p.pagination.total ?? (p.pagination.nextCursor ? undefined : p.data.length)) : undefined;
  };

  return (
    <section class="tq-dv-related" aria-labelledby={headingId} data-relationship={props.rel.name}>
      <h3 id={headingId}>{total() !== undefined ? countOf(total()!, label()) : capital(pluralOf(label()))}</h3>
      <Switch>
        <Match when={page.error}>
          <p class="tq-dv-related-error">
            {t("relatedFailed", { message: messageOf(page.error) })}{" "}
            <button type="button" class="tq-dv-textbutton" onClick={() => void refetch()}>
              {t("retry")}
            </button>
          </p>
        </Match>
        <Match when={!page.latest}>
          <Skeleton lines={2} />
        </Match>
        <Match when={!items().length}>
          <p class="tq-dv-none">{t("noRelated", { items: pluralOf(label()) })}</p>
        </Match>
        <Match when={true}>
          <ul class="tq-dv-items">
            <For each={items()}>
              {(r) => (
                <li>
                  <RecordLink entity={props.other} id={r.id} label={recordLabel(r, other()?.display)} ctx={props.ctx} />
                  <Show when={badge() && r.data[badge()!] !== undefined && r.data[badge()!] !== null}>
                    <span class="tq-dv-badge">{String(r.data[badge()!])}</span>
                  </Show>
                </li>
              )}
            </For>
          </ul>
          <Show when={(total() ?? 0) > items().length}>
            <p class="tq-dv-more">{t("moreRelated", { shown: fmt.number(items().length), total: fmt.number(total()!) })}</p>
          </Show>
        </Match>
      </Switch>
    </section>
  );
}

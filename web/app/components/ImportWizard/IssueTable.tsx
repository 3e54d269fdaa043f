// Every problem the server found, one line each: the row as people count it, the field,
// the value the file holds there, and the server's message. Scrolls inside its box; a
// very long list shows its first SHOWN lines and says how many there are.
import { createMemo, For, Show } from "solid-js";
import { fmt } from "../../lib/i18n";
import type { FieldDefinition, Issue } from "../../lib/types";
import { t } from "./messages";
import { display, type Table } from "./parse";

const SHOWN = 1000;

export function IssueTable(props: { issues: Issue[]; table: Table; mapping: string[]; fields: FieldDefinition[] }) {
  const column = createMemo(() => new Map(props.mapping.flatMap((f, i) => (f ? [[f, i] as const] : []))));
  const label = (name: string) => props.fields.find((f) => f.name === name)?.label ?? name;
  const value = (i: Issue) => {
    const col = column().get(i.field);
    return i.row === undefined || col === undefined ? "" : display(props.table.rows[i.row - 1]?.[col]);
  };
  return (
    <>
      <section class="iw-scroll iw-issues" tabindex="0" aria-label={t("problemsCaption")}>
        <table class="iw-table">
          <caption class="visually-hidden">{t("problemsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col" class="num">
                {t("row")}
              </th>
              <th scope="col">{t("field")}</th>
              <th scope="col">{t("value")}</th>
              <th scope="col">{t("problem")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.issues.slice(0, SHOWN)}>
              {(i) => (
                <tr>
                  <td class="num">{i.row === undefined ? "–" : fmt.number(i.row)}</td>
                  <td>{label(i.field)}</td>
                  <td class="iw-value">{value(i)}</td>
                  <td>{i.message}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </section>
      <Show when={props.issues.length > SHOWN}>
        <p class="iw-muted">{t("shown", { shown: fmt.number(SHOWN), total: fmt.number(props.issues.length) })}</p>
      </Show>
    </>
  );
}

// Step 2: which field each column goes into (or skip it), matched by name already, with
// what is wrong with the matching said plainly and the first rows shown as they will
// be imported.
import { createMemo, createUniqueId, For, Index, Show } from "solid-js";
import type { FieldDefinition } from "../../lib/types";
import { count, t } from "./messages";
import { display, type Table } from "./parse";

const PREVIEW = 5;

/** What stops the check: no column matched, or a field matched twice. Required fields left out only warn. */
export function mappingProblems(table: Table, mapping: string[], fields: FieldDefinition[]) {
  const label = (name: string) => fields.find((f) => f.name === name)?.label ?? name;
  const byField = new Map<string, number[]>();
  mapping.forEach((f, i) => f && byField.set(f, [...(byField.get(f) ?? []), i]));
  const twice = [...byField].filter(([, cols]) => cols.length > 1);
  return {
    none: byField.size === 0,
    twice: twice.map(([f, cols]) => ({ field: f, cols, text: t("twice", { field: label(f), columns: cols.map((i) => table.headers[i]).join(", ") }) })),
    missing: fields.filter((f) => f.required && f.default === undefined && !byField.has(f.name)).map((f) => f.label),
  };
}

export function MapStep(props: {
  table: Table;
  mapping: string[];
  fields: FieldDefinition[];
  entityLabel: string;
  onMap(column: number, field: string): void;
}) {
  const ids = { twice: createUniqueId(), missing: createUniqueId(), preview: createUniqueId() };
  const problems = createMemo(() => mappingProblems(props.table, props.mapping, props.fields));
  const clashing = (i: number) => problems().twice.some((x) => x.cols.includes(i));
  const firstValue = (i: number) => display(props.table.rows.find((r) => display(r[i]) !== "")?.[i]);
  const shown = createMemo(() => props.mapping.flatMap((f, i) => (f ? [{ i, label: props.fields.find((x) => x.name === f)?.label ?? f }] : [])));
  const sample = () => props.table.rows.slice(0, PREVIEW);

  return (
    <>
      <p class="iw-muted">{t("mapIntro", { entity: props.entityLabel })}</p>
      <div class="iw-scroll">
        <table class="iw-table iw-map">
          <thead>
            <tr>
              <th scope="col">{t("column")}</th>
              <th scope="col">{t("firstValue")}</th>
              <th scope="col">{t("field")}</th>
            </tr>
          </thead>
          <tbody>
            <Index each={props.table.headers}>
              {(header, i) => (
                <tr classList={{ skipped: !props.mapping[i] }}>
                  <th scope="row">{header()}</th>
                  <td class="iw-value">{firstValue(i)}</td>
                  <td>
                    <select
                      aria-label={t("fieldFor", { column: header() })}
                      aria-invalid={clashing(i) ? "true" : undefined}
                      aria-describedby={clashing(i) ? ids.twice : undefined}
                      onChange={(e) => props.onMap(i, e.currentTarget.value)}
                    >
                      <option value="" selected={!props.mapping[i]}>
                        {t("skip")}
                      </option>
                      <For each={props.fields}>
                        {(f) => (
                          <option value={f.name} selected={props.mapping[i] === f.name}>
                            {f.label}
                          </option>
                        )}
                      </For>
                    </select>
                  </td>
                </tr>
              )}
            </Index>
          </tbody>
        </table>
      </div>
      <div aria-live="polite">
        <Show when={problems().twice.length}>
          <div class="iw-note bad" id={ids.twice}>
            <For each={problems().twice}>{(x) => <p>{x.text}</p>}</For>
          </div>
        </Show>
        <Show when={problems().none}>
          <p class="iw-note bad">{t("nothingMatched")}</p>
        </Show>
        <Show when={problems().missing.length}>
          <p class="iw-note warn" id={ids.missing}>
            {t("requiredMissing", { fields: problems().missing.join(", ") })}
          </p>
        </Show>
      </div>
      <Show when={shown().length}>
        <h4 class="iw-subhead" id={ids.preview}>
          {t("preview")}
        </h4>
        <section class="iw-scroll" tabindex="0" aria-labelledby={ids.preview}>
          <table class="iw-table">
            <thead>
              <tr>
                <For each={shown()}>{(c) => <th scope="col">{c.label}</th>}</For>
              </tr>
            </thead>
            <tbody>
              <For each={sample()}>
                {(row) => (
                  <tr>
                    <For each={shown()}>{(c) => <td class="iw-value">{display(row[c.i])}</td>}</For>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </section>
        <Show when={props.table.rows.length > PREVIEW}>
          <p class="iw-muted">{t("previewMore", { rows: count("rows", props.table.rows.length) })}</p>
        </Show>
      </Show>
    </>
  );
}

// Step 4: the import itself, all or nothing. Success says how many records were made;
// a refusal or failure keeps the user here with the reason (and every problem, if the
// server listed them), to try again or go back.
import { Match, Show, Switch } from "solid-js";
import type { FieldDefinition } from "../../lib/types";
import { ErrorBox } from "../../ui/Status";
import { IssueTable } from "./IssueTable";
import { count, t } from "./messages";
import { failureMessage, issuesOf, type Outcome, okCount, rowsIn } from "./outcome";
import type { Table } from "./parse";

export function ImportStep(props: {
  outcome: Outcome | undefined;
  table: Table;
  mapping: string[];
  fields: FieldDefinition[];
  entityLabel: string;
  onRetry(): void;
}) {
  const o = () => props.outcome;
  const issues = () => issuesOf(o());
  return (
    <>
      <div aria-live="polite">
        <Switch>
          <Match when={o()?.state === "loading"}>
            <p class="iw-progress">
              <span class="iw-spinner" aria-hidden="true" />
              {t("importing", { records: count("records", props.table.rows.length) })}
            </p>
          </Match>
          <Match when={okCount(o()) !== undefined}>
            <div class="iw-result good big">
              <span class="iw-result-icon" aria-hidden="true">
                ✓
              </span>
              <div>
                <p>
                  <strong>{t("imported", { records: count("records", okCount(o()) ?? 0) })}</strong>
                </p>
                <p class="iw-muted">{t("importedHint", { entity: props.entityLabel })}</p>
              </div>
            </div>
          </Match>
        </Switch>
      </div>
      <Show
        when={
          failureMessage(o()) ??
          (issues().length ? t("found", { problems: count("problems", issues().length), rows: count("rows", rowsIn(issues())) }) : undefined)
        }
      >
        {(message) => <ErrorBox title={t("importFailed")} message={message()} onRetry={() => props.onRetry()} />}
      </Show>
      <Show when={issues().length}>
        <IssueTable issues={issues()} table={props.table} mapping={props.mapping} fields={props.fields} />
      </Show>
    </>
  );
}

// Step 3: the dry run's answer. Only the sentence is in the live region; the list of
// problems below it is read when the user goes there, not announced line by line.
import { Match, Show, Switch } from "solid-js";
import type { FieldDefinition } from "../../lib/types";
import { ErrorBox } from "../../ui/Status";
import { IssueTable } from "./IssueTable";
import { count, t } from "./messages";
import { failureMessage, issuesOf, type Outcome, okCount, rowsIn } from "./outcome";
import type { Table } from "./parse";

export function CheckStep(props: {
  outcome: Outcome | undefined;
  table: Table;
  mapping: string[];
  fields: FieldDefinition[];
  onRetry(): void;
  onUploadAgain(): void;
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
              {t("checking", { rows: count("rows", props.table.rows.length) })}
            </p>
          </Match>
          <Match when={okCount(o()) !== undefined}>
            <p class="iw-result good">
              <span class="iw-result-icon" aria-hidden="true">
                ✓
              </span>
              {okCount(o()) === 1 ? t("oneValid") : t("allValid", { rows: count("rows", okCount(o()) ?? 0) })}
            </p>
          </Match>
          <Match when={issues().length}>
            <div class="iw-result bad">
              <span class="iw-result-icon" aria-hidden="true">
                !
              </span>
              <div>
                <p>
                  <strong>{t("found", { problems: count("problems", issues().length), rows: count("rows", rowsIn(issues())) })}</strong>
                </p>
                <p class="iw-muted">{t("foundHint")}</p>
              </div>
            </div>
          </Match>
        </Switch>
      </div>
      <Show when={issues().length}>
        <IssueTable issues={issues()} table={props.table} mapping={props.mapping} fields={props.fields} />
        <p>
          <button type="button" class="button" onClick={() => props.onUploadAgain()}>
            {t("uploadAgain")}
          </button>
        </p>
      </Show>
      <Show when={failureMessage(o())}>{(message) => <ErrorBox title={t("checkFailed")} message={message()} onRetry={() => props.onRetry()} />}</Show>
    </>
  );
}

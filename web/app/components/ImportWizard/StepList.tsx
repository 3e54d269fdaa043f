// Where the user is: the four steps in order, the current one marked with
// aria-current="step", the ones behind it ticked off (and said to be done).
import { For, Show } from "solid-js";
import { t } from "./messages";
import type { StepNo } from "./start";

const STEPS = ["stepUpload", "stepMap", "stepCheck", "stepImport"] as const;

/** `finished`: the last step is done too (the import succeeded). */
export function StepList(props: { step: StepNo; finished?: boolean }) {
  return (
    <nav aria-label={t("steps")}>
      <ol class="iw-steps">
        <For each={STEPS}>
          {(key, i) => {
            const n = () => i() + 1;
            const done = () => n() < props.step || !!props.finished;
            return (
              <li
                class="iw-step"
                classList={{ current: n() === props.step && !props.finished, done: done() }}
                aria-current={n() === props.step ? "step" : undefined}
              >
                <span class="iw-step-num" aria-hidden="true">
                  {done() ? "✓" : n()}
                </span>
                <span class="iw-step-label">
                  {t(key)}
                  <Show when={done()}>
                    <span class="visually-hidden"> {t("doneMark")}</span>
                  </Show>
                </span>
              </li>
            );
          }}
        </For>
      </ol>
    </nav>
  );
}

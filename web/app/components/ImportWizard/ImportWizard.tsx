// Import records of one entity type from a CSV or JSON file in four steps: upload, match
// columns to fields, check (a dry run on the server: every bad row listed, nothing
// written), import (all or nothing). Matched rows go to the server as CSV with field
// names for headers, so its lenient reading of text applies to JSON files too, and the
// text that was checked is the text that is imported.
import "./ImportWizard.css";
import { type Accessor, createComputed, createEffect, createMemo, createSignal, createUniqueId, Match, on, Show, Switch, untrack } from "solid-js";
import type { EntityMeta } from "../../lib/types";
import { ErrorBox } from "../../ui/Status";
import { type ComponentContext, type ComponentProps, may, prop } from "../contract";
import { CheckStep } from "./CheckStep";
import { ImportStep } from "./ImportStep";
import { MapStep, mappingProblems } from "./MapStep";
import { count, t } from "./messages";
import { failureOf, type Outcome, okCount } from "./outcome";
import { autoMap, detectFormat, parseText, toCsv } from "./parse";
import { StepList } from "./StepList";
import { type StepNo, startOf } from "./start";
import { type Upload, UploadStep } from "./UploadStep";

export default function ImportWizard(props: ComponentProps) {
  const titleId = createUniqueId();
  const name = createMemo(() => prop.string(props.c, "entity"));
  const entity = createMemo(() => {
    const n = name();
    return n ? props.ctx.entityMeta(n) : undefined;
  });
  return (
    <section class="card iw" aria-labelledby={titleId}>
      <h2 id={titleId} class="iw-title">
        {prop.string(props.c, "title") ?? t("title", { entity: entity()?.label ?? name() ?? "" })}
      </h2>
      <Show when={entity()} fallback={<ErrorBox message={name() ? t("unknownEntity", { entity: name()! }) : t("noEntity")} />}>
        {(e) => (
          // Importing creates records: a user who may not create them is told so instead of a wizard whose end is refused.
          <Show when={may(props.ctx, e().name, "create")} fallback={<p class="iw-note">{t("mayNotCreate", { entity: e().label })}</p>}>
            <Wizard entity={e} ctx={props.ctx} />
          </Show>
        )}
      </Show>
    </section>
  );
}

const HEADINGS = { 1: "uploadHeading", 2: "mapHeading", 3: "checkHeading", 4: "importHeading" } as const;

function Wizard(props: { entity: Accessor<EntityMeta>; ctx: ComponentContext }) {
  const start = startOf(props.ctx);
  const [step, setStep] = createSignal<StepNo>(start?.step ?? 1);
  const [upload, setUpload] = createSignal<Upload | undefined>(start && { name: start.name, text: start.text });
  const parsed = createMemo(() => {
    const u = upload();
    return u ? parseText(u.text, detectFormat(u.text, u.pasted ? undefined : u.name)) : undefined;
  });
  const table = createMemo(() => {
    const p = parsed();
    return p?.ok ? p.table : undefined;
  });
  const fields = () => props.entity().fields;
  // A new file is matched afresh; a model change later keeps what the user chose.
  const [chosen, setChosen] = createSignal<string[]>([]);
  createComputed(on(table, (tb) => setChosen(tb ? autoMap(tb.headers, untrack(fields)) : [])));
  /** The matching, leaving out fields the model no longer has. */
  const mapping = createMemo(() => chosen().map((f) => (fields().some((x) => x.name === f) ? f : "")));
  const blocked = createMemo(() => {
    const tb = table();
    if (!tb) return true;
    const p = mappingProblems(tb, mapping(), fields());
    return p.none || p.twice.length > 0;
  });

  const [check, setCheck] = createSignal<Outcome>();
  const [result, setResult] = createSignal<Outcome>();
  // Answers to a request the user has left (went back, uploaded again) are dropped.
  let latest = 0;
  // The text checked is the text imported, whatever happens to the upload in between.
  let checked = "";
  function send(dryRun: boolean, set: (o: Outcome) => void) {
    const id = ++latest;
    set({ state: "loading" });
    props.ctx.source.bulkImport(props.entity().name, { format: "csv", data: checked, dryRun }).then(
      (r) => id === latest && set({ state: "ok", n: dryRun ? (r.wouldInsert ?? table()?.rows.length ?? 0) : r.inserted }),
      (e) => id === latest && set(failureOf(e)),
    );
  }
  const runCheck = () => {
    checked = toCsv(table()!, mapping());
    send(true, setCheck);
  };
  const runImport = () => send(false, setResult);

  const go = (s: StepNo) => {
    latest++;
    setStep(s);
    if (s === 3) runCheck();
    if (s === 4) runImport();
  };
  const restart = () => {
    setUpload(undefined);
    setCheck(undefined);
    setResult(undefined);
    go(1);
  };
  // A story may open at a later step: that step starts its work as if entered.
  if (start?.step === 3 && table()) runCheck();
  if (start?.step === 4 && table()) {
    checked = toCsv(table()!, mapping());
    runImport();
  }

  // Moving to another step puts the keyboard and screen reader on its heading.
  let heading!: HTMLHeadingElement;
  createEffect(on(step, () => heading.focus(), { defer: true }));

  return (
    <div class="iw-body">
      <StepList step={step()} finished={step() === 4 && okCount(result()) !== undefined} />
      <h3 ref={heading} tabindex="-1" class="iw-heading">
        {t(HEADINGS[step()])}
      </h3>
      <div class="iw-panel">
        <Switch>
          <Match when={step() === 1}>
            <UploadStep upload={upload()} parsed={parsed()} onUpload={setUpload} />
          </Match>
          <Match when={step() === 2 && table()}>
            {(tb) => (
              <MapStep
                table={tb()}
                mapping={mapping()}
                fields={fields()}
                entityLabel={props.entity().label}
                onMap={(i, f) => setChosen((m) => m.map((x, j) => (j === i ? f : x)))}
              />
            )}
          </Match>
          <Match when={step() === 3 && table()}>
            {(tb) => <CheckStep outcome={check()} table={tb()} mapping={mapping()} fields={fields()} onRetry={runCheck} onUploadAgain={restart} />}
          </Match>
          <Match when={step() === 4 && table()}>
            {(tb) => (
              <ImportStep outcome={result()} table={tb()} mapping={mapping()} fields={fields()} entityLabel={props.entity().label} onRetry={runImport} />
            )}
          </Match>
        </Switch>
      </div>
      <footer class="iw-foot">
        <Show when={step() > 1 && !(step() === 4 && okCount(result()) !== undefined)}>
          <button type="button" class="button" disabled={step() === 4 && result()?.state === "loading"} onClick={() => go((step() - 1) as StepNo)}>
            {t("back")}
          </button>
        </Show>
        <span class="iw-spacer" />
        <Switch>
          <Match when={step() === 1}>
            <button type="button" class="button primary" disabled={!table()} onClick={() => go(2)}>
              {t("next")}
            </button>
          </Match>
          <Match when={step() === 2}>
            <button type="button" class="button primary" disabled={blocked()} onClick={() => go(3)}>
              {t("check")}
            </button>
          </Match>
          <Match when={step() === 3}>
            <button type="button" class="button primary" disabled={check()?.state !== "ok"} onClick={() => go(4)}>
              {t("importN", { records: count("records", okCount(check()) ?? table()?.rows.length ?? 0) })}
            </button>
          </Match>
          <Match when={step() === 4 && okCount(result()) !== undefined}>
            <button
              type="button"
              class="button primary"
              onClick={() => {
                props.ctx.closeModal({ inserted: okCount(result()) });
                restart();
              }}
            >
              {t("done")}
            </button>
          </Match>
        </Switch>
      </footer>
    </div>
  );
}

// One field of the form: its label (with a required mark), the input for its type, its
// help text and the error the server (or the JSON check) reported, linked to the input
// with aria-describedby.
import { Match, Show, Switch } from "solid-js";
import type { ComponentContext } from "../contract";
import { CheckboxInput, ENUM_COMBO_FROM, EnumCombobox, EnumSelect, MULTI_CHIPS_FROM, MultiEnumChecks, MultiEnumChips } from "./inputs/choice";
import { FileValue } from "./inputs/FileValue";
import { DateInput, JsonInput, LongTextInput, NumberInput, TextInput } from "./inputs/text";
import type { FormField, InputProps } from "./inputs/types";
import { t } from "./messages";
import { ReferencePicker } from "./ReferencePicker";
import type { Raw } from "./values";

/** Field types that take the form's full width. */
const WIDE = new Set(["text", "longtext", "json", "multienum", "url", "email"]);

/** The visual mark; controls say "required" through aria-required, a group (which cannot) through hidden text. */
function RequiredMark(props: { when: boolean; group?: boolean }) {
  return (
    <Show when={props.when}>
      <span class="required" aria-hidden="true">
        *
      </span>
      <Show when={props.group}>
        <span class="visually-hidden"> ({t("required")})</span>
      </Show>
    </Show>
  );
}

export function FieldRow(props: {
  field: FormField;
  value: Raw | undefined;
  stored: unknown;
  set(v: Raw): void;
  error: string | undefined;
  ctx: ComponentContext;
}) {
  const def = () => props.field.def;
  const describedBy = () => [def().help && props.field.helpId, props.error && props.field.errorId].filter(Boolean).join(" ") || undefined;
  const input: InputProps = {
    get field() {
      return props.field;
    },
    get value() {
      return props.value;
    },
    set: (v) => props.set(v),
    get invalid() {
      return !!props.error;
    },
    get describedBy() {
      return describedBy();
    },
    get ctx() {
      return props.ctx;
    },
  };
  const manyValues = () => (def().values?.length ?? 0) > (def().type === "multienum" ? MULTI_CHIPS_FROM : ENUM_COMBO_FROM);
  const label = () => (
    <label class="tq-label" id={props.field.labelId} for={props.field.controlId}>
      {props.field.label}
      <RequiredMark when={def().required} />
    </label>
  );
  const notes = () => (
    <>
      <Show when={def().help}>
        <p class="help" id={props.field.helpId}>
          {def().help}
        </p>
      </Show>
      <Show when={props.error}>
        <p class="field-error" id={props.field.errorId}>
          {props.error}
        </p>
      </Show>
    </>
  );

  return (
    <div class="tq-field" classList={{ wide: WIDE.has(def().type), invalid: !!props.error }} data-field={props.field.name} data-type={def().type}>
      <Switch
        fallback={
          <>
            {label()}
            <TextInput {...input} />
          </>
        }
      >
        <Match when={def().type === "boolean"}>
          <div class="tq-switch">
            <CheckboxInput {...input} />
            <label id={props.field.labelId} for={props.field.controlId}>
              {props.field.label}
              <RequiredMark when={def().required} />
            </label>
          </div>
        </Match>
        <Match when={def().type === "multienum" && !manyValues()}>
          <fieldset class="tq-group" aria-describedby={describedBy()}>
            <legend class="tq-label" id={props.field.labelId}>
              {props.field.label}
              <RequiredMark when={def().required} group />
            </legend>
            <MultiEnumChecks {...input} />
          </fieldset>
        </Match>
        <Match when={def().type === "multienum"}>
          {label()}
          <MultiEnumChips {...input} />
        </Match>
        <Match when={def().type === "enum"}>
          {label()}
          <Show when={manyValues()} fallback={<EnumSelect {...input} />}>
            <EnumCombobox {...input} />
          </Show>
        </Match>
        <Match when={def().type === "reference"}>
          {label()}
          <ReferencePicker {...input} />
        </Match>
        <Match when={def().type === "integer" || def().type === "number"}>
          {label()}
          <NumberInput {...input} />
        </Match>
        <Match when={def().type === "date" || def().type === "datetime"}>
          {label()}
          <DateInput {...input} />
        </Match>
        <Match when={def().type === "longtext"}>
          {label()}
          <LongTextInput {...input} />
        </Match>
        <Match when={def().type === "json"}>
          {label()}
          <JsonInput {...input} />
        </Match>
        <Match when={def().type === "file"}>
          <fieldset class="tq-group" aria-describedby={describedBy()}>
            <legend class="tq-label" id={props.field.labelId}>
              {props.field.label}
            </legend>
            <FileValue stored={props.stored} />
          </fieldset>
        </Match>
      </Switch>
      {notes()}
    </div>
  );
}

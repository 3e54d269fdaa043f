// What every input of the form receives: its field (definition, label, element ids), the
// raw value from the form's store and a setter, and how it is described and flagged.

import type { FieldDefinition } from "../../../lib/types";
import type { ComponentContext } from "../../contract";
import type { Raw } from "../values";

export interface FormField {
  name: string;
  label: string;
  def: FieldDefinition;
  /** The focusable control (the first checkbox of a group). */
  controlId: string;
  labelId: string;
  helpId: string;
  errorId: string;
}

export interface InputProps {
  field: FormField;
  value: Raw | undefined;
  set(v: Raw): void;
  invalid: boolean;
  /** Ids of the help text and the error message, when shown. */
  describedBy: string | undefined;
  ctx: ComponentContext;
}

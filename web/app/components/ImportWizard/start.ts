// The gallery shows each step of the wizard without clicking through it: a story's
// context may carry the data to start with and the step to open at. An app's context
// never carries one, so there the wizard always starts at the upload.
import type { ComponentContext } from "../contract";

export type StepNo = 1 | 2 | 3 | 4;

export interface WizardStart {
  step: StepNo;
  /** The file's text and name, as if uploaded. */
  text: string;
  name: string;
}

const KEY = "importWizardStart";

export const startOf = (ctx: ComponentContext): WizardStart | undefined => (ctx as ComponentContext & { [KEY]?: WizardStart })[KEY];

/** Context overrides for a story that opens the wizard at `start.step` with `start.text` uploaded. */
export const startAt = (start: WizardStart): Partial<ComponentContext> => ({ [KEY]: start }) as Partial<ComponentContext>;

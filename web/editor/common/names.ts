// Whether a name typed for the model (an entity type, a field, a relationship, a key field)
// is one the server will take, so a bad one is refused where it is typed instead of by the
// save after the fact. The diagram and the entity editor ask the same question, so they
// share this answer and its messages (messages.ts).
import { NAME_PATTERN } from "../../../src/model/vocabulary";

const PATTERN = new RegExp(NAME_PATTERN);
/** The longest name the model format takes (src/model/schema.ts, Name); the messages say 63 too. */
export const NAME_MAX = 63;
/** Every record has an id already; the validator refuses a field of that name. */
export const RESERVED_FIELD_NAMES: readonly string[] = ["id"];

export type NameProblem = "commonNameRequired" | "commonNameInvalid" | "commonNameTooLong" | "commonNameTaken" | "commonNameReserved";

/** What is wrong with `name` (a message key), or null when it can be used. `taken` should not hold the name being renamed. */
export function nameProblem(name: string, taken: Iterable<string>, reserved: readonly string[] = []): NameProblem | null {
  if (!name) return "commonNameRequired";
  if (name.length > NAME_MAX) return "commonNameTooLong";
  if (!PATTERN.test(name)) return "commonNameInvalid";
  if (reserved.includes(name)) return "commonNameReserved";
  for (const t of taken) if (t === name) return "commonNameTaken";
  return null;
}

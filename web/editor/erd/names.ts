// Checks of the names the diagram asks for (entity types, relationships, key fields), so a
// bad one is refused where it is typed instead of by the server after the fact.
import { NAME_PATTERN } from "../../../src/model/schema";

const PATTERN = new RegExp(NAME_PATTERN);
const MAX = 63;

export type NameProblem = "erdNameRequired" | "erdNamePattern" | "erdNameTooLong" | "erdNameTaken" | "erdNameReserved";

/** What is wrong with `name` (a message key), or null when it can be used. */
export function nameProblem(name: string, taken: Iterable<string>, reserved: readonly string[] = []): NameProblem | null {
  if (!name) return "erdNameRequired";
  if (name.length > MAX) return "erdNameTooLong";
  if (!PATTERN.test(name)) return "erdNamePattern";
  if (reserved.includes(name)) return "erdNameReserved";
  for (const t of taken) if (t === name) return "erdNameTaken";
  return null;
}

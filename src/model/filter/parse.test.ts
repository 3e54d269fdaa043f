// Filter checks that no door may skip: text that SQL and the in-memory matcher would read
// differently is refused where it stands.
import { expect, test } from "bun:test";
import type { TorqueError } from "../../lib/errors";
import { compileModel } from "../compile";
import { templates } from "../templates";
import { parseFilter } from "./parse";

const task = compileModel("m", 1, structuredClone(templates.todo) as never).entities.get("task")!;
const problems = (filter: unknown): { field?: string; rule: string }[] => {
  try {
    parseFilter(task, filter);
    return [];
  } catch (e) {
    return ((e as TorqueError).data as { field?: string; rule: string }[]).map(({ field, rule }) => ({ field, rule }));
  }
};

test("half of a surrogate pair alone is refused in a value and in a text operator's needle", () => {
  // Found by tests/fuzz: SQLite receives a bound "\ud800" as U+FFFD, the matcher compares it as it is.
  expect(problems({ title: "\ud800" })).toEqual([{ field: "filter.title", rule: "unicode" }]);
  for (const op of ["contains", "startsWith", "endsWith"])
    expect(problems({ notes: { [op]: "a\udc00" } })).toEqual([{ field: `filter.notes.${op}`, rule: "unicode" }]);
  expect(problems({ title: { contains: "😀" }, notes: "é" })).toEqual([]);
});

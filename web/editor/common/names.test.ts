import { describe, expect, test } from "bun:test";
import { NAME_MAX, nameProblem, RESERVED_FIELD_NAMES } from "./names";

describe("nameProblem", () => {
  test("lower_snake_case of at most 63 characters, not taken, not reserved", () => {
    expect(nameProblem("", [])).toBe("commonNameRequired");
    expect(nameProblem("Book", [])).toBe("commonNameInvalid");
    expect(nameProblem("Book List", [])).toBe("commonNameInvalid");
    expect(nameProblem("2nd", [])).toBe("commonNameInvalid");
    expect(nameProblem("a-b", [])).toBe("commonNameInvalid");
    expect(nameProblem("_a", [])).toBe("commonNameInvalid");
    expect(nameProblem(`a${"b".repeat(NAME_MAX)}`, [])).toBe("commonNameTooLong");
    expect(nameProblem(`a${"b".repeat(NAME_MAX - 1)}`, [])).toBeNull();
    expect(nameProblem("task", ["project", "task"])).toBe("commonNameTaken");
    expect(nameProblem("task", new Set(["task"]))).toBe("commonNameTaken");
    expect(nameProblem("id", [], RESERVED_FIELD_NAMES)).toBe("commonNameReserved");
    expect(nameProblem("id", [])).toBeNull();
    expect(nameProblem("due_at_2", ["task"])).toBeNull();
  });

  test("an overlong name is told its length, not its characters", () => {
    expect(nameProblem("A".repeat(NAME_MAX + 1), [])).toBe("commonNameTooLong");
  });
});

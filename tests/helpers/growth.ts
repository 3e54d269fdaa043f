// For tests about what the per-field indexes make fast, on small data: every entity type
// gets its indexes at once (GROWTH.at, src/store/entities/growth.ts), for the test file
// that calls this, and the rule is put back after it.
import { afterAll, beforeAll } from "bun:test";
import { GROWTH } from "../../src/store/entities/growth";

export function growEveryType(at = 0): void {
  const was = GROWTH.at;
  beforeAll(() => {
    GROWTH.at = at;
  });
  afterAll(() => {
    GROWTH.at = was;
  });
}

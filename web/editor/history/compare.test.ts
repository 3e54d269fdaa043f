// The compared versions: the address's when the model has them, else the newest two; a
// version the model lacks is reported with what is shown instead.
import { expect, test } from "bun:test";
import { chooseVersions } from "./compare";

const versions = [5, 4, 3, 2, 1];

test("defaults: the one before the newest and the newest", () => {
  expect(chooseVersions(versions, null, null)).toEqual({ from: 4, to: 5, bad: [] });
  expect(chooseVersions(versions, "", "")).toEqual({ from: 4, to: 5, bad: [] });
});

test("the address's versions, in either order and the same one twice", () => {
  expect(chooseVersions(versions, "1", "3")).toEqual({ from: 1, to: 3, bad: [] });
  expect(chooseVersions(versions, "3", "1")).toEqual({ from: 3, to: 1, bad: [] });
  expect(chooseVersions(versions, "2", "2")).toEqual({ from: 2, to: 2, bad: [] });
});

test("a version the model does not have, or no number at all, is reported and replaced by the default", () => {
  expect(chooseVersions(versions, "9", "1")).toEqual({ from: 4, to: 1, bad: [{ asked: "9", shown: 4 }] });
  expect(chooseVersions(versions, "1", "x")?.bad).toEqual([{ asked: "x", shown: 5 }]);
  for (const odd of ["-1", "1.5", "1e3", " 2", "0x2", "__proto__"]) expect(chooseVersions(versions, odd, null)?.from).toBe(4);
  expect(chooseVersions(versions, "y".repeat(1000), null)?.bad[0]?.asked.length).toBe(40);
});

test("fewer than two versions: nothing to compare", () => {
  expect(chooseVersions([1], null, null)).toBeNull();
  expect(chooseVersions([], "1", "2")).toBeNull();
});

// The palette's search: every word must match (any order, any case), matches at a word's
// start rank first, groups stay together, and a big model is cut to the limit with the
// whole count kept.
import { describe, expect, test } from "bun:test";
import { bigModel } from "../../../scripts/bench/big-model";
import { type Command, type CommandGroup, command, search, words } from "./search";

const cmd = (id: string, group: CommandGroup, label: string, description?: string, names = "") =>
  command({ id, group, label, description, run: () => {} }, names);

const list: Command[] = [
  cmd("undo", "general", "Nothing to undo"),
  cmd("tab:entities", "goto", "Go to Entities"),
  cmd("entity:deal", "entities", "Open entity type deal", "Deal · 7 fields", "deal"),
  cmd("entity:stage_log", "entities", "Open entity type stage_log", "Stage log · 2 fields", "stage_log"),
  cmd("field:deal.title", "fields", "Open field deal.title", "Title · text"),
  cmd("field:deal.stage", "fields", "Open field deal.stage", "Stage · enum"),
  cmd("field:deal.backstage", "fields", "Open field deal.backstage", "text"),
];
const ids = (q: string, limit = 50) => search(list, q, limit).shown.map((c) => c.id);

describe("search", () => {
  test("words in any order and any case; all must match", () => {
    expect(words("  Deal   STAGE ")).toEqual(["deal", "stage"]);
    expect(ids("stage DEAL")).toContain("field:deal.stage");
    expect(ids("deal stage")).toEqual(ids("stage deal"));
    expect(ids("deal nothing-like-this")).toEqual([]);
  });

  test("a match at a word's start ranks before one inside a word", () => {
    // "stage" starts a word in deal.stage and stage_log, not in backstage.
    const r = ids("stage");
    expect(r.indexOf("field:deal.stage")).toBeLessThan(r.indexOf("field:deal.backstage"));
    expect(r).toContain("entity:stage_log");
  });

  test("a match in the label ranks before one only in the description", () => {
    const r = ids("enum");
    expect(r).toEqual(["field:deal.stage"]);
    const both = search([cmd("a", "general", "Add entity type…", "Opens the Entities tab"), cmd("b", "general", "Open app crm")], "o", 50).shown.map(
      (c) => c.id,
    );
    expect(both).toEqual(["b", "a"]);
  });

  test("an empty query lists everything in order; groups stay together", () => {
    expect(ids("")).toEqual(list.map((c) => c.id));
    const groups = search(list, "deal", 50).shown.map((c) => c.group);
    // Each group appears in one run.
    const runs = groups.filter((g, i) => g !== groups[i - 1]);
    expect(new Set(runs).size).toBe(runs.length);
  });

  test("the limit cuts what is shown, the total counts every match", () => {
    const r = search(list, "open", 3);
    expect(r.shown.length).toBe(3);
    expect(r.total).toBe(5);
  });

  test("100 types × 30 fields: a field is found among 3,000", () => {
    const doc = bigModel(100, 30);
    const many = doc.entities.flatMap((e) => e.fields.map((f) => cmd(`field:${e.name}.${f.name}`, "fields", `Open field ${e.name}.${f.name}`, f.type)));
    expect(many.length).toBe(3000);
    const r = search(many, "f7 e42", 50);
    expect(r.shown.map((c) => c.id)).toEqual(["field:e42.f7"]);
    const broad = search(many, "f1", 50);
    expect(broad.shown.length).toBe(50);
    expect(broad.total).toBe(1100);
  });
});

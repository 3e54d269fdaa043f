// The full-text query's choice of trigrams (fts-terms.ts) on a real SQLite file: with a
// sample of the type, a query leaves out a trigram found in nearly every row and asks for
// the rare ones, and the answers are the exact rule's whatever the terms.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { growEveryType } from "../../../tests/helpers/growth";
import { searchedFields } from "../../model/filter/grammar";
import { textMatches } from "../../model/filter/text";
import type { Actor } from "../../services/actor";
import { testServices } from "../../services/entities/test-kit";
import type { TestServices as Services } from "../../services/testing";
import { ftsMatch, ftsSampleTerms } from "./fts";
import { dropTermSample } from "./fts-terms";
import { lastTrace, PLAN } from "./planner";

growEveryType(); // these tests are about what the per-field indexes make fast, on small data

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-fts-terms-", actor);
let s: Services;
let appId: number;
const saved = { ...PLAN };
const rows: { mail: string; note: string }[] = [];

beforeAll(async () => {
  s = await fresh(
    {
      name: "Mail",
      entities: [
        {
          name: "contact",
          fields: [
            { name: "mail", type: "email" },
            { name: "note", type: "text" },
          ],
        },
      ],
    },
    "mail",
  );
  appId = (await s.apps.runtime("mail")).id;
  // Every row holds "example.com"; a few hold "zebra"; one in 7 holds "Quokka".
  for (let i = 0; i < 600; i++) rows.push({ mail: `user${i}@example.com`, note: `${i % 97 === 0 ? "zebra " : ""}${i % 7 === 0 ? "Quokka" : "cat"} ${i}` });
  await s.entities.insertMany("mail", "contact", rows, { actor });
});
afterAll(() => {
  Object.assign(PLAN, saved);
});

test("with a sample, a common trigram is left out and the rarest are asked for", async () => {
  const rt = await s.apps.runtime("mail");
  const ent = rt.model.entities.get("contact")!;
  dropTermSample(appId, "contact");
  const words = ["example", "zebra"];
  // No sample: the trigrams covering each word.
  expect(ftsMatch(words, { appId, type: "contact" })).toBe('"exa" AND "mpl" AND "ple" AND "zeb" AND "bra"');
  await ftsSampleTerms(s.db, appId, "contact", searchedFields(ent));
  const picked = ftsMatch(words, { appId, type: "contact" })!;
  expect(picked).not.toContain('"exa"');
  expect(picked).not.toContain('"ple"');
  expect(picked).toContain('"zeb"');
  expect(picked.split(" AND ").length).toBeLessThanOrEqual(4);
});

test("answers are the exact rule's, through the planner's candidate paths", async () => {
  Object.assign(PLAN, { window: 8, budget: 40 }); // small windows: the candidate sets are used
  const exact = (words: string[]) =>
    rows
      .filter((r) => words.every((w) => textMatches(r.mail, w, "contains") || textMatches(r.note, w, "contains")))
      .map((r) => r.mail)
      .sort();
  for (const term of ["example zebra", "zebra", "quokka 21", "QUOKKA", "ebr", "user1 cat", "nothing-here", "e.com zeb"]) {
    const words = term.toLowerCase().split(" ");
    const got: string[] = [];
    const steps: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await s.entities.query("mail", "contact", { filter: { $search: term }, sort: "mail", limit: 25, cursor });
      got.push(...page.data.map((r) => r.data.mail as string));
      steps.push(...lastTrace.steps);
      cursor = page.pagination.nextCursor;
    } while (cursor);
    expect({ term, got: got.sort() }).toEqual({ term, got: exact(words) });
    if (term === "zebra") expect(steps.some((x) => x.startsWith("count"))).toBe(true);
  }
});

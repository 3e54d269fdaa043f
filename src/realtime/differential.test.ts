// The filter language has one grammar (model/filter) and two evaluators: SQL on SQLite
// (store/entities/filter.ts, through the entity service) and the in-memory matcher used
// for subscriptions (realtime/match.ts). Thousands of seeded pseudo-random filters (every
// operator, and/or/not nesting, every scalar field type, `$search` terms, non-ASCII and
// control characters, empty strings, missing fields) run through both over the same
// generated rows; the id sets must be equal.
import { beforeAll, describe, expect, test } from "bun:test";
import { onPostgres } from "../../tests/helpers/db";
import type { CompiledEntity } from "../model/compile";
import { operatorsFor, SYSTEM_NAMES } from "../model/filter/grammar";
import { matches } from "../model/filter/match";
import { parseFilter } from "../model/filter/parse";
import type { Field } from "../model/schema";
import type { Services } from "../services";
import type { Actor } from "../services/actor";
import { testServices } from "../services/entities/test-kit";
import type { EntityRecord } from "../services/entities/types";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-filter-diff-", actor);

/** Mulberry32: small, seeded, good enough to spread cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const ENUM = ["a", "B", "b", "ä", "Ä", "é", "É", "𝒜", "z"];
// Text that tells the evaluators apart if they differ: case (ASCII and not), ß and İ whose
// case mappings change length, characters above U+FFFF vs U+E000–U+FFFF (UTF-16 order is
// not code point order), NUL and other control characters, LIKE's % _ \, empty text.
const ALL_TEXTS = [
  "",
  "abc",
  "ABC",
  "aBc def",
  "Äpfel",
  "äpfel",
  "ÄPFEL",
  "straße",
  "STRASSE",
  "İstanbul",
  "istanbul",
  "ı",
  "𝒜lpha",
  "\uff21bc",
  "😀 smile",
  "\ue000",
  "a\u0000b",
  "\u0000",
  "tab\there",
  "line\nbreak",
  "\u0001\u007f",
  "50% off",
  "a_c",
  "abc_",
  "back\\slash",
  "%",
  "_",
  "\\",
  "z",
  "Z",
  "0",
  "10",
  "9",
];
const ALL_NEEDLES = [
  "a",
  "A",
  "b",
  "bc",
  "BC",
  "abc",
  "c",
  "ä",
  "Ä",
  "äp",
  "ÄP",
  "pfel",
  "ß",
  "SS",
  "ss",
  "i",
  "İ",
  "ı",
  "𝒜",
  "\uff21",
  "😀",
  "\u0000",
  "a\u0000",
  "\u0000b",
  "\t",
  "\n",
  "\u0001",
  "\u007f",
  "%",
  "_",
  "\\",
  "50%",
  "a_",
  "%off",
  "_c",
  "e",
  "E",
  "0",
  "z",
  "é",
];
// PostgreSQL cannot hold the NUL character (data holding it is refused, and so are such
// filter values): there the texts and needles with one are left out.
const storable = (t: string) => !onPostgres || !t.includes("\u0000");
const TEXTS = ALL_TEXTS.filter(storable);
const NEEDLES = ALL_NEEDLES.filter(storable);
const INTS = [-3, 0, 1, 2, 7, 42, 1000];
const NUMS = [-2.5, 0, 0.1, 1, 1.5, 3, 99.99];
const DATES = ["2023-12-31", "2024-01-01", "2024-02-29", "2024-06-15", "2025-01-01"];
const DATETIMES = ["2024-01-01T00:00:00.000Z", "2024-01-01T12:30:00.000Z", "2024-06-15T08:00:00.000Z", "2025-03-01T23:59:59.999Z"];
const EMAILS = ["ann@example.com", "Ann@Example.com", "bob@example.org", "zoë@example.de"];
const URLS = ["https://example.com/a", "https://EXAMPLE.com/A", "http://x.org/%41"];
const TAGS = ["x", "y", "Y", "ü"];

const MODEL = {
  name: "Differential",
  entities: [
    { name: "owner", fields: [{ name: "name", type: "text" }] },
    {
      name: "item",
      fields: [
        { name: "t", type: "text" },
        { name: "constructor", type: "text" }, // a legitimate name that Object.prototype also has
        { name: "lt", type: "longtext" },
        { name: "n", type: "integer" },
        { name: "x", type: "number" },
        { name: "b", type: "boolean" },
        { name: "d", type: "date" },
        { name: "dt", type: "datetime" },
        { name: "em", type: "email" },
        { name: "u", type: "url" },
        { name: "e", type: "enum", values: ENUM },
        { name: "me", type: "multienum", values: TAGS },
        { name: "r", type: "reference", entity: "owner" },
        { name: "j", type: "json" },
      ],
    },
  ],
};

let s: Services;
let ent: CompiledEntity;
let rows: EntityRecord[];
let owners: string[];

/** Every optional field is missing in about one row of five. */
function rowData(r: Rng): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const maybe = (k: string, v: () => unknown) => void (r() < 0.8 && (row[k] = v()));
  maybe("t", () => pick(r, TEXTS));
  maybe("constructor", () => pick(r, TEXTS));
  maybe("lt", () => pick(r, TEXTS) + pick(r, TEXTS));
  maybe("n", () => pick(r, INTS));
  maybe("x", () => pick(r, NUMS));
  maybe("b", () => r() < 0.5);
  maybe("d", () => pick(r, DATES));
  maybe("dt", () => pick(r, DATETIMES));
  maybe("em", () => pick(r, EMAILS));
  maybe("u", () => pick(r, URLS));
  maybe("e", () => pick(r, ENUM));
  maybe("me", () => TAGS.filter(() => r() < 0.4));
  maybe("r", () => pick(r, owners));
  maybe("j", () => ({ k: pick(r, INTS) }));
  return row;
}

beforeAll(async () => {
  s = await fresh(MODEL, "diff");
  owners = (await s.entities.insertMany("diff", "owner", [{ name: "o1" }, { name: "o2" }, { name: "o3" }], { actor })).ids;
  const r = rng(7);
  await s.entities.insertMany(
    "diff",
    "item",
    Array.from({ length: 240 }, () => rowData(r)),
    { actor },
  );
  rows = (await s.entities.query("diff", "item", { limit: 1000 })).data;
  ent = (await s.apps.runtime("diff")).model.entities.get("item")!;
});

/** A value for a comparison on `name`: mostly ones the rows hold, so conditions select something. */
function valueFor(r: Rng, name: string, f: Field | undefined): unknown {
  if (!f) return name === "id" ? (r() < 0.8 ? pick(r, rows).id : pick(r, ["0", "z", "ffff"])) : pick(r, rows)[name as "createdAt"];
  switch (f.type) {
    case "text":
    case "longtext":
      return pick(r, TEXTS);
    case "integer":
      return pick(r, INTS);
    case "number":
      return pick(r, [...NUMS, ...INTS]);
    case "boolean":
      return r() < 0.5;
    case "date":
      return pick(r, DATES);
    case "datetime":
      return pick(r, DATETIMES);
    case "email":
      return pick(r, EMAILS);
    case "url":
      return pick(r, URLS);
    case "enum":
      return pick(r, ENUM);
    case "multienum":
      return pick(r, TAGS);
    case "reference":
      return pick(r, owners);
    default:
      return null;
  }
}

/** A `$search` term: words from the needles and texts (FTS syntax, case, NUL, 1–2 characters), whitespace between. */
function searchTerm(r: Rng): string {
  const word = () => (r() < 0.5 ? pick(r, NEEDLES) : pick(r, [...TEXTS, '"', "NEAR", "a*", "-abc", "x:y", "(abc", "OR", "pfel", "ple.com", "EXAMPLE"]));
  return Array.from({ length: Math.floor(r() * 4) }, word).join(pick(r, [" ", "  ", "\t"]));
}

function condition(r: Rng): Record<string, unknown> {
  if (r() < 0.08) return { $search: searchTerm(r) };
  const names = [...SYSTEM_NAMES, ...ent.fields.keys()];
  const name = pick(r, names);
  const f = ent.fields.get(name);
  const ops = [...(f ? operatorsFor(f.type) : operatorsFor(name, true))];
  const op = pick(r, ops);
  const v = () => valueFor(r, name, f);
  let arg: unknown;
  if (op === "isNull") arg = r() < 0.5;
  else if (op === "between")
    arg = [v(), v()].sort((a, b) => (r() < 0.2 ? 1 : String(a) < String(b) ? -1 : 1)); // sometimes low > high
  else if (op === "in" || op === "nin") arg = Array.from({ length: 1 + Math.floor(r() * 3) }, v);
  else if ((op === "contains" || op === "startsWith" || op === "endsWith") && f?.type !== "multienum")
    arg = r() < 0.3 && name === "id" ? pick(r, rows).id.slice(-3) : pick(r, NEEDLES);
  else if ((op === "eq" || op === "ne") && r() < 0.1) arg = null;
  else arg = v();
  // The shorthands: {field: value} is eq, {field: null} is isNull.
  if (op === "eq" && r() < 0.3) return { [name]: arg };
  return { [name]: { [op]: arg } };
}

function filter(r: Rng, depth: number): Record<string, unknown> {
  const roll = r();
  if (depth >= 3 || roll < 0.45) return condition(r);
  const subs = () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => filter(r, depth + 1));
  if (roll < 0.65) return { and: subs() };
  if (roll < 0.85) return { or: subs() };
  if (roll < 0.95) return { not: filter(r, depth + 1) };
  return { ...condition(r), ...condition(r) }; // several keys: an implicit and
}

describe("SQL and the in-memory matcher agree on every filter", () => {
  test("the generated rows cover empty strings, missing fields, NUL and non-ASCII text", () => {
    expect(rows).toHaveLength(240);
    const ts = rows.map((x) => x.data.t);
    for (const want of ["", ...(onPostgres ? [] : ["a\u0000b"]), "𝒜lpha", "\uff21bc", "Äpfel"]) expect(ts).toContain(want);
    expect(ts).toContain(undefined);
  });

  test("1,500 seeded random filters select the same ids both ways", async () => {
    const r = rng(2024);
    const diffs: string[] = [];
    let nonTrivial = 0;
    for (let i = 0; i < 1500; i++) {
      const f = filter(r, 0);
      const viaSql = (await s.entities.query("diff", "item", { filter: f, limit: 1000 })).data.map((x) => x.id).sort();
      const node = parseFilter(ent, f);
      const inMemory = rows
        .filter((x) => matches(node, x))
        .map((x) => x.id)
        .sort();
      if (viaSql.length > 0 && viaSql.length < rows.length) nonTrivial++;
      if (viaSql.join() !== inMemory.join()) diffs.push(`${JSON.stringify(f)}: SQL ${viaSql.length}, matcher ${inMemory.length}`);
    }
    expect(diffs.slice(0, 10)).toEqual([]);
    expect(nonTrivial).toBeGreaterThan(750); // most filters select some rows but not all
  }, 30_000);
});

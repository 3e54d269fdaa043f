// Plausible values for seeding, chosen by what a field is called before what type it is:
// a "first_name" gets a first name, an "email" an address, a "price" an amount. The
// field's rules (lengths, patterns, ranges, uniqueness) are applied after, in values.ts.

import { pick, type Rng } from "../../model/fields/kind";
import type { Field } from "../../model/schema";

/** A raw value for record number n (n is distinct per record). */
export type Maker = (rng: Rng, n: number) => unknown;

const FIRST = [
  "Ada",
  "Grace",
  "Linus",
  "Margaret",
  "Alan",
  "Noor",
  "Kai",
  "Mia",
  "Ravi",
  "Sofia",
  "Lena",
  "Omar",
  "Yuki",
  "Elena",
  "Tariq",
  "Ines",
  "Jonas",
  "Priya",
  "Mateo",
  "Zara",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Torvalds",
  "Hamilton",
  "Turing",
  "Haddad",
  "Nakamura",
  "Rossi",
  "Sharma",
  "Okafor",
  "Berg",
  "Silva",
  "Novak",
  "Keller",
  "Dubois",
  "Moreau",
  "Ivanova",
  "Park",
];
const COMPANY_A = ["Northwind", "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay"];
const COMPANY_B = ["Systems", "Labs", "Industries", "Trading", "Foods", "Logistics", "Health", "Partners", "Analytics", "Works"];
const CITIES = ["Lisbon", "Osaka", "Nairobi", "Toronto", "Berlin", "Lyon", "Austin", "Melbourne", "Bogotá", "Krakow", "Seoul", "Oslo"];
const COUNTRIES = ["Portugal", "Japan", "Kenya", "Canada", "Germany", "France", "United States", "Australia", "Colombia", "Poland", "Korea", "Norway"];
const STREETS = ["Main St", "Harbor Rd", "Elm Ave", "King St", "Station Rd", "Park Lane", "Mill Road", "Queen St"];
/** Title words; the grid benchmark builds its search terms from them. */
export const VERBS = ["Review", "Prepare", "Update", "Fix", "Plan", "Design", "Ship", "Test", "Draft", "Migrate", "Call", "Follow up on"];
export const NOUNS = [
  "quarterly report",
  "landing page",
  "invoice batch",
  "onboarding flow",
  "release notes",
  "pricing model",
  "customer feedback",
  "API docs",
  "budget",
  "roadmap",
  "contract",
  "dashboard",
];
const PRODUCTS = ["Desk Lamp", "Notebook", "Headphones", "Coffee Beans", "Water Bottle", "Backpack", "Keyboard", "Monitor Stand", "Chair", "Mug"];
const SENTENCES = [
  "Discussed next steps and agreed on a timeline.",
  "Waiting for the numbers from finance before deciding.",
  "Customer wants a follow-up call next week.",
  "Blocked until the staging environment is ready.",
  "First draft is done; needs a second pair of eyes.",
  "Priority raised after the last review.",
];

const has = (name: string, ...parts: string[]) => parts.some((p) => name === p || name.endsWith(`_${p}`) || name.startsWith(`${p}_`));

/** A generator chosen by field name, or undefined to fall back to the type's own sample. Decided once per field. */
export function byName(f: Field, entity: string): Maker | undefined {
  const name = f.name === "name" && has(entity, "company", "organization", "organisation", "customer", "vendor", "supplier", "account") ? "company" : f.name;
  const text = f.type === "text" || f.type === "longtext";
  if (f.type === "email") return (rng, n) => `${pick(rng, FIRST).toLowerCase()}.${pick(rng, LAST).toLowerCase()}${n}@example.com`;
  if (text) {
    if (has(name, "first_name", "firstname", "given_name")) return (rng) => pick(rng, FIRST);
    if (has(name, "last_name", "lastname", "surname", "family_name")) return (rng) => pick(rng, LAST);
    if (has(name, "company", "organization", "organisation", "customer", "vendor", "supplier"))
      return (rng) => `${pick(rng, COMPANY_A)} ${pick(rng, COMPANY_B)}`;
    if (has(name, "city", "town")) return (rng) => pick(rng, CITIES);
    if (has(name, "country")) return (rng) => pick(rng, COUNTRIES);
    if (has(name, "address", "street")) return (rng) => `${1 + Math.floor(rng() * 200)} ${pick(rng, STREETS)}`;
    if (has(name, "phone", "mobile", "tel")) return (rng) => `+1 555 ${String(Math.floor(rng() * 10000000)).padStart(7, "0")}`;
    if (has(name, "color", "colour"))
      return (rng) =>
        "#" +
        Math.floor(rng() * 0xffffff)
          .toString(16)
          .padStart(6, "0");
    if (has(name, "product", "item", "sku")) return (rng) => pick(rng, PRODUCTS);
    if (has(name, "title", "subject", "summary", "task")) return (rng) => `${pick(rng, VERBS)} ${pick(rng, NOUNS)}`;
    if (has(name, "name", "full_name", "display_name")) return (rng) => `${pick(rng, FIRST)} ${pick(rng, LAST)}`;
    if (f.type === "longtext" || has(name, "description", "notes", "note", "comment", "body", "details"))
      return (rng) => `${pick(rng, SENTENCES)} ${pick(rng, SENTENCES)}`;
    return (rng, n) => `${pick(rng, NOUNS)} ${n}`;
  }
  if (f.type === "number" && f.min === undefined && f.max === undefined && has(name, "price", "amount", "total", "cost", "revenue", "value", "budget"))
    return (rng) => Math.round((5 + rng() * rng() * 5000) * 100) / 100;
  if (f.type === "integer" && f.min === undefined && f.max === undefined && has(name, "quantity", "qty", "count", "employees", "age", "hours"))
    return has(name, "age") ? (rng) => 18 + Math.floor(rng() * 60) : (rng) => 1 + Math.floor(rng() * 50);
  return undefined;
}

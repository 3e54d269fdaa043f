// One GraphQL answer has a byte budget for its JSON values (graphql/budget.ts), against
// the real server over a real SQLite file. Within the shape limits, 20 aliases of
// `models { document apps { model { document apps { model { document } } } } }` made a
// 630 MB answer; now such a query is refused with ANSWER_TOO_LARGE past the budget (set
// small here, so a small model shows it). Also: a version below 1 is bad input, not null.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";

let s: TestServer;
const BUDGET = 100_000;

async function gql(query: string) {
  const res = await fetch(`${s.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

const amplified = (aliases: number) =>
  `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: models { document apps { model { document apps { model { document } } } } }`).join(" ")} }`;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo", "crm"], server: { answers: { answerBytes: BUDGET } } });
});
afterAll(() => s.close());

describe("the answer's byte budget", () => {
  test("one alias of the nested documents is answered in full", async () => {
    const r = await gql(amplified(1));
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.a0).toHaveLength(2);
    expect(r.body.data.a0[0].apps[0].model.apps[0].model.document.name).toBeDefined();
  });

  test("20 aliases of it are refused past the budget with ANSWER_TOO_LARGE, and the answer stays small", async () => {
    const one = Buffer.byteLength((await gql(amplified(1))).text);
    expect(one * 20).toBeGreaterThan(BUDGET); // without the budget the answer would be this large
    const r = await gql(amplified(20));
    expect(r.status).toBe(200);
    const codes = new Set(r.body.errors?.map((e) => e.extensions?.code));
    expect(codes).toEqual(new Set(["ANSWER_TOO_LARGE"]));
    expect(r.body.errors![0]!.message).toMatch(/^answer too large: .*more than 100,000 bytes; ask for fewer fields or aliases/);
    expect(Buffer.byteLength(r.text)).toBeLessThan(BUDGET * 2);
    // The budget is per request: the next one starts from zero.
    expect((await gql(amplified(1))).body.errors).toBeUndefined();
  });
});

describe("versions", () => {
  test("model(version: -5) and exportModel(version: 0) are BAD_USER_INPUT naming the argument, not null", async () => {
    for (const q of [`{ model(id: "${s.models.todo}", version: -5) { id } }`, `mutation { exportModel(id: "${s.models.todo}", version: 0) }`]) {
      const r = await gql(q);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(r.body.errors?.[0]?.message).toMatch(/^version must be a version number, 1 or more \(got -?\d\)/);
    }
    // A version that could exist but does not is still null (a lookup, not bad input).
    expect((await gql(`{ model(id: "${s.models.todo}", version: 99) { id } }`)).body).toEqual({ data: { model: null } });
    expect((await gql(`{ model(id: "${s.models.todo}", version: 1) { version } }`)).body.data.model.version).toBe(1);
  });
});

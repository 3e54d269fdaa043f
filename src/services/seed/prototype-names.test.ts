// Seeding an entity type named "constructor" (a valid name that Object.prototype also has)
// beside per-type counts for another type: it gets the general count, not nothing.
import { expect, test } from "bun:test";
import type { Actor } from "../actor";
import { testServices } from "../entities/test-kit";
import { seedApp } from "./seed";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-seed-names-", actor);

test("an entity type named constructor is seeded with the general count when counts name another type", async () => {
  const s = await fresh(
    {
      name: "P",
      entities: [
        { name: "constructor", fields: [{ name: "title", type: "text" }] },
        { name: "other", fields: [{ name: "title", type: "text" }] },
      ],
    },
    "p",
  );
  const r = await seedApp(s, "p", { count: 3, counts: { other: 2 }, seed: 1, actor });
  expect(JSON.parse(JSON.stringify(r))).toEqual({ constructor: 3, other: 2 });
  expect((await s.entities.query("p", "constructor", { total: true })).pagination.total).toBe(3);
});

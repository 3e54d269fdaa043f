// Subscription filters in the hub: the same grammar as queries (checked at subscribe),
// timestamps usable in them, and a filter the model no longer accepts matching nothing.
import { describe, expect, test } from "bun:test";
import type { Actor } from "../services/actor";
import { failure, testServices } from "../services/entities/test-kit";
import { RealtimeHub, type Subscriber } from "./hub";

const actor: Actor = { kind: "cli", id: "tester" };
const fresh = testServices("torque-hub-", actor);
const MODEL = {
  name: "Notes",
  entities: [
    {
      name: "note",
      fields: [
        { name: "title", type: "text" },
        { name: "tag", type: "text" },
      ],
    },
  ],
};

/** A subscriber that keeps what it is sent; `has(n)` waits (bounded) until it holds n change events. */
function collector() {
  const got: any[] = [];
  const sub: Subscriber = { send: (text) => (got.push(JSON.parse(text)), true) };
  const changes = () => got.filter((m) => m.method === "entityChanged");
  const has = async (n: number) => {
    for (const end = Date.now() + 5000; changes().length < n && Date.now() < end; ) await Bun.sleep(5);
    return changes();
  };
  return { sub, got, changes, has };
}

describe("subscription filters", () => {
  test("createdAt and updatedAt can be filtered, as in queries", async () => {
    const s = await fresh(MODEL, "n1");
    const hub = new RealtimeHub(s);
    const c = collector();
    const since = new Date().toISOString();
    await hub.subscribe(c.sub, { app: "n1", entity: "note", filter: { createdAt: { gte: since }, updatedAt: { isNull: false } } });
    const made = await s.entities.create("n1", "note", { title: "new" }, { actor });
    expect((await c.has(1)).map((m) => m.params.id)).toEqual([made.id]); // events used to carry no timestamps: nothing was sent
  });

  test("a bad filter is refused at subscribe with the query's message", async () => {
    const s = await fresh(MODEL, "n2");
    const hub = new RealtimeHub(s);
    const e = await failure(hub.subscribe(collector().sub, { app: "n2", entity: "note", filter: { title: { contains: "" } } }));
    expect(e.message).toContain("contains takes non-empty text");
  });

  test("after a model change the filter is checked again; one naming a removed field matches nothing", async () => {
    const s = await fresh(MODEL, "n3");
    const hub = new RealtimeHub(s);
    const c = collector(),
      all = collector(); // `all` hears every change: when it has one, the filter was judged too
    await hub.subscribe(c.sub, { app: "n3", entity: "note", filter: { tag: "x" } });
    await hub.subscribe(all.sub, { app: "n3" });
    await s.entities.create("n3", "note", { title: "one", tag: "x" }, { actor });
    await all.has(1);
    expect(c.changes()).toHaveLength(1);
    const rt = await s.apps.runtime("n3");
    await s.models.save(rt.model.id, { ...rt.model.doc, entities: [{ name: "note", fields: [{ name: "title", type: "text" }] }] }, actor);
    await s.entities.create("n3", "note", { title: "two" }, { actor });
    expect(await all.has(2)).toHaveLength(2);
    expect(c.changes()).toHaveLength(1);
  });
});

// Creates that arrive together are written in one batch (create-batch.ts). Each must
// still get what it would get alone: the same errors in the same words, its own audit
// entry and actor, and no say over whether the others are written.
import { describe, expect, test } from "bun:test";
import { onPostgres } from "../../../tests/helpers/db";
import type { Actor } from "../actor";
import { readAudit } from "../audit";
import { failure, issues, testServices } from "./test-kit";

const actor: Actor = { kind: "user", id: "u1" };
const fresh = testServices("torque-create-batch-", actor);

const MODEL = {
  name: "Shop",
  entities: [
    { name: "customer", fields: [{ name: "name", type: "text", required: true }] },
    {
      name: "order",
      fields: [
        { name: "code", type: "text", required: true, unique: true },
        { name: "customer", type: "reference", entity: "customer" },
        { name: "region", type: "text" },
        { name: "slot", type: "integer" },
        { name: "note", type: "text", indexed: true },
      ],
      indexes: [{ fields: ["region", "slot"], unique: true }, { fields: ["note", "region"] }],
    },
  ],
  relationships: [{ name: "customer_orders", from: "customer", to: "order", kind: "1:n", inverse: "customer", onDelete: "cascade" }],
};

/** Start every call before awaiting any: they land in one batch. */
const together = <T>(calls: (() => Promise<T>)[]) => Promise.allSettled(calls.map((c) => c()));

describe("creates written together", () => {
  test("a batch of many commits them all, each with its own audit entry and actor", async () => {
    const s = await fresh(MODEL, "shop");
    const c = await s.entities.create("shop", "customer", { name: "Ada" }, { actor });
    const results = await together(
      Array.from(
        { length: 120 },
        (_, i) => () => s.entities.create("shop", "order", { code: `O-${i}`, customer: c.id }, { actor: { kind: "token", id: `t${i % 3}` } }),
      ),
    );
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const ids = results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);
    expect(new Set(ids).size).toBe(120);
    expect((await s.entities.query("shop", "order", { limit: 500, total: true })).pagination.total).toBe(120);
    const audit = (await readAudit(s.db, { limit: 1000 })).filter((a) => a.action === "entity.create" && a.entityType === "order");
    expect(audit.length).toBe(120);
    const byId = new Map(audit.map((a) => [a.entityId, a]));
    ids.forEach((id, i) => {
      expect(byId.get(id)!.actor).toEqual({ kind: "token", id: `t${i % 3}` });
      expect((byId.get(id)!.after as { code: string }).code).toBe(`O-${i}`);
    });
  });

  test("one unique value raced within a batch: the first wins, the others get a lone create's error", async () => {
    const s = await fresh(MODEL, "shop");
    const results = await together(Array.from({ length: 5 }, () => () => s.entities.create("shop", "order", { code: "SAME" }, { actor })));
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won.length).toBe(1);
    const winner = (won[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    for (const r of results.filter((r) => r.status === "rejected")) {
      const e = (r as PromiseRejectedResult).reason;
      expect(e.code).toBe("validation");
      expect(e.data).toEqual([{ field: "code", rule: "unique", message: `code must be unique: order ${winner} already has "SAME"` }]);
    }
    // A value already stored gets the same words.
    const e = await failure(s.entities.create("shop", "order", { code: "SAME" }, { actor }));
    expect(issues(e)[0]!.message).toBe(`code must be unique: order ${winner} already has "SAME"`);
    expect((await s.entities.query("shop", "order", { limit: 10, total: true })).pagination.total).toBe(1);
  });

  test("a dangling reference and a taken composite value fail alone; the rest of the batch is written", async () => {
    const s = await fresh(MODEL, "shop");
    const c = await s.entities.create("shop", "customer", { name: "Ada" }, { actor });
    await s.entities.create("shop", "order", { code: "A", region: "north", slot: 1 }, { actor });
    const results = await together([
      () => s.entities.create("shop", "order", { code: "B", customer: c.id }, { actor }),
      () => s.entities.create("shop", "order", { code: "C", customer: "nobody" }, { actor }),
      () => s.entities.create("shop", "order", { code: "D", region: "north", slot: 1 }, { actor }),
      () => s.entities.create("shop", "order", { code: "E", region: "north", slot: 2 }, { actor }),
      () => s.entities.create("shop", "order", { code: "F", region: "north", slot: 2 }, { actor }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled", "rejected"]);
    const why = (i: number) => (results[i] as PromiseRejectedResult).reason;
    expect(why(1).data).toEqual([{ field: "customer", rule: "reference", message: 'customer refers to customer "nobody", which does not exist' }]);
    for (const i of [2, 4]) {
      expect(why(i).code).toBe("validation");
      expect(why(i).data).toEqual([{ field: "region", rule: "unique", message: "region, slot must be unique: another order already has this value" }]);
    }
    const codes = (await s.entities.query("shop", "order", { limit: 10, sort: [{ field: "code", dir: "asc" }] })).data.map((r) => r.data.code);
    expect(codes).toEqual(["A", "B", "E"]);
    // Refused creates leave no audit entry.
    const audited = (await readAudit(s.db, { limit: 100 })).filter((a) => a.action === "entity.create" && a.entityType === "order");
    expect(audited.map((a) => (a.after as { code: string }).code).sort()).toEqual(["A", "B", "E"]);
  });

  test("a row the database itself refuses fails alone: the batch is retried create by create", async () => {
    const s = await fresh(MODEL, "shop");
    // Random text does not compress. Each value fits an index entry of its own field, but
    // the two together pass PostgreSQL's limit for one entry of the (note, region) index.
    const random = (n: number) => Array.from({ length: n }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join("");
    const results = await together([
      () => s.entities.create("shop", "order", { code: "G1" }, { actor }),
      () => s.entities.create("shop", "order", { code: "G2", note: random(1900), region: random(1900) }, { actor }),
      () => s.entities.create("shop", "order", { code: "G3" }, { actor }),
    ]);
    expect(results.map((r) => r.status)).toEqual(onPostgres ? ["fulfilled", "rejected", "fulfilled"] : ["fulfilled", "fulfilled", "fulfilled"]);
    const codes = (await s.entities.query("shop", "order", { limit: 10, sort: [{ field: "code", dir: "asc" }] })).data.map((r) => r.data.code);
    expect(codes).toEqual(onPostgres ? ["G1", "G3"] : ["G1", "G2", "G3"]);
  });

  test("text too long for an index entry is refused by field on PostgreSQL, and nothing is written", async () => {
    const s = await fresh(MODEL, "shop");
    // Random text does not compress: 3,000 bytes pass an index entry's limit (a long run of
    // one letter compresses, and fits).
    const long = Array.from({ length: 3000 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join("");
    const created = s.entities.create("shop", "order", { code: "L1", note: long }, { actor });
    if (!onPostgres) {
      expect((await created).data.note).toBe(long);
      return;
    }
    const refused = (e: { code: string; data: unknown }) => {
      expect(e.code).toBe("validation");
      expect(e.data).toEqual([expect.objectContaining({ field: "note", rule: "indexedLength" })]);
    };
    refused(await failure(created));
    expect((await s.entities.create("shop", "order", { code: "L0", note: "n".repeat(9000) }, { actor })).data.code).toBe("L0");
    const ok = await s.entities.create("shop", "order", { code: "L2", note: "short" }, { actor });
    refused(await failure(s.entities.update("shop", "order", ok.id, { note: long }, { actor })));
    refused(await failure(s.entities.insertMany("shop", "order", [{ code: "L3", note: long }], { actor })));
    const codes = (await s.entities.query("shop", "order", { limit: 10, sort: [{ field: "code", dir: "asc" }] })).data.map((r) => r.data.code);
    expect(codes).toEqual(["L0", "L2"]);
  });

  test.if(onPostgres)("text PostgreSQL cannot store fails alone with the field named", async () => {
    const s = await fresh(MODEL, "shop");
    const results = await together([
      () => s.entities.create("shop", "order", { code: "N1" }, { actor }),
      () => s.entities.create("shop", "order", { code: "N2", region: "a\u0000b" }, { actor }),
    ]);
    expect(results[0]!.status).toBe("fulfilled");
    const e = (results[1] as PromiseRejectedResult).reason;
    expect(e.code).toBe("validation");
    expect(e.data[0].field).toBe("region");
  });
});

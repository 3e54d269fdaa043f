// Run history is bounded in bytes, not only in count (issue 8): every stored field is cut
// to its budget with a marker saying so, and each app's history is pruned, oldest first,
// when it passes its byte budget. Real services on real SQLite files.
import { describe, expect, test } from "bun:test";
import { templates } from "../../model/templates";
import type { RunRecord } from "../../xflow/types";
import { systemActor } from "../actor";
import { testServices } from "../entities/test-kit";
import { FIELD_BYTES, NODE_LOG_BYTES } from "./run-caps";
import { RunLog } from "./runs";

const freshServices = testServices("torque-runs-", systemActor);

const line = (name: string, code: string) => ({
  name,
  trigger: { type: "manual" },
  nodes: [
    { id: "start", type: "start" },
    { id: "js", type: "script", code },
    { id: "end", type: "end" },
  ],
  edges: [
    { from: "start", to: "js" },
    { from: "js", to: "end" },
  ],
});

const bytes = (v: unknown) => Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v));

describe("each stored field is capped in bytes", () => {
  test("a 10 MB error message, a big input, output and logs are stored cut, with markers", async () => {
    const flows = [
      line("huge_error", 'throw new Error("x".repeat(10e6));'),
      line("big_everything", 'for (let i = 0; i < 200; i++) ctx.log("y".repeat(1900)); return { echo: input.blob, more: "z".repeat(300000) };'),
    ];
    const s = await freshServices({ ...structuredClone(templates.todo), xflows: flows }, "todo");
    const failed = await s.xflows.execute("todo", "huge_error", {}, { actor: systemActor });
    expect(failed.status).toBe("failed");
    const big = await s.xflows.execute("todo", "big_everything", { blob: "b".repeat(200_000) }, { actor: systemActor });
    expect(big.status).toBe("succeeded");

    for (const from of ["memory", "database"]) {
      if (from === "database") await s.xflows.runs.flush();
      const e = await s.xflows.getRun(failed.id);
      expect(bytes(e.error!.message)).toBeLessThan(FIELD_BYTES + 200);
      // Cut where it leaves the sandbox already (16 Ki characters); the history's cap is the backstop.
      expect(e.error!.message).toMatch(/… \[cut: the message had 10000007 characters\]$/);
      expect(e.nodes.find((n) => n.id === "js")!.error!.length).toBeLessThan(5000);

      const b = await s.xflows.getRun(big.id);
      expect(b.input).toMatchObject({ $truncated: expect.stringContaining("the input was 200011 bytes of JSON") });
      expect((b.input as { preview: string }).preview.startsWith('{"blob":"bbbb')).toBe(true);
      expect(b.output).toMatchObject({ $truncated: expect.stringContaining("the output was") });
      const logs = b.nodes.find((n) => n.id === "js")!.logs;
      expect(bytes(logs.join(""))).toBeLessThan(NODE_LOG_BYTES + 200);
      expect(logs.at(-1)).toMatch(/more log lines, \d+ bytes, dropped: at most 16384 bytes of logs are kept per node/);
    }
    const row = s.db.get<{ n: number }>(
      `SELECT max(${["error", "nodes", "input"].map((c) => s.db.dialect.byteLength(c)).join(" + ")} + coalesce(${s.db.dialect.byteLength("output")}, 0)) AS n FROM xflow_executions`,
    );
    expect((await row)!.n).toBeLessThan(3 * FIELD_BYTES + 64 * 1024);
  }, 30_000);
});

describe("each app's history is capped in bytes", () => {
  const record = (id: string, app: string, startedAt: string, size: number): RunRecord => ({
    id,
    app,
    xflow: "f",
    trigger: "manual",
    status: "succeeded",
    input: { pad: "p".repeat(size) },
    output: null,
    nodes: [],
    startedAt,
    finishedAt: startedAt,
    durationMs: 1,
  });

  test("past its byte budget an app loses its oldest runs first; other apps keep theirs", async () => {
    const s = await freshServices(structuredClone(templates.todo), "one");
    const m = await s.models.get("Todo");
    await s.apps.create(m.id, "two", systemActor);
    const [one, two] = [(await s.apps.runtime("one")).id, (await s.apps.runtime("two")).id];
    const log = new RunLog(s.db, { runs: 10_000, bytes: 50_000, pruneEveryBytes: 1 });
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    for (let i = 0; i < 20; i++) log.add(one, record(`one-${String(i).padStart(2, "0")}`, "one", at(i), 5000));
    for (let i = 0; i < 3; i++) log.add(two, record(`two-${i}`, "two", at(i), 5000));
    await log.flush();
    const kept = await log.list({ appId: one, limit: 100 });
    const total = kept.reduce((n, r) => n + bytes(r.input) + bytes(r.nodes) + 4, 0);
    expect(total).toBeLessThanOrEqual(50_000);
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.length).toBeLessThan(20);
    // The newest are the ones kept, without a gap.
    expect(kept.map((r) => r.id)).toEqual(Array.from({ length: kept.length }, (_, i) => `one-${String(19 - i).padStart(2, "0")}`));
    expect((await log.list({ appId: two, limit: 100 })).length).toBe(3);
  });
});

describe("scheduled runs are claimed once, and never overlap across servers", () => {
  test("a due time is claimed once; another waits for the flow's unfinished run unless that run is older than its time limit", async () => {
    const s = await freshServices(structuredClone(templates.todo), "todo");
    const appId = (await s.apps.runtime("todo")).id;
    const runs = s.xflows.runs;
    const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, "0")}:00.000Z`;
    expect(await runs.claim(appId, "nightly", at(0), 60_000)).toBe(true);
    expect(await runs.claim(appId, "nightly", at(0), 60_000)).toBe(false); // another server, the same due time
    expect(await runs.claim(appId, "nightly", at(5), 60_000)).toBe(false); // the 10:00 run is still going
    expect(await runs.claim(appId, "other", at(5), 60_000)).toBe(true); // another flow is not held
    await runs.finish(appId, "nightly", at(0));
    expect(await runs.claim(appId, "nightly", at(10), 60_000)).toBe(true);
    // A run whose server died never finishes: past the flow's time limit (and a margin) it holds nothing.
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    await s.db.transaction((tx) => tx.run("UPDATE schedule_claims SET claimed_at = ? WHERE xflow = 'nightly' AND scheduled_at = ?", [twoMinutesAgo, at(10)]));
    expect(await runs.claim(appId, "nightly", at(15), 180_000)).toBe(false); // a flow allowed 3 minutes may still be running
    expect(await runs.claim(appId, "nightly", at(15), 60_000)).toBe(true);
  });
});

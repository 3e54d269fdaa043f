// Schedule triggers: missed times while the server was down are caught up once at
// start-up (for flows that ran before), never once per missed time.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../src/http/server";
import { templates } from "../../src/model/templates";
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { testDatabase } from "../helpers/db";

const dir = mkdtempSync(join(tmpdir(), "torque-sched-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hourly = {
  name: "hourly_report",
  trigger: { type: "schedule", cron: "0 * * * *" },
  nodes: [
    { id: "start", type: "start" },
    { id: "end", type: "end" },
  ],
  edges: [{ from: "start", to: "end" }],
};

async function setup(lastRunHoursAgo: number | null) {
  const db = await testDatabase(dir, `s-${Math.random().toString(36).slice(2)}.db`);
  const s = await openServices(db);
  const m = await s.models.create({ ...structuredClone(templates.todo), xflows: [hourly] }, systemActor);
  await s.apps.create(m.id, "todo", systemActor);
  if (lastRunHoursAgo !== null) {
    // A run recorded by an earlier server, some hours before this one starts.
    const rt = await s.apps.runtime("todo");
    const at = new Date(Date.now() - lastRunHoursAgo * 3600_000).toISOString();
    s.xflows.runs.add(rt.id, {
      id: Bun.randomUUIDv7(),
      app: "todo",
      xflow: hourly.name,
      trigger: "schedule",
      status: "succeeded",
      input: {},
      output: {},
      nodes: [],
      startedAt: at,
      finishedAt: at,
      durationMs: 1,
    });
    await s.xflows.runs.flush();
  }
  return s;
}

async function scheduledRuns(s: Awaited<ReturnType<typeof setup>>) {
  for (let i = 0; i < 40; i++) {
    const runs = (await s.xflows.listRuns({ app: "todo", xflow: hourly.name })).filter((r) => r.trigger === "schedule");
    if (runs.length > 1 || i === 39) return runs;
    await Bun.sleep(50);
  }
  return [];
}

test("a server that was down for three scheduled times runs the flow once at start, marked missed", async () => {
  const s = await setup(3.5);
  const running = await startServer(s, { hostname: "127.0.0.1", port: 0, log: false });
  try {
    const runs = await scheduledRuns(s);
    expect(runs.length).toBe(2); // the old one and exactly one catch-up
    expect(runs[0]!.input).toMatchObject({ missed: true });
    expect(Date.parse((runs[0]!.input as { scheduled: string }).scheduled)).toBeGreaterThan(Date.now() - 3600_000 - 60_000);
  } finally {
    await running.stop();
  }
});

test("a flow that never ran waits for its next time instead of catching up", async () => {
  const s = await setup(null);
  const running = await startServer(s, { hostname: "127.0.0.1", port: 0, log: false });
  try {
    await Bun.sleep(300);
    expect((await s.xflows.listRuns({ app: "todo", xflow: hourly.name })).length).toBe(0);
  } finally {
    await running.stop();
  }
});

test("nothing is caught up when the last run is newer than the last scheduled time", async () => {
  const s = await setup(0); // ran just now
  const running = await startServer(s, { hostname: "127.0.0.1", port: 0, log: false });
  try {
    await Bun.sleep(300);
    expect((await s.xflows.listRuns({ app: "todo", xflow: hourly.name })).length).toBe(1);
  } finally {
    await running.stop();
  }
});

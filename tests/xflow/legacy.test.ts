// Flows of the original (Rust) Torque, imported by `torque model import` and run through
// the CLI: the converted task_status_automation keeps completed_at in step with the
// status, order_status_validation refuses transitions its rules do not allow, and the
// import report names the flows that could not be carried over (notifications).
import { describe, expect, test } from "bun:test";
import { ok, okJson, tempDir, torque } from "../helpers/cli";

const fixture = (name: string) => new URL(`../fixtures/torque-rust-samples/${name}`, import.meta.url).pathname;

interface Rec {
  id: string;
  data: Record<string, any>;
  version: number;
}

/** A fresh project folder with one legacy file imported; returns its folder, app slug and report. */
async function imported(file: string) {
  const dir = tempDir("torque-legacy-");
  const out = await okJson(["model", "import", fixture(file)], { cwd: dir });
  return { dir, app: out.app as string, report: out.report as { path: string; severity: string; message: string }[] };
}

const list = async (dir: string, app: string, entity: string) =>
  (await okJson<{ data: Rec[] }>(["entity", "list", app, entity, "--limit", "200"], { cwd: dir })).data;
const get = async (dir: string, app: string, entity: string, id: string): Promise<Rec> =>
  JSON.parse((await ok(["entity", "get", app, entity, id], { cwd: dir })).stdout);
const update = (dir: string, app: string, entity: string, id: string, data: object) =>
  torque(["entity", "update", app, entity, id, "--data", JSON.stringify(data)], { cwd: dir });
async function updated(dir: string, app: string, entity: string, id: string, data: object): Promise<Rec> {
  const r = await update(dir, app, entity, id, data);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("todo-app.json: task_status_automation", () => {
  test("setting a task Done stamps completed_at; moving it back clears it", async () => {
    const { dir, app } = await imported("todo-app.json");
    const task = (await list(dir, app, "task")).find((t) => t.data.status !== "Done" && t.data.completed_at == null)!;
    expect(task).toBeDefined();

    const before = Date.now();
    const done = await updated(dir, app, "task", task.id, { status: "Done" });
    expect(done.data.status).toBe("Done");
    const stamped = Date.parse(done.data.completed_at);
    expect(stamped).toBeGreaterThanOrEqual(before - 1000);
    expect(stamped).toBeLessThanOrEqual(Date.now() + 1000);
    // Stored, not only answered.
    expect((await get(dir, app, "task", task.id)).data.completed_at).toBe(done.data.completed_at);

    // Another change to a Done task keeps the first stamp.
    const renamed = await updated(dir, app, "task", task.id, { title: "Renamed while done" });
    expect(renamed.data.completed_at).toBe(done.data.completed_at);

    const back = await updated(dir, app, "task", task.id, { status: "In Progress" });
    expect(back.data.status).toBe("In Progress");
    expect(back.data.completed_at ?? null).toBeNull();
    expect((await get(dir, app, "task", task.id)).data.completed_at ?? null).toBeNull();
  });

  test("the import report names the notification flow it could not carry over", async () => {
    const { report } = await imported("todo-app.json");
    const dropped = report.filter((i) => i.severity === "dropped" && i.path.startsWith("/flows/"));
    expect(dropped.some((i) => i.path === "/flows/1" && i.message.includes("overdue_task_notification"))).toBe(true);
    expect(dropped.some((i) => i.path === "/flows/1/steps/0" && /notification/i.test(i.message))).toBe(true);
    // …and says the converted flow now runs before the update.
    expect(report.some((i) => i.path === "/flows/0/trigger" && i.message.includes("beforeUpdate"))).toBe(true);
  });
});

describe("customer-order.json: order_status_validation", () => {
  test("an invalid status transition is refused through `entity update`; valid ones go through", async () => {
    const { dir, app } = await imported("customer-order.json");
    const orders = await list(dir, app, "order");
    const delivered = orders.find((o) => o.data.status === "Delivered")!;
    const draft = orders.find((o) => o.data.status === "Draft")!;
    expect(delivered && draft).toBeDefined();

    const refused = await update(dir, app, "order", delivered.id, { status: "Pending" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("status cannot change from Delivered to Pending");
    expect(refused.stderr).toContain("order_status_validation");
    const still = await get(dir, app, "order", delivered.id);
    expect(still.data.status).toBe("Delivered");
    expect(still.version).toBe(delivered.version);

    expect((await updated(dir, app, "order", draft.id, { status: "Pending" })).data.status).toBe("Pending");
    expect((await updated(dir, app, "order", draft.id, { status: "Confirmed" })).data.status).toBe("Confirmed");
    const back = await update(dir, app, "order", draft.id, { status: "Draft" });
    expect(back.code).toBe(1);
    expect(back.stderr).toContain("Confirmed to Draft");
    // A change that leaves the status alone is not a transition, even on a final state.
    expect((await updated(dir, app, "order", delivered.id, { notes: "left at the door" })).data).toMatchObject({
      status: "Delivered",
      notes: "left at the door",
    });
    // Eight CLI processes, each opening the database and QuickJS: ~3.5 s alone, more beside other suites.
  }, 30_000);

  test("the import report names the confirmation email flow it could not carry over", async () => {
    const { report } = await imported("customer-order.json");
    expect(report.some((i) => i.severity === "dropped" && i.path === "/flows/1" && i.message.includes("order_confirmation_email"))).toBe(true);
    const text = await ok(["model", "import", fixture("customer-order.json")], { cwd: tempDir("torque-legacy-") });
    expect(text.stdout).toContain("order_confirmation_email");
  });
});

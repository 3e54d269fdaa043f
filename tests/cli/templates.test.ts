// The todo and crm templates as a new user meets them after `torque init --template`: they
// validate, seed, use every component type but the import wizard, and their workflows do
// their job when run through the CLI (an entity write that triggers one, or `xflow execute`).
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { COMPONENT_TYPES } from "../../src/model/schema";
import { ok, okJson, tempDir, torque, writeJson } from "../helpers/cli";

/** A fresh project of the template; returns a runner of `torque ARGS --json` inside it. */
async function project(template: "todo" | "crm") {
  const dir = tempDir();
  await ok(["init", ".", "--template", template], { cwd: dir });
  const j = <T = any>(...args: string[]) => okJson<T>(args, { cwd: dir });
  return { dir, j, run: (...args: string[]) => torque(args, { cwd: dir }) };
}

for (const template of ["todo", "crm"] as const) {
  test(`${template}: the saved model validates, seeds, and its pages use every component type`, async () => {
    const { dir, j } = await project(template);
    const model = await j("model", "export", template === "todo" ? "Todo" : "CRM");
    expect(await j("model", "validate", await writeJson(dir, "model.json", model))).toMatchObject({ valid: true });
    expect(await j("xflow", "validate", join(dir, "model.json"))).toEqual({ valid: true, issues: [] });
    const used = new Set(model.pages.flatMap((p: any) => p.components.map((c: any) => c.type)));
    // An import wizard is a tool an app's maker adds where imports are wanted, not part of a starting app.
    expect([...COMPONENT_TYPES].filter((t) => !used.has(t) && t !== "ImportWizard")).toEqual([]);
    expect((await j<any[]>("xflow", "list", "--app", template)).length).toBeGreaterThanOrEqual(2);
    const seeded = await j("app", "seed", template, "--count", "10");
    for (const n of Object.values(seeded.created)) expect(n).toBe(10);
  }, 30_000);
}

describe("todo workflows", () => {
  test("stamp_done: a task set to done gets done_at; reopened, done_at is cleared", async () => {
    const { j } = await project("todo");
    const p = await j("entity", "create", "todo", "project", "--data", '{"name":"Stamps"}');
    const t = await j("entity", "create", "todo", "task", "--data", JSON.stringify({ title: "write it", project: p.id }));
    expect(t.data.done_at).toBeUndefined();
    const before = new Date().toISOString();
    const done = await j("entity", "update", "todo", "task", t.id, "--data", '{"status":"done"}');
    expect(done.data.done_at >= before && done.data.done_at <= new Date().toISOString()).toBe(true);
    // Another change that leaves the status alone keeps the stamp.
    expect((await j("entity", "update", "todo", "task", t.id, "--data", '{"priority":5}')).data.done_at).toBe(done.data.done_at);
    const reopened = await j("entity", "update", "todo", "task", t.id, "--data", '{"status":"open"}');
    expect(reopened.data.done_at).toBeUndefined();
    expect((await j("entity", "get", "todo", "task", t.id)).data.done_at).toBeUndefined();
  }, 30_000);

  test("finish_project (xflow execute): every unfinished task of the project becomes done, with done_at; others untouched", async () => {
    const { j } = await project("todo");
    const [a, b] = [
      await j("entity", "create", "todo", "project", "--data", '{"name":"A"}'),
      await j("entity", "create", "todo", "project", "--data", '{"name":"B"}'),
    ];
    for (const [title, status, project] of [
      ["a1", "open", a.id],
      ["a2", "doing", a.id],
      ["a3", "done", a.id],
      ["b1", "open", b.id],
    ])
      await j("entity", "create", "todo", "task", "--data", JSON.stringify({ title, status, project }));
    const run = await j("xflow", "execute", "finish_project", "--app", "todo", "--input", JSON.stringify({ project: a.id }));
    expect(run).toMatchObject({ status: "succeeded", output: { finished: 2 } });
    const tasks = (await j("entity", "list", "todo", "task", "--filter", JSON.stringify({ project: { in: [a.id, b.id] } }), "--sort", "title")).data;
    expect(tasks.map((t: any) => [t.data.title, t.data.status, typeof t.data.done_at])).toEqual([
      ["a1", "done", "string"],
      ["a2", "done", "string"],
      ["a3", "done", "undefined"],
      ["b1", "open", "undefined"],
    ]);
  }, 30_000);
});

describe("crm workflows", () => {
  test("qualify_deal (xflow execute): a lead becomes qualified with an activity noting it; a second run fails and changes nothing", async () => {
    const { j, run } = await project("crm");
    const company = await j("entity", "create", "crm", "company", "--data", '{"name":"Qualico"}');
    const deal = await j("entity", "create", "crm", "deal", "--data", JSON.stringify({ title: "Big one", company: company.id, amount: 5000 }));
    expect(deal.data.stage).toBe("lead");
    const r = await j("xflow", "execute", "qualify_deal", "--app", "crm", "--input", JSON.stringify({ deal: deal.id }));
    expect(r.status).toBe("succeeded");
    expect((await j("entity", "get", "crm", "deal", deal.id)).data.stage).toBe("qualified");
    const notes = (await j("entity", "list", "crm", "activity", "--filter", JSON.stringify({ deal: deal.id }))).data;
    expect(notes.map((a: any) => a.data.subject)).toEqual(["Qualified: Big one"]);
    const again = await run("xflow", "execute", "qualify_deal", "--app", "crm", "--input", JSON.stringify({ deal: deal.id }));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("only a deal in stage lead can be qualified");
    expect((await j("entity", "list", "crm", "activity", "--filter", JSON.stringify({ deal: deal.id }))).data).toHaveLength(1);
  }, 30_000);

  test("web_lead: a web form's lead becomes company, contact, deal and activity; a second lead of the same company reuses them", async () => {
    const { j } = await project("crm");
    const form = { company: "Webco", email: "ann@webco.example", first_name: "Ann", last_name: "Lee", amount: 1200, message: "Call me" };
    const first = await j("xflow", "execute", "web_lead", "--app", "crm", "--input", JSON.stringify(form));
    expect(first.status).toBe("succeeded");
    const deal = await j("entity", "get", "crm", "deal", first.output.deal);
    expect(deal.data).toMatchObject({ title: "Webco (web lead)", stage: "lead", amount: 1200, company: first.output.company, contact: first.output.contact });
    expect((await j("entity", "get", "crm", "contact", first.output.contact)).data).toMatchObject({
      email: "ann@webco.example",
      company: first.output.company,
    });
    expect((await j("entity", "list", "crm", "activity", "--filter", JSON.stringify({ deal: deal.id }))).data[0].data).toMatchObject({
      subject: "Web form: Call me",
      kind: "email",
    });
    const second = await j("xflow", "execute", "web_lead", "--app", "crm", "--input", JSON.stringify({ ...form, title: "Renewal" }));
    expect(second.output.company).toBe(first.output.company);
    expect(second.output.contact).toBe(first.output.contact);
    expect(second.output.deal).not.toBe(first.output.deal);
    expect((await j("entity", "list", "crm", "company", "--filter", '{"name":"Webco"}')).data).toHaveLength(1);
  }, 30_000);
});

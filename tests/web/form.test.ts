// The Form component in a real browser: every input type with its label and required
// mark, the server's validation shown on the right field, the reference picker by
// keyboard, invalid JSON, a 10,000-value enum, hostile values, axe and screenshots in the
// gallery; then against the real todo server: a new task through the page's modal (the
// server's "project is required" under the picker, then a project picked by keyboard),
// an edit through ?record=, a version conflict, and a model change while typing.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { systemActor } from "../../src/services/actor";
import { defaultRaw, fromRaw, isoToLocalInput, localDate, rawChanged, toRaw } from "../../web/app/components/Form/values";
import type { FieldDefinition } from "../../web/app/lib/types";
import { rpc, startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot, storyUrl, type TestPage } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

const XSS = "<img src=x onerror=alert(1)>";

let s: TestServer;
let browser: Browser;
let tp: TestPage;
let page: Page;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"], server: { gallery: true } });
  browser = await launchBrowser();
  tp = await openPage(browser);
  page = tp.page;
  page.setDefaultTimeout(8000);
  page.setDefaultNavigationTimeout(60000);
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function story(name: string, theme?: "dark") {
  await page.goto(storyUrl(s.url, `Form/${name}`, theme));
  await page.locator(".gallery-story").waitFor();
}
const field = (name: string) => page.locator(`.tq-field[data-field="${name}"]`);
/** The control labelled exactly so (the label may end in the required mark "*"). */
const labelled = (root: Pick<Page, "getByLabel">, label: string) => root.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\*?$`));
/** The ids an element's aria-describedby names, and their texts. */
const describedBy = (sel: string) =>
  page.locator(sel).evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? `(missing #${id})`),
  );

describe("value conversion", () => {
  const def = (type: FieldDefinition["type"], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
    name: "x",
    label: "X",
    type,
    required: false,
    unique: false,
    sortable: true,
    ...extra,
  });

  test("date-times go through the browser's zone and back to the same instant", () => {
    const iso = "2026-03-04T05:06:07.000Z";
    const raw = toRaw(def("datetime"), iso);
    expect(raw).toBe(isoToLocalInput(iso));
    expect(fromRaw(def("datetime"), raw)).toEqual({ value: iso });
    expect(fromRaw(def("datetime"), "2026-13-45T99:00")).toEqual({ error: "invalidDate" });
  });

  test("empty input is null; numbers, JSON and lists convert; bad JSON is an error", () => {
    expect(fromRaw(def("integer"), "")).toEqual({ value: null });
    expect(fromRaw(def("number"), "2.5")).toEqual({ value: 2.5 });
    expect(fromRaw(def("json"), '{"a":[1]}')).toEqual({ value: { a: [1] } });
    expect(fromRaw(def("json"), "{nope")).toMatchObject({ error: "invalidJson" });
    expect(fromRaw(def("multienum"), ["a", "b"])).toEqual({ value: ["a", "b"] });
    expect(fromRaw(def("boolean"), true)).toEqual({ value: true });
    expect(toRaw(def("json"), { a: 1 })).toBe('{\n  "a": 1\n}');
  });

  test('defaults: the model\'s value, "now" as today or this minute', () => {
    expect(defaultRaw(def("enum", { default: "open" }))).toBe("open");
    expect(defaultRaw(def("integer", { default: 3 }))).toBe("3");
    expect(defaultRaw(def("date", { default: "now" }))).toBe(localDate(new Date()));
    expect(defaultRaw(def("datetime", { default: "now" }))).toMatch(new RegExp(`^${localDate(new Date())}T\\d\\d:\\d\\d$`));
    expect(defaultRaw(def("boolean"))).toBe(false);
  });

  test("a changed value is told from the stored one, lists regardless of order", () => {
    expect(rawChanged(["b", "a"], ["a", "b"])).toBe(false);
    expect(rawChanged(["a"], ["a", "b"])).toBe(true);
    expect(rawChanged(undefined, "")).toBe(false);
    expect(rawChanged("x", "")).toBe(true);
  });
});

describe("in the gallery", () => {
  test("every field type gets its input, label, required mark and help", async () => {
    await story("create");
    const form = page.locator(".tq-form");
    const byLabel = (l: string) => labelled(form, l);
    expect(await byLabel("Title").getAttribute("type")).toBe("text");
    expect(await byLabel("Title").getAttribute("maxlength")).toBe("200");
    expect(await byLabel("Title").getAttribute("aria-required")).toBe("true");
    expect(await field("title").locator("label .required").textContent()).toBe("*");
    expect(await field("status").locator(".required").count()).toBe(0);
    expect(await byLabel("Status").evaluate((el) => el.tagName)).toBe("SELECT");
    expect(await byLabel("Status").inputValue()).toBe("open"); // the model's default
    expect(await byLabel("Priority").getAttribute("type")).toBe("number");
    expect(await byLabel("Priority").getAttribute("step")).toBe("1");
    expect([await byLabel("Priority").getAttribute("min"), await byLabel("Priority").getAttribute("max")]).toEqual(["1", "5"]);
    expect(await byLabel("Priority").inputValue()).toBe("3");
    expect(await byLabel("Estimate").getAttribute("step")).toBe("any");
    expect(await byLabel("Due").getAttribute("type")).toBe("date");
    expect(await byLabel("Started at").getAttribute("type")).toBe("datetime-local");
    expect(await byLabel("Done").getAttribute("role")).toBe("switch");
    const project = form.getByRole("combobox", { name: "Project" });
    expect(await project.getAttribute("aria-required")).toBe("true");
    expect(await project.getAttribute("aria-autocomplete")).toBe("list");
    expect(await form.getByRole("group", { name: "Tags" }).getByRole("checkbox").count()).toBe(4);
    expect(await byLabel("Notes").evaluate((el) => el.tagName)).toBe("TEXTAREA");
    expect(await describedBy(`#${await byLabel("Notes").getAttribute("id")}`)).toEqual(["Anything worth knowing"]);
    expect(await byLabel("Owner email").getAttribute("type")).toBe("email");
    expect(await byLabel("Link").getAttribute("type")).toBe("url");
    expect(await byLabel("Meta").evaluate((el) => el.tagName)).toBe("TEXTAREA");
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "form-create");
    await story("create", "dark");
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "form-create-dark");
    await story("edit");
    await expect(labelled(page, "Title").inputValue()).resolves.toBe("Ship dark theme #3");
    await expect(page.getByRole("combobox", { name: "Project" }).inputValue()).resolves.toBe("Project 3"); // the reference's label, not its id
    expect(await labelled(page, "Done").isChecked()).toBe(true);
    expect(tp.errors).toEqual([]);
  });

  test("the server's validation shows on the right fields; nothing typed is lost", async () => {
    await story("validation");
    const title = labelled(page, "Title");
    await title.fill("My task");
    await labelled(page, "Priority").fill("4");
    await page.getByRole("button", { name: "Create" }).click();
    await field("title").locator(".field-error").waitFor();
    expect(await field("title").locator(".field-error").textContent()).toBe("title must be at most 200 characters");
    expect(await field("project").locator(".field-error").textContent()).toBe("project is required");
    expect(await field("status").locator(".field-error").count()).toBe(0);
    expect(await title.getAttribute("aria-invalid")).toBe("true");
    expect(await describedBy(`#${await title.getAttribute("id")}`)).toEqual(["title must be at most 200 characters"]);
    const project = page.getByRole("combobox", { name: "Project" });
    expect(await project.getAttribute("aria-invalid")).toBe("true");
    expect(await describedBy(`#${await project.getAttribute("id")}`)).toEqual(["project is required"]);
    // The issue on a field the form does not show is in the summary at the top.
    const alert = page.locator(".tq-form-alert[role=alert]");
    expect(await alert.textContent()).toContain("secret may not be set by this user");
    expect(await title.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await title.inputValue()).toBe("My task");
    expect(await labelled(page, "Priority").inputValue()).toBe("4");
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "form-validation");
    // Typing into a field clears its own message only.
    await title.fill("My task, shorter");
    expect(await field("title").locator(".field-error").count()).toBe(0);
    expect(await field("project").locator(".field-error").count()).toBe(1);
    await story("validation", "dark");
    await page.getByRole("button", { name: "Create" }).click();
    await field("project").locator(".field-error").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "form-validation-dark");
  });

  test("the reference picker works by keyboard (ARIA combobox)", async () => {
    await story("create");
    const box = page.getByRole("combobox", { name: "Project" });
    const listId = await box.getAttribute("aria-controls");
    await box.focus();
    await page.keyboard.type("4");
    await page.locator(`#${listId} [role=option]`).first().waitFor();
    expect(await page.locator(`#${listId} [role=option]`).allTextContents()).toEqual(["Project 4"]);
    expect(await box.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("ArrowDown");
    const active = await box.getAttribute("aria-activedescendant");
    expect(await page.locator(`#${active}`).textContent()).toBe("Project 4");
    expect(await page.locator(`#${active}`).getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Enter");
    expect(await box.inputValue()).toBe("Project 4");
    expect(await box.getAttribute("aria-expanded")).toBe("false");
    expect(await labelled(page, "Title").inputValue()).toBe(""); // Enter picked; it did not submit
    // Escape closes the list first, then takes back half-typed text.
    await page.keyboard.press("Control+A");
    await page.keyboard.type("Proj");
    await page.locator(`#${listId} [role=option]`).nth(4).waitFor();
    expect(await page.locator(`#${listId} [role=option]`).count()).toBe(5);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await page.locator(`#${await box.getAttribute("aria-activedescendant")}`).textContent()).toBe("Project 2");
    await page.keyboard.press("Escape");
    expect(await box.getAttribute("aria-expanded")).toBe("false");
    expect(await box.inputValue()).toBe("Proj");
    await page.keyboard.press("Escape");
    expect(await box.inputValue()).toBe("Project 4");
    // No match says so.
    await page.keyboard.press("Control+A");
    await page.keyboard.type("zzz");
    await page.getByText("No matches").waitFor();
    await page.keyboard.press("Tab"); // leaving puts back the chosen record's label
    expect(await box.inputValue()).toBe("Project 4");
    expect(tp.errors).toEqual([]);
  });

  test("invalid JSON is a field error, not a crash; a create resets to the defaults", async () => {
    await story("create");
    await labelled(page, "Title").fill("With JSON");
    const box = page.getByRole("combobox", { name: "Project" });
    await box.fill("1");
    await page.getByRole("option", { name: "Project 1" }).click();
    const meta = labelled(page, "Meta");
    await meta.fill('{"a": 1,');
    await labelled(page, "Priority").press("Enter"); // Enter in a single-line input submits
    await field("meta").locator(".field-error").waitFor();
    expect(await field("meta").locator(".field-error").textContent()).toStartWith("This is not valid JSON:");
    expect(await meta.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await meta.getAttribute("aria-invalid")).toBe("true");
    expect(await meta.inputValue()).toBe('{"a": 1,');
    await meta.fill('{"a": 1}');
    await page.getByRole("button", { name: "Create" }).click();
    // Saved: the form starts over from the model's defaults.
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>(".tq-field[data-field=title] input")?.value ?? "x") === "");
    expect(await meta.inputValue()).toBe("");
    expect(await labelled(page, "Status").inputValue()).toBe("open");
    expect(await box.inputValue()).toBe("");
    expect(tp.errors).toEqual([]);
  });

  test("an enum of 10,000 values is a searchable combobox and does not freeze the page", async () => {
    const t0 = Date.now();
    await story("huge enum");
    const city = page.getByRole("combobox", { name: "City" });
    await city.waitFor();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await page.locator("option, [role=option]").count()).toBeLessThan(100);
    const t1 = Date.now();
    await city.focus();
    await page.keyboard.type("City 0999");
    await page.getByRole("option", { name: "City 09990" }).waitFor();
    expect(Date.now() - t1).toBeLessThan(1500);
    expect(await page.getByRole("option").count()).toBe(10); // 09990 … 09999
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await city.inputValue()).toBe("City 09991");
    // A broad search lists the first matches and says there are more.
    await page.keyboard.press("Control+A");
    await page.keyboard.type("City");
    await page.getByText(/Showing the first 50 matches/).waitFor();
    await page.keyboard.press("Escape");
    // The 60-value multienum: chips added and removed by keyboard.
    const skills = page.getByRole("combobox", { name: "Skills" });
    await skills.focus();
    await page.keyboard.type("Skill 4");
    await page.getByRole("option", { name: "Skill 42" }).waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await field("skills").locator(".tq-chip").allTextContents()).toEqual(["Skill 4×"]);
    expect(await skills.inputValue()).toBe("");
    await field("skills").getByRole("button", { name: "Remove Skill 4" }).click();
    expect(await field("skills").locator(".tq-chip").count()).toBe(0);
    await city.click();
    await page.getByRole("option").first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "form-huge-enum");
    expect(tp.errors).toEqual([]);
  });

  test("hostile values are shown as text", async () => {
    await story("hostile values");
    expect(await labelled(page, "Title").inputValue()).toBe(XSS);
    expect(await page.locator(".tq-form-title").textContent()).toBe(XSS);
    expect(await labelled(page, "Notes").inputValue()).toContain("<script>alert(1)</script>");
    expect(await field("tags").getByText(XSS).count()).toBe(1);
    expect(await page.locator(".tq-form img, .tq-form script").count()).toBe(0);
    await shot(page, "form-hostile");
    expect(tp.errors).toEqual([]);
  });

  test("other states: loading, load error, no record, unknown entity and fields, busy while saving", async () => {
    await story("loading");
    expect(await page.locator(".tq-form .skeleton").count()).toBe(1);
    await story("load error");
    expect(await page.getByRole("alert").textContent()).toContain("The database is not reachable");
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await story("edit without record");
    expect(await page.locator(".tq-form-empty").textContent()).toBe("Select a task to edit it here");
    await story("unknown entity");
    expect(await page.getByRole("alert").textContent()).toContain('"invoice"');
    await story("unknown field");
    expect(await page.locator(".tq-form-warning").textContent()).toContain("budget");
    expect(await page.locator(".tq-field").count()).toBe(2);
    await story("slow save");
    await labelled(page, "Name").fill("Apollo");
    const submit = page.locator(".tq-form button[type=submit]");
    await submit.click();
    expect(await submit.textContent()).toBe("Saving…");
    expect(await submit.getAttribute("aria-disabled")).toBe("true");
    await shot(page, "form-busy");
    await page.waitForFunction(() => document.querySelector(".tq-form button[type=submit]")?.textContent === "Create");
    expect(await labelled(page, "Name").inputValue()).toBe("");
    expect(tp.errors).toEqual([]);
  });
});

describe("against the todo server", () => {
  const rpcT = (method: string, params: Record<string, unknown>) => rpc(s.url, method, { app: "todo", ...params });

  test("a new task: the server's 'project is required' under the picker, then a project picked by keyboard", async () => {
    const project = await rpcT("createEntity", { entity: "project", data: { name: "Zephyr launch" } });
    await rpcT("createEntity", { entity: "project", data: { name: "Apollo" } });
    await page.goto(`${s.url}/app/todo/`);
    await page.getByRole("button", { name: "New task" }).click();
    const dialog = page.getByRole("dialog", { name: "New task" });
    const title = labelled(dialog, "Title");
    await title.waitFor();
    await page.waitForFunction(() => document.activeElement?.closest(".tq-field")?.getAttribute("data-field") === "title");
    await title.fill("Write the launch plan");
    await dialog.getByRole("button", { name: "Create task" }).click();
    const error = dialog.locator('.tq-field[data-field="project"] .field-error');
    await error.waitFor();
    expect(await error.textContent()).toBe("project is required");
    expect(await title.inputValue()).toBe("Write the launch plan");
    const picker = dialog.getByRole("combobox", { name: "Project" });
    expect(await picker.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("zeph");
    await dialog.getByRole("option", { name: "Zephyr launch" }).waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await picker.inputValue()).toBe("Zephyr launch");
    expect(await dialog.locator(".tq-form-alert").count()).toBe(0); // nothing left to correct
    await shot(page, "form-todo-new-task");
    expect(await axeViolations(page)).toEqual([]);
    await labelled(dialog, "Due").fill("2026-07-14");
    // The server fails (a 500 without JSON): said so, everything typed stays.
    await page.route("**/rpc", (route) =>
      route.request().postData()?.includes('"createEntity"') ? route.fulfill({ status: 500, body: "Internal Server Error" }) : route.continue(),
    );
    await dialog.getByRole("button", { name: "Create task" }).click();
    await dialog.getByText(/The server could not handle the request \(HTTP 500\)/).waitFor();
    await page.unroute("**/rpc");
    expect([await title.inputValue(), await picker.inputValue(), await labelled(dialog, "Due").inputValue()]).toEqual([
      "Write the launch plan",
      "Zephyr launch",
      "2026-07-14",
    ]);
    // A double click saves once: the button is busy from the first click on.
    await dialog.getByRole("button", { name: "Create task" }).dblclick();
    await dialog.waitFor({ state: "detached" });
    // The new record appears in the page's grid (live, without a reload).
    await page.getByRole("grid").getByText("Write the launch plan").first().waitFor({ timeout: 5000 });
    const found = await rpcT("queryEntities", { entity: "task", filter: { title: "Write the launch plan" } });
    expect(found.data).toHaveLength(1);
    expect(found.data[0].data).toMatchObject({ project: project.id, due: "2026-07-14", status: "open", priority: 3 });
    expect(tp.errors).toEqual([]);
  });

  test("edit through ?record=: changes saved; a conflict keeps the input and reloads on request; a model change keeps what was typed", async () => {
    const project = await rpcT("createEntity", { entity: "project", data: { name: "Edits" } });
    const task = await rpcT("createEntity", { entity: "task", data: { title: "Draft", project: project.id, priority: 2 } });
    await page.goto(`${s.url}/app/todo/tasks?record=task/${task.id}`);
    const dialog = page.getByRole("dialog");
    const title = labelled(dialog, "Title");
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>(".tq-field[data-field=title] input")?.value === "Draft");
    expect(await dialog.getByRole("combobox", { name: "Project" }).inputValue()).toBe("Edits");
    await title.fill("Final");
    await labelled(dialog, "Done at").fill("2026-03-04T05:06");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    let got = await rpcT("getEntity", { entity: "task", id: task.id });
    expect(got.data.title).toBe("Final");
    expect(got.data.done_at).toBe(new Date(2026, 2, 4, 5, 6).toISOString()); // the browser's zone, as ISO
    expect(got.data.priority).toBe(2);

    // Someone else saves meanwhile: the save is a conflict; the input stays; reload keeps it and takes the rest.
    await page.goto(`${s.url}/app/todo/tasks?record=task/${task.id}`);
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>(".tq-field[data-field=title] input")?.value === "Final");
    await labelled(dialog, "Priority").fill("5");
    // An untouched form would follow the change live; this one has input, so the save must be a conflict.
    await rpcT("updateEntity", { entity: "task", id: task.id, data: { notes: "from elsewhere" } });
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByText(/was changed by someone else/).waitFor();
    expect(await labelled(dialog, "Priority").inputValue()).toBe("5");
    await shot(page, "form-todo-conflict");
    await dialog.getByRole("button", { name: "Load the latest version" }).click();
    await page.waitForFunction(() => document.querySelector<HTMLTextAreaElement>(".tq-field[data-field=notes] textarea")?.value === "from elsewhere");
    expect(await labelled(dialog, "Priority").inputValue()).toBe("5");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    got = await rpcT("getEntity", { entity: "task", id: task.id });
    expect(got.data).toMatchObject({ priority: 5, notes: "from elsewhere", title: "Final" });

    // The model changes while the user types: the new field appears, typed values stay.
    await page.goto(`${s.url}/app/todo/tasks?record=task/${task.id}`);
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>(".tq-field[data-field=title] input")?.value === "Final");
    await title.fill("Typed before the model changed");
    const current = await s.services.models.get(s.models.todo!);
    const doc = structuredClone(current.doc) as { entities: { name: string; fields: Record<string, unknown>[] }[] };
    doc.entities.find((e) => e.name === "task")!.fields.push({ name: "effort", type: "integer", min: 0 });
    await s.services.models.save(s.models.todo!, doc, systemActor);
    await labelled(dialog, "Effort").waitFor({ timeout: 5000 });
    expect(await title.inputValue()).toBe("Typed before the model changed");
    await labelled(dialog, "Effort").fill("8");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    got = await rpcT("getEntity", { entity: "task", id: task.id });
    expect(got.data).toMatchObject({ title: "Typed before the model changed", effort: 8 });
    expect(tp.errors).toEqual([]);
  });
});

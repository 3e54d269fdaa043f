// The Model Editor's entities tab in a real browser against a real server (todo and crm
// apps): the list of types and the unknown-type page; adding a type and fields of several
// types with their options (enum values, reference target, min/max, a pattern with its
// tester); names refused in place; reordering fields by keyboard drag and by buttons;
// renaming a field the crm pages use and removing one with data, each after a dialog
// naming what it touches and the records; a type change with data; a problem the server
// reports shown under its control; undo; axe in light and dark; screenshots.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Locator, Page } from "playwright-core";
import { systemActor } from "../../src/services/actor";
import { startTestServer, type TestServer } from "../helpers/server";
import { openPage, shot } from "./browser";
import { centre, drag, editorSuite, entityOf, fieldOf, panelViolations } from "./editor-kit";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const suite = editorSuite(() => startTestServer({ apps: ["todo", "crm"] }));
const { savedModel: saved, until, modelUrl, pageErrors, dialog, saveStatus, whenSaved, leaveDraft } = suite;
let s: TestServer;
let page: Page;
beforeAll(() => ({ server: s, page } = suite));

const fieldEditor = (p: Page = page) => p.locator('[data-editor="field"]');
const entityEditor = (p: Page = page) => p.locator('[data-editor="entity"]');
const prop = (name: string, scope: Locator = fieldEditor()) => scope.locator(`[data-prop="${name}"]`);
const row = (name: string, p: Page = page) => p.getByTestId("field-list").locator(`tr[data-field="${name}"]`);
const fieldOrder = async (p: Page = page) =>
  p
    .getByTestId("field-list")
    .locator("tbody tr")
    .evaluateAll((rs) => rs.map((r) => r.getAttribute("data-field")));

async function open(p: Page, id: string, rest = "") {
  await p.goto(modelUrl(id, `/entities${rest}`));
  await p.getByTestId("entity-list").waitFor();
}

/** Pick an option of a combobox (Mantine Select) by its text. */
async function choose(select: Locator, option: string, p: Page = page) {
  await select.click();
  await p.getByRole("listbox").getByRole("option", { name: option, exact: true }).click();
}

/** Type into a text input and leave it (blur commits). */
async function commit(l: Locator, value: string) {
  await l.fill(value);
  await l.press("Tab");
}

test("no type chosen: the list and a hint; an unknown type in the address says it does not exist", async () => {
  const id = s.models.todo!;
  await open(page, id);
  await page.getByRole("heading", { name: "Pick an entity type" }).waitFor();
  const list = page.getByTestId("entity-list");
  expect(await list.getByRole("link").allTextContents()).toEqual(["projectProject", "taskTask"]);
  // Searching narrows the list.
  await page.getByLabel("Search entity types").fill("tas");
  expect(await list.getByRole("link").count()).toBe(1);
  await page.getByLabel("Search entity types").fill("");
  await open(page, id, "/nope");
  await page.getByRole("heading", { name: "There is no entity type nope" }).waitFor();
  expect(await page.getByRole("alert").filter({ hasText: "renamed or removed" }).count()).toBe(1);
  expect(await panelViolations(page, "entities")).toEqual([]);
  await shot(page, "editor-entity-unknown");
  expect(await list.getByRole("link").count()).toBe(2);
  await list.getByRole("link", { name: /^task/ }).click();
  await page.getByRole("heading", { name: "Entity type task" }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/editor/models/${id}/entities/task`);
  // Focus went to the editor that opened.
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("entity-editor-title");
  expect(await panelViolations(page, "entities")).toEqual([]);
  await shot(page, "editor-entity-task");
  expect(pageErrors()).toEqual([]);
});

test("add a type (its name checked in place), then fields of several types with their options", async () => {
  const id = s.models.todo!;
  await open(page, id);
  await page.getByRole("button", { name: "Add entity type" }).click();
  const name = dialog().getByLabel("Name");
  await name.fill("Book List");
  await dialog().getByText("Book List is not a valid name").waitFor();
  await name.fill("project");
  await dialog().getByText("project is taken already.").waitFor();
  await dialog().getByRole("button", { name: "Add", exact: true }).click();
  expect(await dialog().isVisible()).toBe(true);
  await name.fill("book");
  await name.press("Enter");
  await page.getByRole("heading", { name: "Entity type book" }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/editor/models/${id}/entities/book`);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("entity-editor-title");

  // A field name is checked as it is typed and refused in place.
  const add = page.getByTestId("add-field");
  const fname = add.getByLabel("New field name");
  await fname.fill("2nd");
  await add.getByText("2nd is not a valid name").waitFor();
  await fname.fill("name");
  await add.getByText("name is taken already.").waitFor();
  await fname.fill("id");
  await add.getByText("id is reserved").waitFor();
  await add.getByRole("button", { name: "Add field" }).click();
  expect(await row("id").count()).toBe(0);
  expect(await fname.getAttribute("aria-invalid")).toBe("true");
  await shot(page, "editor-entity-invalid-name");

  // integer with min/max; min over max is refused where it was typed.
  await fname.fill("pages");
  await add.getByLabel("Type").selectOption("integer");
  await add.getByRole("button", { name: "Add field" }).click();
  await fieldEditor().getByRole("heading", { name: "Field book.pages" }).waitFor();
  expect(new URL(page.url()).searchParams.get("field")).toBe("pages");
  // Focus is in the new field's editor.
  expect(await page.evaluate(() => document.activeElement?.closest("[data-prop]")?.getAttribute("data-prop"))).toBe("name");
  await commit(prop("max").getByLabel("Maximum"), "5000");
  await commit(prop("min").getByLabel("Minimum"), "9000");
  await prop("min").getByText("cannot be greater than the maximum (5000)").waitFor();
  await commit(prop("min").getByLabel("Minimum"), "1");
  await until(id, (d) => fieldOf(d, "book", "pages")?.min === 1 && fieldOf(d, "book", "pages")?.max === 5000);

  // text with a pattern: the tester says match / no match as the sample is typed, and a
  // pattern that does not compile says why while it is typed and is not applied.
  await fname.fill("isbn");
  await add.getByLabel("Type").selectOption("text");
  await add.getByRole("button", { name: "Add field" }).click();
  await fieldEditor().getByRole("heading", { name: "Field book.isbn" }).waitFor();
  const pattern = prop("pattern").getByLabel("Pattern (regular expression)");
  const result = prop("pattern").getByTestId("pattern-result");
  expect(await result.textContent()).toBe("No pattern: every value passes");
  await pattern.fill("^97[89][0-9]{10}$");
  await prop("pattern").getByLabel("Try a value").fill("978316");
  expect(await result.textContent()).toBe("✗ Does not match");
  await prop("pattern").getByLabel("Try a value").fill("9783161484100");
  expect(await result.textContent()).toBe("✓ Matches");
  await pattern.press("Enter");
  await until(id, (d) => fieldOf(d, "book", "isbn")?.pattern === "^97[89][0-9]{10}$");
  await pattern.fill("^97[89");
  await prop("pattern").getByText("not a valid regular expression").waitFor();
  expect(await result.textContent()).toBe("Fix the pattern to try it");
  await shot(page, "editor-entity-pattern-invalid");
  await pattern.press("Tab");
  expect(await pattern.getAttribute("aria-invalid")).toBe("true");
  await pattern.press("Escape");
  expect(await pattern.inputValue()).toBe("^97[89][0-9]{10}$");

  // enum: values asked for when it is added; a duplicate is refused with a message.
  await fname.fill("status");
  await add.getByLabel("Type").selectOption("enum");
  await add.getByRole("button", { name: "Add field" }).click();
  await add.getByText("The list needs at least one value.").waitFor();
  const addValues = add.getByLabel("Values");
  for (const v of ["draft", "published"]) {
    await addValues.fill(v);
    await addValues.press("Enter");
  }
  await add.getByRole("button", { name: "Add field" }).click();
  await fieldEditor().getByRole("heading", { name: "Field book.status" }).waitFor();
  const values = prop("values").getByLabel("Values");
  await values.fill("archived");
  await values.press("Enter");
  await values.fill("draft");
  await values.press("Enter");
  await prop("values").getByText("draft is in the list already.").waitFor();
  await choose(prop("default").getByLabel("Default"), "draft");
  await until(id, (d) => fieldOf(d, "book", "status")?.values?.join() === "draft,published,archived" && fieldOf(d, "book", "status")?.default === "draft");

  // reference: the target is a select of the types.
  await fname.fill("owner");
  await add.getByLabel("Type").selectOption("reference");
  await add.getByLabel("Refers to").selectOption("project");
  await add.getByRole("button", { name: "Add field" }).click();
  await fieldEditor().getByRole("heading", { name: "Field book.owner" }).waitFor();
  expect(await prop("entity").getByLabel("Refers to").inputValue()).toBe("project");
  // Only the options of the type are shown: no pattern, no min/max for a reference.
  expect(await prop("pattern").count()).toBe(0);
  expect(await prop("min").count()).toBe(0);
  await prop("required").getByLabel("Required").check();

  const d = await until(id, (x) => !!fieldOf(x, "book", "owner")?.required);
  expect(entityOf(d, "book")!.fields.map((f) => [f.name, f.type])).toEqual([
    ["name", "text"],
    ["pages", "integer"],
    ["isbn", "text"],
    ["status", "enum"],
    ["owner", "reference"],
  ]);
  expect(fieldOf(d, "book", "owner")!.entity).toBe("project");
  await whenSaved();
  expect(await panelViolations(page, "entities")).toEqual([]);
  await shot(page, "editor-entity-book");
  expect(pageErrors()).toEqual([]);
});

test("a type's label, description, display field (by keyboard) and a composite index; a type change that needs a target; a deep link to a type's property", async () => {
  const id = s.models.todo!;
  await open(page, id, "/book");
  const props = entityEditor();
  await commit(prop("label", props).getByLabel("Label"), "Book");
  await commit(prop("description", props).getByLabel("Description"), "A book on the shelf.");
  // The display field: a combobox worked from the keyboard (arrows move, Enter picks).
  const display = prop("display", props).getByLabel("Display field");
  await display.focus();
  await page.keyboard.press("ArrowDown");
  await page.getByRole("listbox").waitFor();
  const highlighted = () => page.getByRole("listbox").locator("[data-combobox-selected]").textContent();
  for (let i = 0; i < 6 && (await highlighted()) !== "isbn"; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await until(id, (d) => entityOf(d, "book")!.display === "isbn");
  expect(await display.inputValue()).toBe("isbn");
  let d = await until(id, (x) => entityOf(x, "book")!.display === "isbn" && (x.entities.find((e) => e.name === "book") as { label?: string }).label === "Book");
  expect((entityOf(d, "book") as { description?: string }).description).toBe("A book on the shelf.");

  const indexes = prop("indexes", props);
  await indexes.getByRole("button", { name: "Add index" }).click();
  await indexes.getByText("Choose the fields of the index first.").waitFor();
  await choose(indexes.getByLabel("Fields of a new index (1 to 8)"), "status");
  await choose(indexes.getByLabel("Fields of a new index (1 to 8)"), "pages");
  await page.keyboard.press("Escape");
  await indexes.getByLabel("Unique", { exact: true }).check();
  await indexes.getByRole("button", { name: "Add index" }).click();
  d = await until(id, (x) => !!entityOf(x, "book")!.indexes?.length);
  expect(entityOf(d, "book")!.indexes).toEqual([{ fields: ["status", "pages"], unique: true }] as never);
  expect(await indexes.getByTestId("index-list").textContent()).toContain("status + pages");

  // integer → reference: the dialog asks for the target and removes min and max.
  await open(page, id, "/book?field=pages");
  await choose(prop("type").getByLabel("Type"), "reference (to a record)");
  const dlg = dialog();
  await dlg.getByText("These options do not apply to reference and are removed: min, max.").waitFor();
  const confirm = dlg.getByRole("button", { name: "Change to reference" });
  expect(await confirm.isDisabled()).toBe(true);
  await dlg.getByLabel("Refers to").selectOption("project");
  await confirm.click();
  d = await until(id, (x) => fieldOf(x, "book", "pages")?.type === "reference");
  expect(fieldOf(d, "book", "pages")).toEqual({ name: "pages", type: "reference", entity: "project" });
  // The index on it stays (references are indexed anyway).
  expect(await prop("indexed").getByLabel("Indexed").isDisabled()).toBe(true);

  // A link to a property of the type lands on its control.
  await open(page, id, "/book?prop=display");
  await page.waitForFunction(() => document.activeElement?.closest("[data-prop]")?.getAttribute("data-prop") === "display");
  expect(await prop("display", entityEditor()).getAttribute("class")).toContain("entity-highlight");
  expect(pageErrors()).toEqual([]);
});

test("reorder fields by keyboard drag (Space, arrows, Space) and by the Move buttons; each saved as one move", async () => {
  const id = s.models.todo!;
  await open(page, id, "/task");
  await whenSaved();
  const before = (await saved(id)).version;
  expect(await fieldOrder()).toEqual(["title", "status", "priority", "due", "done_at", "notes", "project"]);
  const handle = row("notes").getByRole("button", { name: "Reorder field notes" });
  await handle.focus();
  await page.keyboard.press("Space");
  await page.waitForTimeout(150);
  await page.keyboard.press("ArrowUp");
  await page.waitForTimeout(150);
  await page.keyboard.press("ArrowUp");
  await page.waitForTimeout(150);
  await page.keyboard.press("Space");
  const order = ["title", "status", "priority", "notes", "due", "done_at", "project"];
  const d = await until(
    id,
    (x) =>
      entityOf(x, "task")!
        .fields.map((f) => f.name)
        .join() === order.join(),
  );
  expect(entityOf(d, "task")!.fields.map((f) => f.name)).toEqual(order);
  expect(await fieldOrder()).toEqual(order);
  // One move, one version.
  await whenSaved();
  expect((await saved(id)).version).toBe(before + 1);
  // The keyboard stays on the handle that was dragged.
  expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Reorder field notes");

  await row("title").getByRole("button", { name: "Move title down" }).click();
  await until(id, (x) => entityOf(x, "task")!.fields[1]!.name === "title");
  // Focus follows the moved row's button.
  expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Move title down");
  await page.keyboard.press("Enter");
  await until(id, (x) => entityOf(x, "task")!.fields[2]!.name === "title");
  await row("title").getByRole("button", { name: "Move title up" }).click();
  await row("title").getByRole("button", { name: "Move title up" }).click();
  const back = await until(id, (x) => entityOf(x, "task")!.fields[0]!.name === "title");
  expect(entityOf(back, "task")!.fields.map((f) => f.name)).toEqual(order);
  // At the top, Move up is disabled and the keyboard is handed to Move down.
  expect(await row("title").getByRole("button", { name: "Move title up" }).isDisabled()).toBe(true);
  expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Move title down");

  // With the mouse: the handle of done_at dragged onto status's row.
  const from = await centre(row("done_at").getByRole("button", { name: "Reorder field done_at" }));
  const to = (await row("status").boundingBox())!;
  await drag(page, from, { x: from.x, y: to.y + 4 }, 15);
  const dragged = ["title", "done_at", "status", "priority", "notes", "due", "project"];
  await until(
    id,
    (x) =>
      entityOf(x, "task")!
        .fields.map((f) => f.name)
        .join() === dragged.join(),
  );
  expect(await fieldOrder()).toEqual(dragged);
  expect(pageErrors()).toEqual([]);
});

test("rename a field the crm pages use: the dialog lists the page components, the index and the records; then the pages are renamed too", async () => {
  const id = s.models.crm!;
  const company = await s.services.entities.create("crm", "company", { name: "Acme" }, { actor: systemActor });
  for (const [title, stage] of [
    ["Big deal", "won"],
    ["Small deal", "lead"],
  ])
    await s.services.entities.create("crm", "deal", { title, stage, company: company.id, amount: 100 }, { actor: systemActor });
  await open(page, id, "/deal?field=stage");
  await fieldEditor().getByRole("heading", { name: "Field deal.stage" }).waitFor();
  const name = prop("name").getByLabel("Name");
  await name.fill("phase");
  await name.press("Enter");
  const dlg = dialog();
  await dlg.getByRole("heading", { name: "Rename field deal.stage to phase?" }).waitFor();
  const impact = (await dlg.getByTestId("impact-list").textContent()) ?? "";
  expect(impact).toContain("DataGrid");
  expect(impact).toContain("Kpi");
  expect(impact).toContain("Chart");
  expect(impact).toContain("index stage+close_date");
  await dlg.getByTestId("impact-data").getByText("crm: 2 records hold a value in stage").waitFor();
  expect(await dlg.textContent()).toContain("come back if the field is named stage again");
  expect(await panelViolations(page, "entities")).toEqual([]);
  await shot(page, "editor-entity-rename-field");
  await dlg.getByRole("button", { name: "Rename" }).click();
  await dlg.waitFor({ state: "detached" });
  await fieldEditor().getByRole("heading", { name: "Field deal.phase" }).waitFor();
  expect(new URL(page.url()).searchParams.get("field")).toBe("phase");
  const d = await until(id, (x) => !!fieldOf(x, "deal", "phase"));
  const comps = d.pages!.flatMap((p) => p.components);
  const props = (type: string) => comps.filter((c) => c.type === type && c.props?.entity === "deal").map((c) => JSON.stringify(c.props));
  expect(props("DataGrid").some((p) => p.includes('"phase"'))).toBe(true);
  expect(props("Kpi").some((p) => p.includes('"phase":{'))).toBe(true);
  expect(props("Chart").some((p) => p.includes('"groupBy":"phase"'))).toBe(true);
  expect(JSON.stringify(d.pages)).not.toContain('"stage"');
  expect(entityOf(d, "deal")!.indexes![0]!.fields).toEqual(["phase", "close_date"]);

  // A reference that holds a relationship keeps its type and target (changed in the diagram).
  await row("company").getByRole("link", { name: "company" }).click();
  await fieldEditor().getByRole("heading", { name: "Field deal.company" }).waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("field-editor-title");
  expect(await prop("type").getByLabel("Type").isDisabled()).toBe(true);
  expect(await prop("type").textContent()).toContain("holds relationship company_deals");
  expect(await prop("entity").getByLabel("Refers to").isDisabled()).toBe(true);
  expect(pageErrors()).toEqual([]);
});

test("remove a field: the dialog counts the records holding a value (kept, hidden); then it is gone from the model", async () => {
  const id = s.models.todo!;
  const project = await s.services.entities.create("todo", "project", { name: "Garden" }, { actor: systemActor });
  await s.services.entities.create("todo", "task", { title: "Dig", project: project.id, notes: "north side" }, { actor: systemActor });
  await s.services.entities.create("todo", "task", { title: "Plant", project: project.id, notes: "tulips" }, { actor: systemActor });
  await s.services.entities.create("todo", "task", { title: "Water", project: project.id }, { actor: systemActor });
  await open(page, id, "/task?field=notes");
  await fieldEditor().getByRole("button", { name: "Remove field" }).click();
  const dlg = dialog();
  await dlg.getByRole("heading", { name: "Remove field task.notes?" }).waitFor();
  await dlg.getByText("todo: 2 of 3 records hold a value").waitFor();
  expect(await dlg.textContent()).toContain("torque app purge deletes them for good");
  // A removal focuses Cancel first.
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
  await shot(page, "editor-entity-remove-field");
  await dlg.getByRole("button", { name: "Remove field" }).click();
  await dlg.waitFor({ state: "detached" });
  await until(id, (d) => !fieldOf(d, "task", "notes"));
  expect(await row("notes").count()).toBe(0);
  expect(new URL(page.url()).searchParams.get("field")).toBeNull();
  // Focus lands on the fields' heading.
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("entity-fields-title");
  expect(pageErrors()).toEqual([]);
});

test("a type change with data says how many records hold a value and what happens to them; undo (Ctrl+Z) reverts a field change", async () => {
  const id = s.models.todo!;
  await open(page, id, "/task?field=priority");
  await fieldEditor().getByRole("heading", { name: "Field task.priority" }).waitFor();
  await choose(prop("type").getByLabel("Type"), "text (a line of text)");
  const dlg = dialog();
  await dlg.getByRole("heading", { name: "Change task.priority from integer to text?" }).waitFor();
  // The three tasks got the default priority 3.
  await dlg.getByText("todo: 3 records hold a value in this field").waitFor();
  const text = (await dlg.textContent()) ?? "";
  expect(text).toContain("stay stored as they are");
  expect(text).toContain("These options do not apply to text and are removed: min, max.");
  expect(text).toContain("The default 3 is removed");
  await shot(page, "editor-entity-retype");
  await dlg.getByRole("button", { name: "Cancel" }).click();
  await dlg.waitFor({ state: "detached" });
  expect(await prop("type").getByLabel("Type").inputValue()).toBe("integer (whole number)");
  expect(fieldOf((await saved(id)).document, "task", "priority")!.type).toBe("integer");

  // A checkbox applies at once; Ctrl+Z outside a text input undoes it.
  await prop("required").getByLabel("Required").check();
  await until(id, (d) => !!fieldOf(d, "task", "priority")!.required);
  await whenSaved();
  expect(await row("priority").textContent()).toContain("required");
  await page.keyboard.press("Control+z");
  await until(id, (d) => !fieldOf(d, "task", "priority")!.required);
  expect(await prop("required").getByLabel("Required").isChecked()).toBe(false);
  // In a text input, Ctrl+Z is the browser's own undo of typing, not the model's.
  const label = prop("label").getByLabel("Label");
  await label.fill("Urgency");
  await label.press("Enter");
  await until(id, (d) => fieldOf(d, "task", "priority")!.label === "Urgency");
  await label.press("End");
  await label.type("!");
  await label.press("Control+z");
  expect(fieldOf((await saved(id)).document, "task", "priority")!.label).toBe("Urgency");
  await label.press("Escape");
  expect(await label.inputValue()).toBe("Urgency");
  expect(pageErrors()).toEqual([]);
});

test("a problem the server reports (a reference to a type that is gone) shows under its control, the row is marked, and fixing it saves", async () => {
  const id = s.models.todo!;
  // An edit made in another session, against a type removed meanwhile: the draft is restored and refused.
  const base = (await saved(id)).version;
  await page.goto(`${s.url}/editor/`);
  await leaveDraft(id, {
    baseVersion: base,
    actions: [{ label: "Add field task.owner", edits: [{ op: "addField", entity: "task", field: { name: "owner", type: "reference", entity: "person" } }] }],
  });
  await open(page, id, "/task?field=owner&prop=entity");
  await saveStatus("invalid").waitFor();
  const target = prop("entity").getByLabel("Refers to");
  await prop("entity").getByText('refers to entity type "person", which does not exist').waitFor();
  expect(await target.getAttribute("aria-invalid")).toBe("true");
  // The deep link focused and highlighted the control.
  expect(await page.evaluate(() => document.activeElement?.closest("[data-prop]")?.getAttribute("data-prop"))).toBe("entity");
  expect(await target.inputValue()).toBe("person (does not exist)");
  expect(await row("owner").getAttribute("data-problem")).toBe("true");
  expect(await page.getByTestId("entity-list").locator('[data-entity="task"]').textContent()).toContain("problem");
  expect(await panelViolations(page, "entities")).toEqual([]);
  await shot(page, "editor-entity-server-problem");
  // Nothing broken was saved; the edit is kept until fixed.
  expect(fieldOf((await saved(id)).document, "task", "owner")).toBeUndefined();
  await choose(target, "project");
  await whenSaved();
  const d = await until(id, (x) => fieldOf(x, "task", "owner")?.entity === "project");
  expect(fieldOf(d, "task", "owner")!.type).toBe("reference");
  expect(await row("owner").getAttribute("data-problem")).toBe("false");
  expect(pageErrors()).toEqual([]);
});

test("rename and remove a type: each dialog names what goes with it and the records per app", async () => {
  const id = s.models.todo!;
  await open(page, id, "/project");
  const name = prop("name", entityEditor()).getByLabel("Name");
  await name.fill("client");
  await name.press("Enter");
  const dlg = dialog();
  await dlg.getByRole("heading", { name: "Rename entity type project to client?" }).waitFor();
  const impact = (await dlg.getByTestId("impact-list").textContent()) ?? "";
  expect(impact).toContain("relationship project_tasks");
  expect(impact).toContain("reference field task.project");
  expect(impact).toContain("reference field book.owner");
  await dlg.getByText("todo: 1 record of project").waitFor();
  await dlg.getByRole("button", { name: "Cancel" }).click();
  await dlg.waitFor({ state: "detached" });
  // Cancelled: the name is back and nothing changed.
  expect(await name.inputValue()).toBe("project");
  expect(entityOf((await saved(id)).document, "project")).toBeDefined();

  await open(page, id, "/book");
  await entityEditor().getByRole("button", { name: "Remove entity type" }).click();
  await dlg.getByRole("heading", { name: "Remove entity type book?" }).waitFor();
  await dlg.getByText("todo: 0 records").waitFor();
  await dlg.getByRole("button", { name: "Remove entity type" }).click();
  await until(id, (d) => !entityOf(d, "book"));
  expect(new URL(page.url()).pathname).toBe(`/editor/models/${id}/entities`);
  expect(await page.evaluate(() => document.activeElement?.getAttribute("type"))).toBe("search");
  expect(pageErrors()).toEqual([]);
});

test("dark theme: axe clean on a field with every kind of control; German strings", async () => {
  const id = s.models.todo!;
  const dark = await openPage(suite.browser, { colorScheme: "dark" });
  await open(dark.page, id, "/project?field=color");
  await fieldEditor(dark.page).getByRole("heading", { name: "Field project.color" }).waitFor();
  expect(await dark.page.evaluate(() => document.documentElement.dataset.mantineColorScheme)).toBe("dark");
  await prop("pattern", fieldEditor(dark.page)).getByLabel("Try a value").fill("#12345");
  expect(await panelViolations(dark.page, "entities")).toEqual([]);
  await shot(dark.page, "editor-entity-dark");
  await open(dark.page, id, "/task?field=status&lang=de");
  await fieldEditor(dark.page).getByRole("heading", { name: "Feld task.status" }).waitFor();
  expect(await prop("values", fieldEditor(dark.page)).getByLabel("Werte").count()).toBe(1);
  expect(await panelViolations(dark.page, "entities")).toEqual([]);
  await shot(dark.page, "editor-entity-dark-de");
  expect(pageErrors(dark)).toEqual([]);
  await dark.close();
});

// The Model Editor end to end, as issue 11 states it, against the compiled binary (the
// production build of the editor inside it) in headless Chromium, from an empty database:
// create "TODO List"; a `todo` type with `label` (text, required) and `status` (enum
// open/closed); a `project` type connected 1:n by dragging; a reference left broken by an
// agent's change flagged in the problems panel and fixed from its link; undo and redo;
// a diff against the first version and a rollback; the legacy customer-order.json imported
// and drawn; a change made over GraphQL from outside arriving in the open editor.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { Model } from "../../src/model/schema";
import { type BinaryServer, buildBinary, startBinaryServer } from "../helpers/binary";
import { axeViolations, shot } from "./browser";
import { centre, drag, editorSuite, fieldOf } from "./editor-kit";

setDefaultTimeout(90_000);

const LEGACY = join(import.meta.dir, "..", "fixtures", "torque-rust-samples", "customer-order.json");

// Building the binary takes a while the first time.
const suite = editorSuite(async () => startBinaryServer(await buildBinary()), { startTimeout: 180_000 });
const { savedModel, editModel, modelUrl, pageErrors, dialog, saveStatus, whenSaved } = suite;
let srv: BinaryServer;
let page: Page;
let id: string;
beforeAll(() => ({ server: srv, page } = suite));

const current = () => savedModel(id);
/** The binary is a process of its own beside Chromium and the test runner: its saves get 8 s. */
const until = (ok: (d: Model) => boolean) => suite.until(id, ok, 8000);
const erd = () => page.getByTestId("erd");
const node = (entity: string) => erd().locator(`.erd-node[data-entity="${entity}"]`);
const prop = (name: string) => page.locator('[data-editor="field"]').locator(`[data-prop="${name}"]`);
const tab = (name: string) => page.getByRole("tab", { name: new RegExp(`^${name}`) });

/** Add a type from the diagram's toolbar. */
async function addType(name: string) {
  await erd().getByRole("button", { name: "Add entity type" }).click();
  await dialog().getByLabel("Name").fill(name);
  await dialog().getByRole("button", { name: "Add", exact: true }).click();
  await node(name).waitFor();
  await whenSaved();
}

test("from an empty database: create the model TODO List and open it", async () => {
  await page.goto(`${srv.url}/editor/`);
  await page.getByTestId("empty-state").waitFor();
  await page.getByRole("button", { name: "Create model" }).first().click();
  await dialog().getByLabel("Name").fill("TODO List");
  await dialog().getByRole("button", { name: "Create", exact: true }).click();
  await page.getByRole("link", { name: "TODO List" }).click();
  await page.getByRole("heading", { name: "TODO List" }).waitFor();
  id = new URL(page.url()).pathname.split("/")[3]!;
  expect((await current()).version).toBe(1);
  await shot(page, "e2e-01-new-model");
  expect(pageErrors()).toEqual([]);
});

test("a todo type with label (text, required) and status (enum open/closed)", async () => {
  await addType("todo");
  await tab("Entities").click();
  await page.getByTestId("entity-list").getByRole("link", { name: /^todo/ }).click();
  // A new type starts with a required `name`: it becomes `label`.
  await page.getByTestId("field-list").locator('tr[data-field="name"]').getByRole("link", { name: "name" }).click();
  const name = prop("name").getByLabel("Name");
  await name.fill("label");
  await name.press("Enter");
  // The rename says what it touches first (here: the display field).
  await dialog().getByRole("heading", { name: "Rename field todo.name to label?" }).waitFor();
  await dialog().getByRole("button", { name: "Rename", exact: true }).click();
  await until((d) => !!fieldOf(d, "todo", "label")?.required);
  const add = page.getByTestId("add-field");
  await add.getByLabel("New field name").fill("status");
  await add.getByLabel("Type").selectOption("enum");
  for (const v of ["open", "closed"]) {
    await add.getByLabel("Values").fill(v);
    await add.getByLabel("Values").press("Enter");
  }
  await add.getByRole("button", { name: "Add field" }).click();
  const d = await until((x) => fieldOf(x, "todo", "status")?.values?.join() === "open,closed");
  expect(fieldOf(d, "todo", "label")).toMatchObject({ type: "text", required: true });
  await whenSaved();
  await shot(page, "e2e-02-todo-fields");
  expect(await axeViolations(page)).toEqual([]);
});

test("a project type, connected 1:n to todo by dragging", async () => {
  await tab("Diagram").click();
  await addType("project");
  await erd().getByRole("button", { name: "Fit view" }).click();
  await page.waitForTimeout(400);
  const from = await centre(node("project").locator(".erd-handle-source"));
  const to = await centre(node("todo").locator(".erd-node-header"));
  await drag(page, from, to);
  await dialog().getByRole("heading", { name: "Relate project to another entity type" }).waitFor();
  expect(await dialog().getByRole("radio", { name: /^1:n/ }).isChecked()).toBe(true);
  await dialog().getByRole("button", { name: "Relate" }).click();
  const d = await until((x) => !!x.relationships?.length);
  expect(d.relationships).toEqual([{ name: "project_todo", from: "project", to: "todo", kind: "1:n", inverse: "project" }]);
  expect(fieldOf(d, "todo", "project")).toMatchObject({ type: "reference", entity: "project" });
  await erd().locator('.react-flow__edge[data-id="rel:project_todo"]').waitFor();
  await dialog().waitFor({ state: "detached" });
  await whenSaved();
  await shot(page, "e2e-03-connected");
  expect(await axeViolations(page)).toEqual([]);
});

test("a broken reference is flagged in the problems panel and fixed from its link", async () => {
  // While this window is offline, the user adds todo.owner → project; meanwhile an agent
  // (GraphQL) removes project. The edit replays on the agent's version, the server refuses it.
  await page.route("**/graphql", (r) => (/editModel/.test(r.request().postData() ?? "") ? r.abort() : r.continue()));
  await tab("Entities").click();
  await page.getByTestId("entity-list").getByRole("link", { name: /^todo/ }).click();
  const add = page.getByTestId("add-field");
  await add.getByLabel("New field name").fill("owner");
  await add.getByLabel("Type").selectOption("reference");
  await add.getByLabel("Refers to").selectOption("project");
  await add.getByRole("button", { name: "Add field" }).click();
  await saveStatus("offline").waitFor();
  await editModel(id, [
    { op: "removeRelationship", name: "project_todo" },
    { op: "removeField", entity: "todo", name: "project" },
    { op: "removeEntityType", name: "project" },
  ]);
  await page.getByText(/arrived from elsewhere/).waitFor();
  await page.unroute("**/graphql");
  await page.getByRole("button", { name: "Save now" }).click();
  await saveStatus("invalid").waitFor();
  await tab("Problems").click();
  await shot(page, "e2e-04-problems");
  const link = page.getByRole("link", { name: /entity type todo.*field owner.*entity/ });
  await link.waitFor();
  expect(await page.locator("main").textContent()).toContain('field todo.owner refers to entity type "project", which does not exist');
  await shot(page, "e2e-04-problem");
  await link.click();
  await page.waitForURL(/\/entities\/todo\?field=owner&prop=entity/);
  const target = prop("entity").getByLabel("Refers to");
  await expect(target.evaluate((e) => e === document.activeElement || e.closest("[data-prop]")?.contains(document.activeElement))).resolves.toBe(true);
  // Fixed where it is named: the owner refers to a todo now.
  await target.click();
  await page.getByRole("listbox").getByRole("option", { name: "todo", exact: true }).click();
  await whenSaved();
  const d = await until((x) => fieldOf(x, "todo", "owner")?.entity === "todo");
  expect(d.entities.map((e) => e.name)).toEqual(["todo"]);
  await shot(page, "e2e-05-fixed");
});

test("undo and redo an edit, saved each time", async () => {
  await page.getByTestId("field-list").locator('tr[data-field="status"]').getByRole("link", { name: "status" }).click();
  await prop("required").getByLabel("Required").check();
  await until((d) => !!fieldOf(d, "todo", "status")?.required);
  await whenSaved();
  const v = (await current()).version;
  // Outside a text field Ctrl+Z undoes the model edit (inside one, the browser's own undo works).
  await page.locator("h1").click();
  await page.keyboard.press("Control+z");
  await until((d) => !fieldOf(d, "todo", "status")?.required);
  await whenSaved();
  expect((await current()).version).toBe(v + 1);
  expect(await prop("required").getByLabel("Required").isChecked()).toBe(false);
  await page.keyboard.press("Control+Shift+z");
  await until((d) => !!fieldOf(d, "todo", "status")?.required);
  await whenSaved();
  expect((await current()).version).toBe(v + 2);
});

test("the diff against the first version, then a rollback to it", async () => {
  const v = (await current()).version;
  await page.goto(modelUrl(id, `/history?from=1&to=${v}`));
  await page.getByRole("heading", { name: `Changes from version 1 to version ${v}` }).waitFor();
  const diff = (await page.locator("main").textContent()) ?? "";
  expect(diff).toContain("entity type todo");
  await shot(page, "e2e-06-diff");
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Roll back to version 1", exact: true }).click();
  await dialog()
    .getByRole("button", { name: /Roll back/ })
    .click();
  await page.getByText(`Version 1 was restored as version ${v + 1}.`).waitFor();
  const after = await current();
  expect(after.version).toBe(v + 1);
  expect(after.document.entities).toEqual([]);
  await whenSaved(v + 1);
});

test("the legacy customer-order.json, imported from Home, is drawn with both types and their relationship", async () => {
  await page.goto(`${srv.url}/editor/`);
  await page.getByRole("button", { name: "Import model" }).click();
  await dialog().locator('input[type="file"]').setInputFiles(LEGACY);
  await dialog().getByRole("button", { name: "Import", exact: true }).click();
  await dialog().getByTestId("import-report").waitFor();
  await dialog().getByRole("button", { name: "Done" }).click();
  await page.getByRole("link", { name: "Customer Order Management" }).click();
  await node("customer").waitFor();
  await node("order").waitFor();
  expect(await erd().locator(".react-flow__edge").count()).toBeGreaterThanOrEqual(1);
  expect(await erd().locator(".react-flow__edge-text").first().textContent()).toBe("1:n");
  await shot(page, "e2e-07-legacy");
});

test("with the editor open, a change over GraphQL from outside arrives", async () => {
  const legacyId = new URL(page.url()).pathname.split("/")[3]!;
  await whenSaved();
  await editModel(legacyId, [{ op: "addEntityType", entity: { name: "invoice", fields: [{ name: "number", type: "text", required: true }] } }]);
  await node("invoice").waitFor();
  await page.getByText(/arrived from elsewhere/).waitFor();
  await shot(page, "e2e-08-arrived");
  expect(pageErrors()).toEqual([]);
});

// The original Torque's first scenario, built in the Model Editor end to end (issue 12's
// "done when"), against the compiled binary in headless Chromium from an empty database:
// a `todo` type; a start page with a "New" button opening the todo form in a dialog and a
// grid of todos placed and resized by dragging; the app opened and a todo created through
// it; a workflow "before create todo" that refuses an empty label and upper-cases the
// first letter, run from the editor with a test input showing each node's output; the
// app refusing a blank label with the flow's message; a past run opened from the history.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Model } from "../../src/model/schema";
import { type BinaryServer, buildBinary, startBinaryServer } from "../helpers/binary";
import { shot } from "./browser";
import { drag, editorSuite, typeCode } from "./editor-kit";

setDefaultTimeout(90_000);

const suite = editorSuite(async () => startBinaryServer(await buildBinary()), { startTimeout: 180_000 });
const { modelUrl, pageErrors, dialog, whenSaved } = suite;
let srv: BinaryServer;
let page: Page;
let id: string;
let slug: string;
beforeAll(() => ({ server: srv, page } = suite));

const until = (ok: (d: Model) => boolean) => suite.until(id, ok, 8000);
const home = (d: Model) => d.pages!.find((p) => p.name === "home")!;
const at = (d: Model, c: string) => home(d).components.find((x) => x.id === c);
const grid = () => page.getByTestId("designer-grid");
const box = (c: string) => grid().locator(`[data-component="${c}"]`);
const props = () => page.getByTestId("designer-props");
const flowBox = (n: string) => page.locator(`.flow-step[data-node="${n}"]`);
const nodePanel = () => page.getByTestId("node-panel");

async function addStep(after: string, type: string) {
  await flowBox(after).click();
  await page.getByRole("button", { name: `Add step after ${after}` }).click();
  await page.locator(`[role="menuitem"][data-type="${type}"]`).click();
  await nodePanel()
    .getByRole("heading", { name: new RegExp(`^Step ${type}`) })
    .waitFor();
}

test("an empty model with a todo type (a label)", async () => {
  await page.goto(`${srv.url}/editor/`);
  await page.getByTestId("empty-state").waitFor();
  await page.getByRole("button", { name: "Create model" }).first().click();
  await dialog().getByLabel("Name").fill("Todo");
  await dialog().getByRole("button", { name: "Create", exact: true }).click();
  await page.getByRole("link", { name: "Todo", exact: true }).click();
  await page.getByRole("heading", { name: "Todo" }).waitFor();
  id = new URL(page.url()).pathname.split("/")[3]!;
  await page.getByTestId("erd").getByRole("button", { name: "Add entity type" }).click();
  await dialog().getByLabel("Name").fill("todo");
  await dialog().getByRole("button", { name: "Add", exact: true }).click();
  await page.getByRole("tab", { name: /^Entities/ }).click();
  await page.getByTestId("entity-list").getByRole("link", { name: /^todo/ }).click();
  await page.getByTestId("field-list").locator('tr[data-field="name"]').getByRole("link", { name: "name" }).click();
  const name = page.locator('[data-editor="field"]').locator('[data-prop="name"]').getByLabel("Name");
  await name.fill("label");
  await name.press("Enter");
  await dialog().getByRole("button", { name: "Rename", exact: true }).click();
  await until((d) => d.entities.some((e) => e.name === "todo" && e.fields.some((f) => f.name === "label")));
  await whenSaved();
});

test("a start page: a New button opening the todo form in a dialog, and a grid of todos moved and resized by dragging", async () => {
  await page.goto(modelUrl(id, "/pages"));
  await page.getByRole("button", { name: "Add page" }).click();
  await dialog().getByLabel("Name").fill("home");
  await dialog().getByLabel("Title (optional)").fill("Todos");
  await dialog().getByRole("button", { name: "Add" }).click();
  await page.getByRole("heading", { name: "Page home" }).waitFor();
  let d = await until((x) => !!x.pages?.some((p) => p.name === "home"));
  if (d.startPage !== "home") {
    await page.getByRole("button", { name: "Make start page" }).click();
    d = await until((x) => x.startPage === "home");
  }
  const palette = page.getByTestId("designer-palette");
  // The form, then the dialog that holds it.
  await palette.getByRole("button", { name: "Add Form" }).click();
  await until((x) => at(x, "form")?.type === "Form");
  await palette.getByRole("button", { name: "Add Modal" }).click();
  await until((x) => at(x, "modal")?.type === "Modal");
  await props().getByLabel("Components inside, in order").click();
  await page.getByRole("option", { name: "form (Form)" }).click();
  await page.keyboard.press("Escape");
  await until((x) => JSON.stringify(at(x, "modal")?.props?.children) === '["form"]');
  // The New button opening that dialog.
  await palette.getByRole("button", { name: "Add Button" }).click();
  await until((x) => at(x, "button")?.type === "Button");
  await props().getByLabel("Label").fill("New");
  await props().getByLabel("Label").press("Enter");
  await props().getByLabel("Action").selectOption("openModal");
  await props().getByLabel("Dialog (Modal)").selectOption("modal");
  await until((x) => (at(x, "button")?.props?.action as { modal?: string } | undefined)?.modal === "modal" && at(x, "button")?.props?.label === "New");
  // The grid, dragged one row down and its corner pulled two columns wider.
  await palette.getByRole("button", { name: "Add DataGrid" }).click();
  d = await until((x) => at(x, "datagrid")?.type === "DataGrid");
  const before = at(d, "datagrid")!.position;
  const cols = (await grid().boundingBox())!.width / 12;
  const b = (await box("datagrid").boundingBox())!;
  const rowH = b.height / before.height;
  await drag(page, { x: b.x + 30, y: b.y + 20 }, { x: b.x + 30, y: b.y + 20 + rowH + 4 });
  d = await until((x) => at(x, "datagrid")!.position.row === before.row + 1);
  // Its corner pulled two columns in and one row down: narrower and taller.
  const b2 = (await box("datagrid").boundingBox())!;
  const corner = { x: b2.x + b2.width - 5, y: b2.y + b2.height - 5 };
  await drag(page, corner, { x: corner.x - 2 * cols, y: corner.y + rowH });
  d = await until((x) => at(x, "datagrid")!.position.width === before.width - 2);
  expect(at(d, "datagrid")!.position).toEqual({ row: before.row + 1, col: before.col, width: before.width - 2, height: before.height + 1 });
  await whenSaved();
  await shot(page, "e2e-scenario-01-page");
  expect(pageErrors()).toEqual([]);
});

test("the app opened: New opens the form in a dialog and a todo is created through it", async () => {
  const preview = page.getByTestId("preview");
  await preview.getByText("Desktop").click();
  await preview.getByRole("button", { name: "Create an app of this model" }).click();
  const frame = page.locator("iframe.page-preview");
  await frame.waitFor();
  slug = decodeURIComponent(new URL((await frame.getAttribute("src"))!, srv.url).pathname.split("/")[2]!);
  await preview.getByText("Off").click();
  const app = await page.context().newPage();
  await app.goto(`${srv.url}/app/${slug}`);
  await app.getByRole("button", { name: "New" }).click();
  const form = app.getByRole("dialog");
  await form.locator(".tq-field[data-field=label] input").fill("buy milk");
  await form.getByRole("button", { name: "Create" }).click();
  await form.waitFor({ state: "detached" });
  await app.getByRole("gridcell", { name: "buy milk" }).or(app.getByText("buy milk")).first().waitFor();
  await shot(app, "e2e-scenario-02-app");
  await app.close();
});

test("a workflow before create todo: refuses an empty label, upper-cases the first letter; run from the editor with each node's output", async () => {
  await page.goto(modelUrl(id, "/flows"));
  await page.getByRole("button", { name: "Add workflow" }).click();
  await dialog().getByLabel("Name").fill("check_label");
  await dialog().getByRole("button", { name: "Add" }).click();
  await page.getByRole("heading", { name: "Workflow check_label" }).waitFor();
  const settings = page.getByTestId("flow-settings");
  await settings.getByRole("combobox", { name: "Started" }).click();
  await page.getByRole("option", { name: "When a record is written" }).click();
  await until((x) => x.xflows?.[0]?.trigger?.type === "entity" && x.xflows[0].trigger.entity === "todo" && x.xflows[0].trigger.event === "beforeCreate");
  // start → transform → end, then a condition before the transform, an error on its false answer.
  await addStep("start", "transform");
  await typeCode(
    page,
    "setting-expression",
    "({ ...input, data: { ...input.data, label: input.data.label.charAt(0).toUpperCase() + input.data.label.slice(1) } })",
  );
  await until((x) => String((x.xflows![0]!.nodes.find((n) => n.id === "transform") as Record<string, unknown>).expression).includes("toUpperCase"));
  await addStep("start", "condition");
  await typeCode(page, "setting-expression", 'String(input.data.label ?? "").trim() !== ""');
  await until((x) => String((x.xflows![0]!.nodes.find((n) => n.id === "condition") as Record<string, unknown>).expression).includes("trim"));
  await addStep("condition", "error");
  await nodePanel().getByLabel("message *").fill("A todo needs a label");
  await nodePanel().getByLabel("message *").press("Enter");
  const d = await until((x) => (x.xflows![0]!.nodes.find((n) => n.id === "error") as Record<string, unknown> | undefined)?.message === "A todo needs a label");
  expect(d.xflows![0]!.edges.map((e) => `${e.from}>${e.to}${e.when ? `:${e.when}` : ""}`).sort()).toEqual(
    ["start>condition", "condition>transform:true", "condition>error:false", "transform>end"].sort(),
  );
  await whenSaved();

  // Run with a test input: each node shows what it gave.
  await typeCode(page, "run-input", JSON.stringify({ entity: "todo", event: "beforeCreate", data: { label: "call mum" } }));
  await page.getByTestId("run-flow").click();
  await page.getByTestId("run-outcome").getByText("succeeded").waitFor();
  await flowBox("transform").click();
  await expect(nodePanel().getByTestId("node-run-output").textContent()).resolves.toContain('"label": "Call mum"');
  await flowBox("condition").click();
  await expect(nodePanel().getByTestId("node-run-output").textContent()).resolves.toContain('"label": "call mum"');
  await shot(page, "e2e-scenario-03-flow-run");
  expect(pageErrors()).toEqual([]);
});

test("the app refuses a blank label with the flow's message and capitalises a new one; the refused run opened from the history", async () => {
  const app = await page.context().newPage();
  await app.goto(`${srv.url}/app/${slug}`);
  await app.getByRole("button", { name: "New" }).click();
  const form = app.getByRole("dialog");
  await form.locator(".tq-field[data-field=label] input").fill("   ");
  await form.getByRole("button", { name: "Create" }).click();
  await form.getByText(/A todo needs a label/).waitFor();
  await shot(app, "e2e-scenario-04-refused");
  await form.locator(".tq-field[data-field=label] input").fill("water plants");
  await form.getByRole("button", { name: "Create" }).click();
  await form.waitFor({ state: "detached" });
  await app.getByText("Water plants").first().waitFor();
  await app.close();

  // The editor's history has the app's runs: the refused one shows where it stopped.
  await page.reload();
  const rows = page.getByTestId("run-history").locator("tbody tr");
  await rows.first().waitFor();
  const failed = rows.filter({ hasText: "failed" }).first();
  await failed.getByRole("button", { name: "Show" }).click();
  await page.getByTestId("run-outcome").getByText("Failed at error: A todo needs a label").waitFor();
  await page.locator('.flow-step[data-node="error"][data-run="failed"]').waitFor();
  await shot(page, "e2e-scenario-05-history");
  expect(pageErrors()).toEqual([]);
});

// The page designer's layout in a real browser against a real server (the todo app):
// the page's components as boxes on the 12-column grid (modals and what containers hold
// listed aside), a component added from the palette below the rest, moved by dragging,
// resized by its corner (both snapping to cells), moved and resized by keyboard (saved as
// one version when the keys stop), placed by numbers, duplicated and removed, undone. Every
// step is checked in the saved model; axe in light and dark; screenshots.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Model } from "../../src/model/schema";
import { startTestServer, type TestServer } from "../helpers/server";
import { openPage, shot } from "./browser";
import { drag, editorSuite, panelViolations } from "./editor-kit";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const suite = editorSuite(() => startTestServer({ apps: ["todo"] }));
const { until, modelUrl, pageErrors, whenSaved, gql } = suite;
let s: TestServer;
let page: Page;
let id: string;
beforeAll(() => {
  ({ server: s, page } = suite);
  id = s.models.todo!;
});

const grid = () => page.getByTestId("designer-grid");
const box = (cid: string) => grid().locator(`[data-component="${cid}"]`);
const tasks = (d: Model) => d.pages!.find((p) => p.name === "tasks")!;
const at = (d: Model, cid: string) => tasks(d).components.find((c) => c.id === cid)?.position;
const saved = (ok: (d: Model) => boolean) => until(id, ok);
const versions = async () => (await gql<{ modelVersions: unknown[] }>("query ($id: ID!) { modelVersions(id: $id) { version } }", { id })).modelVersions.length;

/** The size of one grid cell on screen. */
async function cell() {
  const b = (await grid().boundingBox())!;
  return { w: b.width / 12, h: 40 };
}

test("the page's components on the grid; a modal and what a form inside it is are listed aside", async () => {
  await page.goto(modelUrl(id, "/pages/tasks"));
  await grid().waitFor();
  const ids = await grid()
    .locator("[data-component]")
    .evaluateAll((xs) => xs.map((x) => x.getAttribute("data-component")));
  expect(ids.sort()).toEqual(["by_status", "done", "grid", "intro", "new", "open"]);
  expect(await box("grid").getAttribute("aria-label")).toBe("DataGrid grid: row 2, column 1, 12 columns wide, 8 rows high");
  await page.getByRole("button", { name: "Modal new_task" }).waitFor();
  // On the projects page, the container says what it holds.
  await page.goto(modelUrl(id, "/pages/projects"));
  expect(await box("panel").getAttribute("aria-label")).toBe("Container panel holds grid, detail: row 2, column 1, 12 columns wide, 8 rows high");
  expect(await box("panel").textContent()).toContain("holds grid, detail");
  expect(await panelViolations(page, "pages")).toEqual([]);
  await page.goto(modelUrl(id, "/pages/tasks"));
  await grid().waitFor();
  await page.getByRole("button", { name: "Form task_form" }).waitFor();
  expect(await panelViolations(page, "pages")).toEqual([]);
  await shot(page, "editor-designer-tasks");
  expect(pageErrors()).toEqual([]);
});

test("add from the palette: below the rest (on the model's first entity type), selected, focused, valid", async () => {
  await page.getByTestId("designer-palette").getByRole("button", { name: "Add Kpi" }).click();
  await box("kpi").waitFor();
  const d = await saved((x) => !!at(x, "kpi"));
  expect(at(d, "kpi")).toEqual({ row: 13, col: 0, width: 3, height: 2 });
  expect(tasks(d).components.find((c) => c.id === "kpi")!.props).toMatchObject({ entity: "project", aggregate: "count" });
  expect(await box("kpi").getAttribute("aria-pressed")).toBe("true");
  expect(await page.evaluate(() => document.activeElement?.getAttribute("data-component"))).toBe("kpi");
  expect(new URL(page.url()).searchParams.get("component")).toBe("kpi");
  await whenSaved();
});

test("drag moves a box by whole cells; its corner resizes it", async () => {
  const c = await cell();
  const b = (await box("kpi").boundingBox())!;
  const from = { x: b.x + 20, y: b.y + 20 };
  await drag(page, from, { x: from.x + 3 * c.w + 5, y: from.y + c.h + 4 });
  let d = await saved((x) => at(x, "kpi")!.col === 3);
  expect(at(d, "kpi")).toEqual({ row: 14, col: 3, width: 3, height: 2 });
  const b2 = (await box("kpi").boundingBox())!;
  const corner = { x: b2.x + b2.width - 5, y: b2.y + b2.height - 5 };
  await drag(page, corner, { x: corner.x + 2 * c.w, y: corner.y + c.h });
  d = await saved((x) => at(x, "kpi")!.width === 5);
  expect(at(d, "kpi")).toEqual({ row: 14, col: 3, width: 5, height: 3 });
  await whenSaved();
});

test("by keyboard: arrows move, Shift+arrows resize, saved once when the keys stop", async () => {
  const before = await versions();
  await box("kpi").focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowUp");
  expect(await box("kpi").getAttribute("aria-label")).toBe("Kpi kpi: row 14, column 6, 5 columns wide, 3 rows high");
  const d = await saved((x) => at(x, "kpi")!.col === 5);
  expect(at(d, "kpi")).toEqual({ row: 13, col: 5, width: 5, height: 3 });
  await whenSaved();
  expect(await versions()).toBe(before + 1);
  await page.keyboard.press("Shift+ArrowLeft");
  await page.keyboard.press("Shift+ArrowDown");
  await saved((x) => at(x, "kpi")!.width === 4 && at(x, "kpi")!.height === 4);
  // Far right: the box stops at the grid's edge.
  for (let i = 0; i < 12; i++) await page.keyboard.press("ArrowRight");
  await saved((x) => at(x, "kpi")!.col === 8);
  await whenSaved();
});

test("by numbers; duplicate with Ctrl+D; Delete removes; undo brings it back", async () => {
  const selected = page.getByTestId("designer-selected");
  const width = selected.getByLabel("Width (columns)");
  await width.fill("12");
  await width.press("Enter");
  await saved((x) => at(x, "kpi")!.width === 12 && at(x, "kpi")!.col === 0);
  await box("kpi").focus();
  await page.keyboard.press("Control+d");
  await box("kpi_2").waitFor();
  await saved((x) => !!at(x, "kpi_2"));
  expect(await page.evaluate(() => document.activeElement?.getAttribute("data-component"))).toBe("kpi_2");
  await page.keyboard.press("Delete");
  await saved((x) => !at(x, "kpi_2"));
  expect(await box("kpi_2").count()).toBe(0);
  await whenSaved();
  await page.keyboard.press("Control+z");
  await saved((x) => !!at(x, "kpi_2"));
  await box("kpi_2").waitFor();
  await whenSaved();
  await shot(page, "editor-designer-placed");
  expect(pageErrors()).toEqual([]);
});

const propsOf = (d: Model, cid: string) => tasks(d).components.find((c) => c.id === cid)!.props!;

test("settings generated from the type's description: text, number, checkbox, columns, entity type", async () => {
  await page.goto(modelUrl(id, "/pages/tasks?component=grid"));
  const panel = page.getByTestId("designer-props");
  await panel.waitFor();
  expect(await panel.getByLabel("Entity type").inputValue()).toBe("task");
  const title = panel.getByLabel("Title");
  await title.fill("All tasks");
  await title.press("Enter");
  await saved((x) => propsOf(x, "grid").title === "All tasks");
  const size = panel.getByLabel("Rows per page");
  await size.fill("50");
  await size.press("Enter");
  await saved((x) => propsOf(x, "grid").pageSize === 50);
  await panel.getByLabel("Cells can be edited").uncheck();
  await saved((x) => propsOf(x, "grid").editable === false);
  await panel.getByLabel("Cells can be edited").check();
  await saved((x) => !("editable" in propsOf(x, "grid")));
  // Columns: one more, picked from the type's fields.
  const before = (await suite.savedModel(id)).document;
  const columns = propsOf(before, "grid").columns as unknown[];
  await panel.getByLabel("Columns, in order").click();
  await page.getByRole("listbox").getByRole("option", { name: "done_at", exact: true }).click();
  await page.keyboard.press("Escape");
  const withDone = await saved((x) => (propsOf(x, "grid").columns as unknown[]).includes("done_at"));
  // Added at the end, the others kept in their order.
  expect(propsOf(withDone, "grid").columns).toEqual([...columns, "done_at"]);
  // Another entity type: the old one's columns and sort go.
  await panel.getByLabel("Entity type").selectOption("project");
  const d = await saved((x) => propsOf(x, "grid").entity === "project");
  expect(propsOf(d, "grid").columns).toBeUndefined();
  expect(propsOf(d, "grid").sort).toBeUndefined();
  await whenSaved();
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await saved((x) => propsOf(x, "grid").entity === "task" && Array.isArray(propsOf(x, "grid").columns));
  await whenSaved();
  expect(pageErrors()).toEqual([]);
});

test("a button's action: its type, then the page, dialog or entity type it names", async () => {
  await page.goto(modelUrl(id, "/pages/tasks?component=new"));
  const panel = page.getByTestId("designer-props");
  await panel.waitFor();
  expect(await panel.getByLabel("Action").inputValue()).toBe("openModal");
  expect(await panel.getByLabel("Dialog (Modal)").inputValue()).toBe("new_task");
  await panel.getByLabel("Action").selectOption("navigate");
  await saved((x) => (propsOf(x, "new").action as { type: string }).type === "navigate");
  await panel.getByLabel("Page").selectOption("projects");
  const d = await saved((x) => (propsOf(x, "new").action as { page?: string }).page === "projects");
  expect(propsOf(d, "new").action).toEqual({ type: "navigate", page: "projects" });
  await whenSaved();
  // A Kpi's filter as condition rows: status is open.
  await page.goto(modelUrl(id, "/pages/tasks?component=open"));
  await panel.getByLabel("Field of condition 1").waitFor();
  expect(await panel.getByLabel("Value of condition 1").inputValue()).toBe("open");
  await panel.getByLabel("Label").fill("Still open");
  await panel.getByLabel("Label").press("Enter");
  const k = await saved((x) => propsOf(x, "open").label === "Still open");
  expect(propsOf(k, "open").filter).toEqual({ status: "open" });
  await whenSaved();
  await shot(page, "editor-designer-props");
  expect(pageErrors()).toEqual([]);
});

test("a grid's filter built from rows, its sort from keys; a filter rows cannot show is edited as JSON", async () => {
  await page.goto(modelUrl(id, "/pages/tasks?component=grid"));
  const panel = page.getByTestId("designer-props");
  await panel.getByText("No filter: every record.").waitFor();
  const versionBefore = (await suite.savedModel(id)).version;
  await panel.getByRole("button", { name: "Add condition" }).click();
  // A condition without a value is not saved (the app would apply it at once).
  await panel.getByLabel("Field of condition 1").selectOption("status");
  await page.waitForTimeout(300);
  expect((await suite.savedModel(id)).version).toBe(versionBefore);
  await panel.getByLabel("Value of condition 1").selectOption("doing");
  await saved((x) => JSON.stringify(propsOf(x, "grid").filter) === JSON.stringify({ status: "doing" }));
  await panel.getByRole("button", { name: "Add condition" }).click();
  // The new row starts on a field no other row uses.
  expect(await panel.getByLabel("Field of condition 2").inputValue()).toBe("title");
  await panel.getByLabel("Field of condition 2").selectOption("priority");
  // Only what an integer takes: no "contains".
  const ops = await panel.getByLabel("Operator of condition 2").locator("option").allTextContents();
  expect(ops).not.toContain("contains");
  await panel.getByLabel("Operator of condition 2").selectOption("gte");
  const value = panel.getByLabel("Value of condition 2");
  await value.fill("3");
  await value.press("Enter");
  await saved((x) => JSON.stringify(propsOf(x, "grid").filter) === JSON.stringify({ status: "doing", priority: { gte: 3 } }));
  // The sort: the existing key turned around, a second one added.
  await panel.getByLabel("Direction of sort key 1").selectOption("desc");
  await panel.getByRole("button", { name: "Add sort key" }).click();
  const d = await saved((x) => (propsOf(x, "grid").sort as unknown[])?.length === 2);
  expect((propsOf(d, "grid").sort as { dir: string }[])[0]!.dir).toBe("desc");
  await panel.getByRole("button", { name: "Remove condition 1" }).click();
  await saved((x) => JSON.stringify(propsOf(x, "grid").filter) === JSON.stringify({ priority: { gte: 3 } }));
  await whenSaved();
  await shot(page, "editor-designer-filter");
  // An or-group from elsewhere: shown as JSON, a broken edit refused where it is typed.
  await suite.editModel(id, [
    {
      op: "updateComponent",
      page: "tasks",
      id: "grid",
      patch: { props: { ...propsOf(d, "grid"), filter: { or: [{ status: "open" }, { status: "doing" }] } } },
    },
  ]);
  const json = panel.getByLabel("Filter (JSON)");
  await json.waitFor();
  await json.fill("{ nope");
  await json.blur();
  await panel.getByText(/Not valid JSON/).waitFor();
  await json.fill('{"status": "done"}');
  await json.blur();
  await saved((x) => JSON.stringify(propsOf(x, "grid").filter) === JSON.stringify({ status: "done" }));
  await whenSaved();
  expect(pageErrors()).toEqual([]);
});

test("copy a component with Ctrl+C and paste it on another page with Ctrl+V", async () => {
  await page.goto(modelUrl(id, "/pages/tasks"));
  await box("intro").focus();
  await page.keyboard.press("Control+c");
  await page.getByText("intro copied").waitFor();
  // Also a button, for a page with no box to focus.
  await page.getByRole("button", { name: "Paste intro" }).waitFor();
  // In the app's own navigation, and after a reload: the copy is kept for the tab.
  await page
    .getByTestId("page-list")
    .getByRole("link", { name: /^projects/ })
    .click();
  await page.reload();
  await box("new").focus();
  await page.keyboard.press("Control+v");
  await box("intro").waitFor();
  const d = await saved((x) => !!x.pages!.find((p) => p.name === "projects")!.components.find((c) => c.id === "intro"));
  const pasted = d.pages!.find((p) => p.name === "projects")!.components.find((c) => c.id === "intro")!;
  expect(pasted.props).toEqual(propsOf(d, "intro"));
  expect(pasted.position.row).toBeGreaterThan(0);
  expect(await page.evaluate(() => document.activeElement?.getAttribute("data-component"))).toBe("intro");
  await whenSaved();
});

test("the preview is the real app in a frame, at desktop and phone widths, following a saved edit", async () => {
  await page.goto(modelUrl(id, "/pages/tasks?component=intro"));
  const preview = page.getByTestId("preview");
  await preview.getByText("Desktop").click();
  const frame = page.frameLocator('iframe[title="Preview of page tasks in the app todo"]');
  // The app is up in the frame once it shows the intro's text as the model has it now.
  const intro = String(propsOf((await suite.savedModel(id)).document, "intro").text);
  await frame.getByText(intro).first().waitFor({ timeout: 15_000 });
  const text = page.getByTestId("designer-props").getByLabel("Text");
  await text.fill("Hello from the designer");
  const t0 = Date.now();
  await text.blur();
  await frame.getByText("Hello from the designer").waitFor({ timeout: 10_000 });
  console.log(`preview: a saved edit shown in the app frame after ${Date.now() - t0} ms`);
  await whenSaved();
  await preview.getByText("Phone").click();
  const width = await page.locator("iframe.page-preview").evaluate((f) => f.getBoundingClientRect().width);
  expect(width).toBe(390);
  await frame.getByText("Hello from the designer").waitFor({ timeout: 15_000 });
  expect(await panelViolations(page, "pages")).toEqual([]);
  await shot(page, "editor-designer-preview-phone");
  await preview.getByText("Off").click();
  await page.locator("iframe.page-preview").waitFor({ state: "detached" });
  expect(pageErrors()).toEqual([]);
});

test("with no app of the model, the preview offers to make one, then shows it", async () => {
  const { templates } = await import("../../src/model/templates");
  const other = await suite.createModel("No app yet", structuredClone(templates.todo));
  await page.goto(modelUrl(other, "/pages/tasks"));
  const preview = page.getByTestId("preview");
  await preview.getByText("Desktop").click();
  await preview.getByText("No app runs this model yet.").waitFor();
  await preview.getByRole("button", { name: "Create an app of this model" }).click();
  const frame = page.locator("iframe.page-preview");
  await frame.waitFor();
  const slug = decodeURIComponent(new URL((await frame.getAttribute("src"))!, s.url).pathname.split("/")[2]!);
  const apps = await gql<{ model: { apps: { slug: string }[] } }>("query ($id: ID!) { model(id: $id) { apps { slug } } }", { id: other });
  expect(apps.model.apps.map((a) => a.slug)).toEqual([slug]);
  await page.frameLocator("iframe.page-preview").getByRole("heading", { name: "Tasks" }).first().waitFor({ timeout: 15_000 });
  await preview.getByText("Off").click();
  expect(pageErrors()).toEqual([]);
});

test("a box dropped onto a Container goes inside it; one dropped onto a Modal in the list goes into the dialog", async () => {
  await page.goto(modelUrl(id, "/pages/tasks"));
  await grid().waitFor();
  await page.getByTestId("designer-palette").getByRole("button", { name: "Add Container" }).click();
  await box("container").waitFor();
  await saved((x) => !!at(x, "container"));
  // The new container is below the rest: a tall window shows both ends of the drag (the designer does not scroll while dragging).
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: 2400 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const target = (await box("container").boundingBox())!;
  const kpi = (await box("open").boundingBox())!;
  await drag(page, { x: kpi.x + 15, y: kpi.y + 15 }, { x: target.x + target.width / 2, y: target.y + target.height / 2 });
  let d = await saved((x) => JSON.stringify(tasks(x).components.find((c) => c.id === "container")!.props!.children) === '["open"]');
  // Drawn inside its holder now: off the grid, listed aside, and the container says it holds it.
  expect(await box("open").count()).toBe(0);
  await page.getByRole("button", { name: "Kpi open" }).waitFor();
  expect(await box("container").textContent()).toContain("holds open");
  // Onto the dialog in the list: it leaves the container and goes into new_task.
  const intro = (await box("intro").boundingBox())!;
  const modal = (await page.getByRole("button", { name: "Modal new_task" }).boundingBox())!;
  await drag(page, { x: intro.x + 15, y: intro.y + 15 }, { x: modal.x + modal.width / 2, y: modal.y + modal.height / 2 });
  d = await saved((x) => ((tasks(x).components.find((c) => c.id === "new_task")!.props!.children as string[]) ?? []).includes("intro"));
  expect(tasks(d).components.find((c) => c.id === "new_task")!.props!.children).toEqual(["task_form", "intro"]);
  await whenSaved();
  // Undone one at a time: intro back on the grid, then open.
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await saved((x) => !(tasks(x).components.find((c) => c.id === "new_task")!.props!.children as string[]).includes("intro"));
  await whenSaved();
  await page.keyboard.press("Control+z");
  await saved((x) => !(tasks(x).components.find((c) => c.id === "container")!.props!.children as string[]).length);
  await whenSaved();
  await page.setViewportSize(size);
  expect(pageErrors()).toEqual([]);
});

test("sample data: an app of its own made and filled on first use, previewed; the real app untouched", async () => {
  const { templates } = await import("../../src/model/templates");
  const other = await suite.createModel("Sample me", structuredClone(templates.todo));
  await page.goto(modelUrl(other, "/pages/tasks"));
  const preview = page.getByTestId("preview");
  await preview.getByText("Desktop").click();
  await preview.getByRole("button", { name: "Preview with sample data (20 per type)" }).click();
  const frame = page.locator("iframe.page-preview");
  await frame.waitFor();
  expect(decodeURIComponent(new URL((await frame.getAttribute("src"))!, s.url).pathname.split("/")[2]!)).toBe("sample-me-sample");
  const apps = await gql<{ model: { apps: { slug: string; records: number }[] } }>("query ($id: ID!) { model(id: $id) { apps { slug records } } }", {
    id: other,
  });
  // 20 generated records of each of the template's two types.
  expect(apps.model.apps).toEqual([{ slug: "sample-me-sample", records: 40 }]);
  await page.frameLocator("iframe.page-preview").getByRole("row").nth(5).waitFor({ timeout: 15_000 });
  await preview.getByText(/Generated sample records in the app sample-me-sample/).waitFor();
  expect(await panelViolations(page, "pages")).toEqual([]);
  await shot(page, "editor-designer-sample-data");
  await preview.getByText("Off").click();
  expect(pageErrors()).toEqual([]);
});

test("dark theme passes axe with a box selected", async () => {
  const dark = await openPage(suite.browser, { colorScheme: "dark" });
  await dark.page.goto(modelUrl(id, "/pages/tasks?component=grid"));
  await dark.page.getByTestId("designer-selected").waitFor();
  expect(await panelViolations(dark.page, "pages")).toEqual([]);
  await shot(dark.page, "editor-designer-dark");
  expect(pageErrors(dark)).toEqual([]);
  await dark.close();
});
